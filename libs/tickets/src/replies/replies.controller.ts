import { CurrentPrincipal, Principal } from '@madoguchi/auth';
import { Body, Controller, Get, HttpCode, Param, ParseIntPipe, Patch, Post, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { RepliesService } from './replies.service';
import { ApproveReplyDto, CreateReplyDto, RejectReplyDto, ReplyQueryDto, UpdateReplyDto } from './reply.dto';

/**
 * Every route of a reply (§3): writing it, approval and rejection with a reason, edit and
 * resubmit, withdraw, undo, 再送, and reading them. A refused transition answers 409 with the
 * reason; a reply the caller may not see answers 404.
 */
@ApiTags('replies')
@Controller()
export class RepliesController {
  constructor(private readonly replies: RepliesService) {}

  /**
   * Writes a reply: `queued` (sent after the undo window, or at `sendAt`) when the mailbox's
   * approval policy does not cover the caller, else `awaiting_approval` (step 1 of n). Answers
   * with the reply (see `GET /api/replies/:id`).
   */
  @Post('tickets/:id/replies')
  reply(@Param('id', ParseIntPipe) id: number, @Body() dto: CreateReplyDto, @CurrentPrincipal() p: Principal) {
    return this.replies.reply(id, dto, p);
  }

  @Post('articles/:id/cancel')
  @HttpCode(200)
  cancel(@Param('id', ParseIntPipe) id: number, @CurrentPrincipal() p: Principal) {
    return this.replies.cancel(id, p);
  }

  @Post('articles/:id/retry')
  @HttpCode(200)
  retry(@Param('id', ParseIntPipe) id: number, @CurrentPrincipal() p: Principal) {
    return this.replies.retry(id, p);
  }

  /**
   * Replies waiting for approval that concern the caller, oldest first: those they may approve now
   * (the current step is theirs; never their own) and their own ones still waiting (申請中,
   * `canApprove: false`).
   */
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

  /**
   * Undo of the final approval within the undo window (`approvalUndo` on the reply says until
   * when), by the approver who gave it: back to 承認待ち at that step, nothing sent. 409
   * `UNDO_WINDOW_OVER` after the window, `TOO_LATE` once it is being sent; 403 without the approve right.
   */
  @Post('replies/:id/undo-approval')
  @HttpCode(200)
  undoApproval(@Param('id', ParseIntPipe) id: number, @CurrentPrincipal() p: Principal) {
    return this.replies.undoApproval(id, p);
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
  cancelReply(@Param('id', ParseIntPipe) id: number, @CurrentPrincipal() p: Principal) {
    return this.replies.cancelReply(id, p);
  }

  /** Every reply of the ticket with its status, oldest first. */
  @Get('tickets/:id/replies')
  ticketReplies(@Param('id', ParseIntPipe) id: number, @CurrentPrincipal() p: Principal) {
    return this.replies.forTicket(id, p);
  }
}
