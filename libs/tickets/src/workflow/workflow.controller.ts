import { IsId } from '@madoguchi/core';
import { CurrentPrincipal, Principal } from '@madoguchi/auth';
import { Body, Controller, Get, HttpCode, Param, ParseIntPipe, Patch, Post, Put, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsOptional } from 'class-validator';
import { HistoryNoteDto, HoldDto, MarkHandledDto } from './ticket-workflow.dto';
import { ApprovalPolicyDto } from './approval-policy.dto';
import { TicketWorkflowService } from './ticket-workflow.service';

class CountsQueryDto {
  @IsOptional()
  @Type(() => Number)
  @IsId()
  mailboxId?: number;
}

/**
 * Ticket transitions without mail (mark handled, reopen), response-history notes, the story of a
 * ticket, the counts per state and the approval policy. A refused transition answers 409 with
 * the reason. Replies have their own controller (replies/replies.controller.ts).
 */
@ApiTags('workflow')
@Controller()
export class WorkflowController {
  constructor(private readonly workflow: TicketWorkflowService) {}

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

  /** 保留: `{until?}` (ISO time); without it the ticket waits for the customer's next message. */
  @Post('tickets/:id/hold')
  @HttpCode(200)
  hold(@Param('id', ParseIntPipe) id: number, @Body() dto: HoldDto, @CurrentPrincipal() p: Principal) {
    return this.workflow.hold(id, dto.until, p);
  }

  /** A handled (or held) ticket goes back to 未対応. */
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
