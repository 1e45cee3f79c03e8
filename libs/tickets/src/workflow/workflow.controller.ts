import { IsId } from '@madoguchi/core';
import { CurrentPrincipal, Principal } from '@madoguchi/auth';
import { Body, Controller, Get, HttpCode, Param, ParseIntPipe, Patch, Post, Put, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsOptional } from 'class-validator';
import { RepliesService } from '../replies.service';
import { ApproveReplyDto, HistoryNoteDto, MarkHandledDto, RejectReplyDto, ReplyQueryDto, UpdateReplyDto } from '../reply.dto';
import { ApprovalPolicyDto } from './approval-policy.dto';
import { TicketWorkflowService } from './ticket-workflow.service';

class CountsQueryDto {
  @IsOptional()
  @Type(() => Number)
  @IsId()
  mailboxId?: number;
}

/**
 * The reply workflow (§3): approval, rejection with a reason, edit and resubmit, undo; ticket
 * transitions without mail (mark handled, reopen), response-history notes and the story of a
 * ticket. A refused transition answers 409 with the reason.
 */
@ApiTags('workflow')
@Controller()
export class WorkflowController {
  constructor(
    private readonly replies: RepliesService,
    private readonly workflow: TicketWorkflowService,
  ) {}

  /** Replies the caller may approve now (the current step is theirs; never their own), oldest first. */
  @Get('approvals')
  approvals(@CurrentPrincipal() p: Principal) {
    return this.replies.approvals(p);
  }

  /** The caller's own replies, e.g. `?status=rejected` for the ones sent back to rework. */
  @Get('replies/mine')
  mine(@Query() q: ReplyQueryDto, @CurrentPrincipal() p: Principal) {
    return this.replies.mine(q.status, p);
  }

  @Get('replies/:id')
  get(@Param('id', ParseIntPipe) id: number, @CurrentPrincipal() p: Principal) {
    return this.replies.get(id, p);
  }

  /** Approves the current step; with the last step the reply goes to the outbox. Send `step` as shown. */
  @Post('replies/:id/approve')
  @HttpCode(200)
  approve(@Param('id', ParseIntPipe) id: number, @Body() dto: ApproveReplyDto, @CurrentPrincipal() p: Principal) {
    return this.replies.approve(id, dto.step, p);
  }

  /** Rejects the reply with a reason; it goes back to its author and the ticket shows 非承認. */
  @Post('replies/:id/reject')
  @HttpCode(200)
  reject(@Param('id', ParseIntPipe) id: number, @Body() dto: RejectReplyDto, @CurrentPrincipal() p: Principal) {
    return this.replies.reject(id, dto.reason, dto.step, p);
  }

  /** The author edits a draft or rejected reply. */
  @Patch('replies/:id')
  edit(@Param('id', ParseIntPipe) id: number, @Body() dto: UpdateReplyDto, @CurrentPrincipal() p: Principal) {
    return this.replies.edit(id, dto, p);
  }

  /** The author resubmits a rejected reply; approval starts again at step 1. */
  @Post('replies/:id/resubmit')
  @HttpCode(200)
  resubmit(@Param('id', ParseIntPipe) id: number, @CurrentPrincipal() p: Principal) {
    return this.replies.resubmit(id, p);
  }

  /** The author takes back a reply waiting for approval or rejected. */
  @Post('replies/:id/withdraw')
  @HttpCode(200)
  withdraw(@Param('id', ParseIntPipe) id: number, @CurrentPrincipal() p: Principal) {
    return this.replies.withdraw(id, p);
  }

  /** Undo a queued reply (within the undo window, or before its send-later time). */
  @Post('replies/:id/cancel')
  @HttpCode(200)
  cancel(@Param('id', ParseIntPipe) id: number, @CurrentPrincipal() p: Principal) {
    return this.replies.cancelReply(id, p);
  }

  /** Every reply of the ticket with its status, oldest first. */
  @Get('tickets/:id/replies')
  ticketReplies(@Param('id', ParseIntPipe) id: number, @CurrentPrincipal() p: Principal) {
    return this.replies.forTicket(id, p);
  }

  /** The ticket's story: every transition of the ticket and its replies (actor, from, to, event, reason, time). */
  @Get('tickets/:id/transitions')
  transitions(@Param('id', ParseIntPipe) id: number, @CurrentPrincipal() p: Principal) {
    return this.workflow.transitions(id, p);
  }

  /** 対応履歴: `{kind: phone|fax|visit|other, text}` on the ticket's timeline. */
  @Post('tickets/:id/history-notes')
  historyNote(@Param('id', ParseIntPipe) id: number, @Body() dto: HistoryNoteDto, @CurrentPrincipal() p: Principal) {
    return this.workflow.addHistoryNote(id, dto, p);
  }

  /** 対応済にする without mail, optionally with a response-history note. */
  @Post('tickets/:id/mark-handled')
  @HttpCode(200)
  markHandled(@Param('id', ParseIntPipe) id: number, @Body() dto: MarkHandledDto, @CurrentPrincipal() p: Principal) {
    return this.workflow.markHandled(id, dto, p);
  }

  /** A handled ticket goes back to 未対応. */
  @Post('tickets/:id/reopen')
  @HttpCode(200)
  reopen(@Param('id', ParseIntPipe) id: number, @CurrentPrincipal() p: Principal) {
    return this.workflow.reopen(id, p);
  }

  /** Tickets per state: `{unhandled, awaiting_approval, rejected, handled}`. */
  @Get('ticket-counts')
  counts(@Query() q: CountsQueryDto, @CurrentPrincipal() p: Principal) {
    return this.workflow.counts(q.mailboxId, p);
  }

  @Get('mailboxes/:id/approval-policy')
  policy(@Param('id', ParseIntPipe) id: number, @CurrentPrincipal() p: Principal) {
    return this.workflow.getPolicy(id, p);
  }

  /** `{mode: off|all|groups, groupIds, steps:[{approverGroupIds}] (1–3), notifyByMail}`. */
  @Put('mailboxes/:id/approval-policy')
  setPolicy(@Param('id', ParseIntPipe) id: number, @Body() dto: ApprovalPolicyDto, @CurrentPrincipal() p: Principal) {
    return this.workflow.setPolicy(id, dto, p);
  }
}
