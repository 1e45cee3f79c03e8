import { Principal, UsersService } from '@madoguchi/auth';
import { AuditService, Clock, MissingRight, NotFound } from '@madoguchi/core';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { Article } from '../article.entity';
import { NotificationsService } from '../notifications/notifications.service';
import { TicketEvents } from '../ticket-events.service';
import { Ticket } from '../ticket.entity';
import { TicketsService } from '../tickets.service';
import { CommentDto } from './comment.dto';
import { mentionedUserIds } from './mentions';

/**
 * 社内メモ: an article of kind `comment` on the timeline, written like a response-history note
 * (direction outbound, sender agent, the author's id and name) but never queued in the outbox and
 * never part of anything sent. Deleting removes the row; the audit log keeps its text.
 */
@Injectable()
export class CommentsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly tickets: TicketsService,
    private readonly notifications: NotificationsService,
    private readonly users: UsersService,
    private readonly events: TicketEvents,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  async create(ticketId: number, dto: CommentDto, p: Principal) {
    const { article, ticket } = await this.dataSource.transaction(async (m) => {
      const ticket = await this.tickets.visibleTicket(ticketId, p, m);
      if (!p.can(ticket.mailboxId, 'reply')) throw new MissingRight('reply');
      const article = await m.save(
        m.create(Article, {
          ticketId: ticket.id,
          kind: 'comment',
          historyKind: null,
          direction: 'outbound',
          sender: 'agent',
          messageId: null,
          inReplyTo: [],
          references: [],
          fromAddress: null,
          fromName: p.name,
          toJson: [],
          ccJson: [],
          bccJson: [],
          subject: null,
          bodyText: dto.body,
          bodyHtml: null,
          status: null,
          authorId: p.userId,
          rawMessageId: null,
          classification: null,
          createdAt: this.clock.now(),
        }),
      );
      await this.audit.record(
        p.actor,
        {
          entity: 'article',
          entityId: article.id,
          action: 'comment_create',
          after: { ticketId: ticket.id, body: dto.body },
        },
        m,
      );
      await this.notifyMentions(m, ticket, dto.body, [], p);
      return { article, ticket };
    });
    this.events.changed(ticket.id, ticket.mailboxId);
    return this.tickets.articleView(article, []);
  }

  async update(id: number, dto: CommentDto, p: Principal) {
    const { article, ticket } = await this.dataSource.transaction(async (m) => {
      const { article, ticket } = await this.own(m, id, p);
      const before = article.bodyText ?? '';
      article.bodyText = dto.body;
      article.editedAt = this.clock.now();
      await m.update(Article, { id: article.id }, { bodyText: dto.body, editedAt: article.editedAt });
      await this.audit.record(
        p.actor,
        {
          entity: 'article',
          entityId: article.id,
          action: 'comment_update',
          before: { body: before },
          after: { body: dto.body },
        },
        m,
      );
      await this.notifyMentions(m, ticket, dto.body, [before], p);
      return { article, ticket };
    });
    this.events.changed(ticket.id, ticket.mailboxId);
    return this.tickets.articleView(article, []);
  }

  async remove(id: number, p: Principal): Promise<void> {
    const ticket = await this.dataSource.transaction(async (m) => {
      const { article, ticket } = await this.own(m, id, p);
      await m.delete(Article, { id: article.id });
      await this.audit.record(
        p.actor,
        {
          entity: 'article',
          entityId: article.id,
          action: 'comment_delete',
          before: { ticketId: ticket.id, body: article.bodyText },
        },
        m,
      );
      return ticket;
    });
    this.events.changed(ticket.id, ticket.mailboxId);
  }

  /** The caller's own comment on a ticket they may still reply on; anything else answers 404 like an unknown id. */
  private async own(
    m: EntityManager,
    id: number,
    p: Principal,
  ): Promise<{ article: Article; ticket: Ticket }> {
    const article = await m.findOneBy(Article, { id, kind: 'comment' });
    if (!article || article.authorId !== p.userId) throw new NotFound('comment', id);
    const ticket = await m.findOneBy(Ticket, { id: article.ticketId });
    if (!ticket || !p.can(ticket.mailboxId, 'view')) throw new NotFound('comment', id);
    if (!p.can(ticket.mailboxId, 'reply')) throw new MissingRight('reply');
    return { article, ticket };
  }

  /** In-app notice to each colleague mentioned now and not in `earlier` texts, never the author. */
  private async notifyMentions(
    m: EntityManager,
    ticket: Ticket,
    body: string,
    earlier: string[],
    p: Principal,
  ): Promise<void> {
    if (!body.includes('@')) return;
    const users = await this.users.withMailboxView(ticket.mailboxId, undefined, m);
    const already = new Set(earlier.flatMap((t) => mentionedUserIds(t, users)));
    const ids = mentionedUserIds(body, users).filter((u) => u !== p.userId && !already.has(u));
    if (!ids.length) return;
    await this.notifications.notify(
      m,
      ids,
      {
        kind: 'comment_mention',
        ticketId: ticket.id,
        replyId: null,
        text: `社内メモで言及されました: ${ticket.code} ${ticket.subject}（${p.name}）`,
      },
      null,
    );
  }
}
