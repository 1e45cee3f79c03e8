import { Principal } from '@madoguchi/auth';
import { AuditService, fieldError, MissingRight, ValidationFailed } from '@madoguchi/core';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, In } from 'typeorm';
import { TicketEvents } from '../ticket-events.service';
import { Ticket } from '../ticket.entity';
import { TicketsService } from '../tickets.service';
import { BlockedSenderKind } from './blocked-sender.entity';
import { blockPattern, BlockedSendersService } from './blocked-senders.service';

/**
 * 迷惑メール / 迷惑メールではない. Marking spam only sets the ticket's `spam` flag: the ticket leaves
 * the inbox, its folder and the state counts for the 迷惑メール view, and nothing is deleted.
 */
@Injectable()
export class SpamService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly tickets: TicketsService,
    private readonly blocked: BlockedSendersService,
    private readonly events: TicketEvents,
    private readonly audit: AuditService,
  ) {}

  /**
   * Marks tickets as spam in the caller's transaction (bulk actions and the one-ticket route).
   * The caller has checked each ticket's rights (view and reply) and tells live viewers after
   * commit. `block` also blocks each ticket's sender (its address, or `@domain`) for its mailbox:
   * that needs manage on every mailbox among the tickets (403 otherwise, nothing changes); a
   * ticket without a sender address is marked but blocks nothing. Audited per ticket.
   */
  async markSpam(m: EntityManager, ticketIds: number[], actor: Principal, opts: { block?: BlockedSenderKind } = {}): Promise<void> {
    const tickets = await this.load(m, ticketIds);
    if (opts.block) {
      for (const mailboxId of new Set(tickets.map((t) => t.mailboxId))) {
        if (!actor.can(mailboxId, 'manage')) throw new MissingRight('manage', 'mailbox', 'to block senders');
      }
    }
    if (tickets.length) await m.update(Ticket, { id: In(tickets.map((t) => t.id)) }, { spam: true });
    const blockedBy = new Map<number, string>();
    if (opts.block) {
      const byMailbox = new Map<number, { pattern: string; kind: BlockedSenderKind }[]>();
      for (const t of tickets) {
        const pattern = t.contactAddress ? blockPattern(t.contactAddress, opts.block) : null;
        if (!pattern) continue;
        blockedBy.set(t.id, pattern);
        const list = byMailbox.get(t.mailboxId) ?? [];
        list.push({ pattern, kind: opts.block });
        byMailbox.set(t.mailboxId, list);
      }
      for (const [mailboxId, items] of byMailbox) {
        const fresh = await this.blocked.block(m, mailboxId, items, actor.userId);
        for (const pattern of fresh) await this.audit.record(actor.actor, { entity: 'mailbox', entityId: mailboxId, action: 'blocked_sender_add', after: { pattern, kind: opts.block } }, m);
      }
    }
    for (const t of tickets) {
      await this.audit.record(actor.actor, { entity: 'ticket', entityId: t.id, action: 'spam', before: { spam: t.spam }, after: { spam: true, ...(blockedBy.has(t.id) ? { blocked: blockedBy.get(t.id) } : {}) } }, m);
    }
  }

  /**
   * 迷惑メールではない, in the caller's transaction (the caller checked the rights and tells live
   * viewers): the tickets are back in the inbox. Undoing it also lifts the block of each sender
   * (its address or its domain) where the caller has manage on the mailbox; without it a block
   * stays, listed in the mailbox's settings. Audited per ticket.
   */
  async markNotSpam(m: EntityManager, ticketIds: number[], actor: Principal): Promise<void> {
    const tickets = await this.load(m, ticketIds);
    if (tickets.length) await m.update(Ticket, { id: In(tickets.map((t) => t.id)) }, { spam: false });
    const byMailbox = new Map<number, string[]>();
    for (const t of tickets) {
      if (!t.contactAddress || !actor.can(t.mailboxId, 'manage')) continue;
      byMailbox.set(t.mailboxId, [...(byMailbox.get(t.mailboxId) ?? []), t.contactAddress]);
    }
    for (const [mailboxId, addresses] of byMailbox) {
      for (const pattern of await this.blocked.unblock(m, mailboxId, addresses)) {
        await this.audit.record(actor.actor, { entity: 'mailbox', entityId: mailboxId, action: 'blocked_sender_remove', before: { pattern } }, m);
      }
    }
    for (const t of tickets) await this.audit.record(actor.actor, { entity: 'ticket', entityId: t.id, action: 'not_spam', before: { spam: t.spam }, after: { spam: false } }, m);
  }

  /** `POST /api/tickets/:id/spam`: view (else 404), reply (403), manage to block (403); a merged ticket or one without a sender to block is 400. */
  async markOne(id: number, block: BlockedSenderKind | undefined, p: Principal) {
    const ticket = await this.dataSource.transaction(async (m) => {
      const t = await this.replyable(m, id, p);
      if (block && !p.can(t.mailboxId, 'manage')) throw new MissingRight('manage', 'mailbox', 'to block senders');
      if (block && !(t.contactAddress && blockPattern(t.contactAddress, block))) throw new ValidationFailed({ block: [fieldError('NO_SENDER_ADDRESS', 'this ticket has no sender address to block')] });
      await this.markSpam(m, [t.id], p, { block });
      return t;
    });
    this.events.changed(ticket.id, ticket.mailboxId);
    return this.tickets.get(id, p);
  }

  /** `POST /api/tickets/:id/not-spam`: view (else 404), reply (403). */
  async unmarkOne(id: number, p: Principal) {
    const ticket = await this.dataSource.transaction(async (m) => {
      const t = await this.replyable(m, id, p);
      await this.markNotSpam(m, [t.id], p);
      return t;
    });
    this.events.changed(ticket.id, ticket.mailboxId);
    return this.tickets.get(id, p);
  }

  private async replyable(m: EntityManager, id: number, p: Principal): Promise<Ticket> {
    const t = await this.tickets.visibleTicket(id, p, m);
    if (!p.can(t.mailboxId, 'reply')) throw new MissingRight('reply');
    if (t.mergedIntoId) throw new ValidationFailed({ id: [fieldError('TICKET_ALREADY_MERGED', `ticket ${id} was merged into another`, { mergedIntoId: t.mergedIntoId })] });
    return t;
  }

  private async load(m: EntityManager, ids: number[]): Promise<Ticket[]> {
    const unique = [...new Set(ids)];
    if (!unique.length) return [];
    return m.find(Ticket, { select: { id: true, mailboxId: true, contactAddress: true, spam: true }, where: { id: In(unique) }, order: { id: 'ASC' } });
  }
}
