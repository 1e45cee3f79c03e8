import { CurrentPrincipal, Principal } from '@madoguchi/auth';
import { BLOB_STORAGE, BlobStorage } from '@madoguchi/core';
import { Body, Controller, Get, HttpCode, Inject, Param, ParseIntPipe, Patch, Post, Query, Res } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { pipeline } from 'node:stream/promises';
import { RepliesService } from './replies/replies.service';
import { replySubject } from './ticket-code';
import { ArticlePageDto, OlderArticlesDto, TicketQueryDto, UpdateTicketDto } from './ticket.dto';
import { ARTICLE_PAGE, TicketsService } from './tickets.service';

@ApiTags('tickets')
@Controller()
export class TicketsController {
  constructor(
    private readonly tickets: TicketsService,
    private readonly replies: RepliesService,
    @Inject(BLOB_STORAGE) private readonly blobs: BlobStorage,
  ) {}

  /** Tickets of the mailboxes the user may view, newest activity first. `q` searches code, subject, sender and body. */
  @Get('tickets')
  list(@Query() query: TicketQueryDto, @CurrentPrincipal() p: Principal) {
    return this.tickets.list(query, p);
  }

  /**
   * The ticket and its timeline; `replySubject` is what a reply's subject should be,
   * `approvalRequired`/`approvalSteps` whether a reply by the caller must be approved first.
   */
  @Get('tickets/:id')
  async get(@Param('id', ParseIntPipe) id: number, @Query() q: ArticlePageDto, @CurrentPrincipal() p: Principal) {
    const t = await this.tickets.get(id, p, q.limit);
    return { ...t, replySubject: replySubject(t.subject, t.code), ...(await this.replies.approvalFor(t.mailboxId, p)) };
  }

  /** Older articles of the timeline: `beforeId` is the oldest article the caller has; `{items, hasMore}`, oldest first. */
  @Get('tickets/:id/articles')
  articles(@Param('id', ParseIntPipe) id: number, @Query() q: OlderArticlesDto, @CurrentPrincipal() p: Principal) {
    return this.tickets.articles(id, q.beforeId, q.limit ?? ARTICLE_PAGE, p);
  }

  /**
   * Changes the ticket's fields that are given. Today the assignment: `assigneeId` (an active user
   * who can see the mailbox) and `assigneeGroupId`, each `null` to unassign; needs the mailbox's
   * reply right. The new assignee is notified unless they assigned themselves. `labelIds` (reply
   * right) is the ticket's whole set of labels, each of its mailbox's catalogue (else 400 LABEL_NOT_FOUND).
   */
  @Patch('tickets/:id')
  update(@Param('id', ParseIntPipe) id: number, @Body() dto: UpdateTicketDto, @CurrentPrincipal() p: Principal) {
    return this.tickets.update(id, dto, p);
  }

  /** Active users who can see the mailbox, by name: whom its tickets may be assigned to. */
  @Get('mailboxes/:id/assignable')
  assignable(@Param('id', ParseIntPipe) id: number, @CurrentPrincipal() p: Principal) {
    return this.tickets.assignable(id, p);
  }

  /** Groups with a right on the mailbox (or admin groups), by name: which groups its tickets may be assigned to. */
  @Get('mailboxes/:id/assignable-groups')
  assignableGroups(@Param('id', ParseIntPipe) id: number, @CurrentPrincipal() p: Principal) {
    return this.tickets.assignableGroups(id, p);
  }

  @Post('tickets/:id/read')
  @HttpCode(204)
  async read(@Param('id', ParseIntPipe) id: number, @CurrentPrincipal() p: Principal) {
    await this.tickets.markRead(id, p);
  }

  /** The file's bytes, for users who may see its ticket. */
  @Get('attachments/:id')
  async attachment(@Param('id', ParseIntPipe) id: number, @CurrentPrincipal() p: Principal, @Res() res: Response) {
    const a = await this.tickets.visibleAttachment(id, p);
    const stream = await this.blobs.get(a.blobKey);
    res.setHeader('Content-Type', a.contentType);
    res.setHeader('Content-Length', String(a.size));
    res.setHeader('Content-Disposition', `${a.inline && a.contentType.startsWith('image/') ? 'inline' : 'attachment'}; filename*=UTF-8''${encodeURIComponent(a.filename)}`);
    // Attachments are the customer's content: never let the browser run them as our origin.
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Content-Security-Policy', "default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'; sandbox");
    await pipeline(stream, res);
  }
}
