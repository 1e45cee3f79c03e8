import { Principal } from '@madoguchi/auth';
import { APP_CONFIG, AppConfig, AuditService, Clock, Conflict, Forbidden, NotFound, OutboxEntry, ValidationFailed } from '@madoguchi/core';
import { MailboxesService } from '@madoguchi/mailboxes';
import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import { Article, MailAddress } from './article.entity';
import { CreateReplyDto } from './reply.dto';
import { ThreadKey } from './thread-key.entity';
import { replySubject } from './ticket-code';
import { TicketEvents } from './ticket-events';
import { Ticket } from './ticket.entity';
import { TicketsService } from './tickets.service';

/** What the email channel needs to send one outbox row. */
export interface EmailPayload {
  from: MailAddress;
  to: MailAddress[];
  cc: MailAddress[];
  bcc: MailAddress[];
  subject: string;
  text: string;
  inReplyTo: string | null;
  references: string[];
  charset: 'utf-8' | 'iso-2022-jp';
}

const addr = (address: string): MailAddress => ({ address: address.trim().toLowerCase(), name: '' });

/**
 * Replies go out through the outbox: an outbound article and an outbox row written in one
 * transaction, due after the undo window. Nothing is sent here.
 */
@Injectable()
export class RepliesService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly tickets: TicketsService,
    private readonly mailboxes: MailboxesService,
    private readonly events: TicketEvents,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  async reply(ticketId: number, dto: CreateReplyDto, p: Principal) {
    const result = await this.dataSource.transaction(async (m) => {
      const ticket = await this.tickets.visibleTicket(ticketId, p, m);
      if (!p.can(ticket.mailboxId, 'reply')) throw new Forbidden('You need the reply right on this mailbox');
      const mailbox = await this.mailboxes.connection(ticket.mailboxId);
      if (!mailbox) throw new NotFound('mailbox', ticket.mailboxId);
      if (!mailbox.smtp && !this.config.mail.capture) {
        throw new ValidationFailed({ mailbox: ['this mailbox has no SMTP account to send with: set one in 設定 > メールBOX'] });
      }
      if (!dto.to.length) throw new ValidationFailed({ to: ['at least one recipient is required'] });

      const now = this.clock.now();
      const sendAt = dto.sendAt ? new Date(dto.sendAt) : null;
      if (sendAt && (sendAt.getTime() <= now.getTime() || sendAt.getTime() > now.getTime() + 366 * 86400_000)) {
        throw new ValidationFailed({ sendAt: ['sendAt must be in the future and at most a year ahead'] });
      }
      const last = await m.findOne(Article, { where: { ticketId, direction: 'inbound' }, order: { createdAt: 'DESC', id: 'DESC' } });
      const messageId = `${randomUUID()}@${mailbox.address.split('@')[1] ?? 'madoguchi.invalid'}`;
      const inReplyTo = last?.messageId ?? null;
      const references = [...(last?.references ?? []), ...(inReplyTo ? [inReplyTo] : [])].slice(-20);
      const payload: EmailPayload = {
        from: { address: mailbox.address, name: mailbox.name },
        to: dto.to.map(addr),
        cc: (dto.cc ?? []).map(addr),
        bcc: (dto.bcc ?? []).map(addr),
        subject: replySubject(dto.subject?.trim() || ticket.subject, ticket.code),
        text: dto.text,
        inReplyTo,
        references,
        charset: mailbox.outgoingCharset,
      };
      const article = await m.save(
        m.create(Article, {
          ticketId,
          kind: 'email',
          direction: 'outbound',
          sender: 'agent',
          messageId,
          inReplyTo: inReplyTo ? [inReplyTo] : [],
          references,
          fromAddress: payload.from.address,
          fromName: payload.from.name,
          toJson: payload.to,
          ccJson: payload.cc,
          bccJson: payload.bcc,
          subject: payload.subject,
          bodyText: dto.text,
          bodyHtml: null,
          status: sendAt ? 'scheduled' : 'queued',
          authorId: p.userId,
          rawMessageId: null,
          classification: null,
          createdAt: now,
        }),
      );
      await m.insert(ThreadKey, { mailboxId: ticket.mailboxId, messageId, ticketId, articleId: article.id });
      const dueAt = sendAt ?? new Date(now.getTime() + this.config.mail.undoSeconds * 1000);
      await m.insert(OutboxEntry, {
        channel: 'email',
        mailboxId: ticket.mailboxId,
        ticketId,
        articleId: article.id,
        state: 'pending',
        payload: JSON.stringify(payload),
        messageId,
        dueAt,
        cancelOnCustomerReply: !!sendAt,
        attempts: 0,
        createdAt: now,
        updatedAt: now,
      });
      await m.update(Ticket, { id: ticketId }, { lastActivityAt: now });
      await this.audit.record(p.actor, { entity: 'article', entityId: article.id, action: 'reply', after: { ticketId, to: dto.to, subject: payload.subject } }, m);
      return { ticket, article, dueAt };
    });
    this.events.changed(ticketId, result.ticket.mailboxId);
    return { ...this.tickets.articleView(result.article, []), undoUntil: result.dueAt };
  }

  /** Undo: only while the message has not started going out. */
  async cancel(articleId: number, p: Principal) {
    const { article, ticket } = await this.dataSource.transaction(async (m) => {
      const { article, ticket } = await this.ownArticle(m, articleId, p);
      const res = await m.update(OutboxEntry, { articleId, state: 'pending' }, { state: 'cancelled', lastError: 'Cancelled by the sender', updatedAt: this.clock.now() });
      if (!res.affected) throw new Conflict('TOO_LATE', 'This message is already being sent or was sent; it can no longer be cancelled');
      article.status = 'cancelled';
      await m.update(Article, { id: articleId }, { status: 'cancelled' });
      await this.audit.record(p.actor, { entity: 'article', entityId: articleId, action: 'cancel' }, m);
      return { article, ticket };
    });
    this.events.changed(ticket.id, ticket.mailboxId);
    return this.tickets.articleView(article, []);
  }

  /** A failed message goes back to the outbox, due now. */
  async retry(articleId: number, p: Principal) {
    const { article, ticket } = await this.dataSource.transaction(async (m) => {
      const { article, ticket } = await this.ownArticle(m, articleId, p);
      const now = this.clock.now();
      const res = await m.update(OutboxEntry, { articleId, state: 'failed' }, { state: 'pending', dueAt: now, lastError: null, attempts: 0, updatedAt: now });
      if (!res.affected) throw new Conflict('NOT_FAILED', 'Only a message that failed can be sent again');
      article.status = 'queued';
      await m.update(Article, { id: articleId }, { status: 'queued' });
      await this.audit.record(p.actor, { entity: 'article', entityId: articleId, action: 'retry' }, m);
      return { article, ticket };
    });
    this.events.changed(ticket.id, ticket.mailboxId);
    return this.tickets.articleView(article, []);
  }

  private async ownArticle(m: EntityManager, articleId: number, p: Principal) {
    const article = await m.findOneBy(Article, { id: articleId });
    if (!article || article.direction !== 'outbound') throw new NotFound('article', articleId);
    const ticket = await this.tickets.visibleTicket(article.ticketId, p, m);
    if (!p.can(ticket.mailboxId, 'reply')) throw new Forbidden('You need the reply right on this mailbox');
    return { article, ticket };
  }
}
