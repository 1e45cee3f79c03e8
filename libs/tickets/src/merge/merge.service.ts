import { Principal } from '@madoguchi/auth';
import { HistoryService } from '@madoguchi/customers';
import { AuditService, Clock, fieldError, MissingRight, NotFound, OutboxEntry, SequenceService, ValidationFailed } from '@madoguchi/core';
import { WorkflowHistory, WorkflowRunner } from '@madoguchi/workflow';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, In } from 'typeorm';
import { Article } from '../article.entity';
import { Notification } from '../notifications/notification.entity';
import { ThreadKey } from '../thread-key.entity';
import { LabelsService } from '../labels/labels.service';
import { DraftsService } from '../drafts/drafts.service';
import { formatTicketCode } from '../ticket-code';
import { TicketEvents } from '../ticket-events.service';
import { Ticket, TicketState } from '../ticket.entity';
import { TicketsService } from '../tickets.service';
import { Reply } from '../workflow/reply.entity';
import { TICKET_WORKFLOW } from '../workflow/workflows';
import { MergeTicketsDto } from './merge.dto';

/**
 * What the survivor's state should be after a merge: a reply waiting for approval wins (it moved
 * along and its approval drives the ticket), then 未対応 if any of them was, then 非承認, else 対応済.
 */
function mergedState(states: TicketState[]): TicketState {
  for (const s of ['awaiting_approval', 'unhandled', 'rejected', 'on_hold'] as const) if (states.includes(s)) return s;
  return 'handled';
}

/**
 * The ticket-machine event that takes the survivor from `from` toward `to`, or null when it stays:
 * 対応済 → 未対応 is REOPEN, anything → 承認待ち is REPLY_SUBMITTED. A 非承認 survivor stays 非承認
 * when a merged ticket was 未対応 (it is open either way, and the machine has no event that means
 * "a customer question moved in"); nothing moves a ticket to 非承認 but a rejection.
 */
function eventToward(from: TicketState, to: TicketState): { type: 'REOPEN' } | { type: 'REPLY_SUBMITTED' } | null {
  if (from === to) return null;
  if (to === 'awaiting_approval') return { type: 'REPLY_SUBMITTED' };
  if (from === 'handled' && to === 'unhandled') return { type: 'REOPEN' };
  return null;
}

const merged = (field: string, id: number, into: number) => ({ [field]: [fieldError('TICKET_ALREADY_MERGED', `ticket ${id} was merged into ticket ${into}`, { id, mergedIntoId: into })] });

/**
 * 統合 and 分割. Merging moves everything of the merged tickets (articles with their attachments,
 * comments and history notes, thread keys, replies and their transitions, outbox rows,
 * notifications) to the survivor in one transaction; a merged ticket stays as a pointer
 * (`merged_into_id`): left out of the list and the counts, its code and its messages resolve to
 * the survivor. Splitting takes one customer article out into a new ticket.
 */
@Injectable()
export class MergeService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly tickets: TicketsService,
    private readonly sequences: SequenceService,
    private readonly runner: WorkflowRunner,
    private readonly history: WorkflowHistory,
    private readonly events: TicketEvents,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly labels: LabelsService,
    private readonly drafts: DraftsService,
    private readonly customerHistory: HistoryService,
  ) {}

  /**
   * Merges `sourceIds` into `targetId`. Rights: manage on the mailbox. A ticket the caller cannot
   * see is 404; 400 (field codes) for a target among the sources (MERGE_TARGET_IN_SOURCES), a
   * source of another mailbox (MERGE_OTHER_MAILBOX), an already-merged ticket (TICKET_ALREADY_MERGED).
   */
  async merge(dto: MergeTicketsDto, p: Principal) {
    const sourceIds = [...new Set(dto.sourceIds)];
    if (sourceIds.includes(dto.targetId)) throw new ValidationFailed({ sourceIds: [fieldError('MERGE_TARGET_IN_SOURCES', 'the ticket merged into cannot be one of the merged tickets', { id: dto.targetId })] });
    const { target, sources } = await this.dataSource.transaction(async (m) => {
      const rows = await this.lockAll(m, [dto.targetId, ...sourceIds]);
      const byId = new Map(rows.map((t) => [t.id, t]));
      for (const id of [dto.targetId, ...sourceIds]) {
        const t = byId.get(id);
        if (!t || !p.can(t.mailboxId, 'view')) throw new NotFound('ticket', id);
      }
      const target = byId.get(dto.targetId)!;
      const sources = sourceIds.map((id) => byId.get(id)!);
      if (!p.can(target.mailboxId, 'manage')) throw new MissingRight('manage', 'mailbox', 'to merge tickets');
      if (target.mergedIntoId) throw new ValidationFailed(merged('targetId', target.id, target.mergedIntoId));
      const other = sources.find((s) => s.mailboxId !== target.mailboxId);
      if (other) throw new ValidationFailed({ sourceIds: [fieldError('MERGE_OTHER_MAILBOX', `ticket ${other.id} belongs to another mailbox`, { id: other.id })] });
      const gone = sources.find((s) => s.mergedIntoId);
      if (gone) throw new ValidationFailed(merged('sourceIds', gone.id, gone.mergedIntoId!));
      await this.moveInto(m, target, sources, p);
      return { target, sources };
    });
    for (const t of [target, ...sources]) this.events.changed(t.id, t.mailboxId);
    return this.tickets.get(target.id, p);
  }

  private async moveInto(m: EntityManager, target: Ticket, sources: Ticket[], p: Principal): Promise<void> {
    const ids = sources.map((s) => s.id);
    const now = this.clock.now();
    const before = { target: { id: target.id, state: target.state }, sources: sources.map((s) => ({ id: s.id, code: s.code, state: s.state })) };
    const replyIds = (await m.find(Reply, { select: { id: true }, where: { ticketId: In(ids) } })).map((r) => r.id);
    await m.update(Article, { ticketId: In(ids) }, { ticketId: target.id });
    await this.customerHistory.moveTickets(m, ids, target.id);
    await m.update(ThreadKey, { ticketId: In(ids) }, { ticketId: target.id });
    await m.update(Reply, { ticketId: In(ids) }, { ticketId: target.id });
    await this.history.moveToTicket(m, 'reply', replyIds, target.id);
    // Rows of the outbox change owner; its schema is left alone (see the migration notes).
    await m.update(OutboxEntry, { ticketId: In(ids) }, { ticketId: target.id });
    await m.update(Notification, { ticketId: In(ids) }, { ticketId: target.id });
    // The survivor carries every label the merged tickets had (the pointers keep theirs, unseen).
    const labelIds = [...new Set([...(await this.labels.labelsOf(ids, m)).values()].flat().map((l) => l.id))];
    if (labelIds.length) await this.labels.addToTickets(m, [target.id], labelIds);
    // Half-written replies follow too, where the user has none on the survivor.
    await this.drafts.moveToTicket(m, ids, target.id);
    // Tickets merged into a source earlier now point at the survivor: every pointer is one hop.
    await m.update(Ticket, { mergedIntoId: In(ids) }, { mergedIntoId: target.id });
    await m.update(Ticket, { id: In(ids) }, { mergedIntoId: target.id, unread: false, version: () => 'version + 1' } as object);

    const all = [target, ...sources];
    const newest = all.reduce((a, t) => (t.lastActivityAt > a ? t.lastActivityAt : a), target.lastActivityAt);
    await m.update(Ticket, { id: target.id }, { lastActivityAt: newest, unread: all.some((t) => t.unread) });

    // The survivor's state through the ticket machine, so the transition log says why it moved.
    const want = mergedState(all.map((t) => t.state));
    const event = eventToward(target.state, want);
    const codes = sources.map((s) => s.code).join(', ');
    let state = target.state;
    if (event) state = (await this.runner.apply(m, TICKET_WORKFLOW, target.id, event, p.actor, { reason: `統合: ${codes}`.slice(0, 500) })).to as TicketState;

    await this.tickets.addSystemNote(m, target.id, `${codes} を統合しました（${p.name}）`, now);
    for (const s of sources) await this.tickets.addSystemNote(m, s.id, `${target.code} に統合されました（${p.name}）`, now);
    await this.audit.record(p.actor, { entity: 'ticket', entityId: target.id, action: 'merge', before, after: { sourceIds: ids, state } }, m);
    for (const s of sources) await this.audit.record(p.actor, { entity: 'ticket', entityId: s.id, action: 'merge', before: { mergedIntoId: null }, after: { mergedIntoId: target.id } }, m);
  }

  /**
   * 別の問い合わせに分割: an inbound customer article (with its attachments and thread keys) moves
   * to a new ticket of the same mailbox and customer, 未対応, with a new code. Needs reply. An
   * article that is the ticket's only one (system notes aside) cannot be split off (400
   * SPLIT_ONLY_ARTICLE), nor one the customer did not write (400 SPLIT_NOT_CUSTOMER_ARTICLE).
   */
  async split(articleId: number, p: Principal) {
    const { from, created } = await this.dataSource.transaction(async (m) => {
      const article = await m.findOneBy(Article, { id: articleId });
      const ticket = article ? (await this.lockAll(m, [article.ticketId]))[0] : undefined;
      if (!article || !ticket || !p.can(ticket.mailboxId, 'view')) throw new NotFound('article', articleId);
      if (!p.can(ticket.mailboxId, 'reply')) throw new MissingRight('reply', 'mailbox', 'to split tickets');
      if (ticket.mergedIntoId) throw new ValidationFailed(merged('articleId', ticket.id, ticket.mergedIntoId));
      if (article.direction !== 'inbound' || article.sender !== 'customer') throw new ValidationFailed({ articleId: [fieldError('SPLIT_NOT_CUSTOMER_ARTICLE', 'only a message the customer sent can be split off')] });
      const others = await m.createQueryBuilder(Article, 'a').where('a.ticket_id = :t AND a.id <> :id AND a.sender <> :system', { t: ticket.id, id: article.id, system: 'system' }).getCount();
      if (!others) throw new ValidationFailed({ articleId: [fieldError('SPLIT_ONLY_ARTICLE', 'this is the only message of its ticket')] });

      const now = this.clock.now();
      const code = formatTicketCode(await this.sequences.nextBlock(m, 'ticket_code', 1));
      const created = await m.save(
        m.create(Ticket, {
          code,
          mailboxId: ticket.mailboxId,
          folderId: ticket.folderId,
          state: 'unhandled',
          stateVersion: 1,
          stateContext: null,
          stateChangedAt: now,
          version: 1,
          subject: (article.subject || ticket.subject).slice(0, 998),
          channel: ticket.channel,
          customerId: ticket.customerId,
          assigneeId: ticket.assigneeId,
          assigneeGroupId: ticket.assigneeGroupId,
          contactAddress: ticket.contactAddress,
          contactName: ticket.contactName,
          unread: true,
          spam: ticket.spam,
          mentionsTicketId: null,
          mergedIntoId: null,
          createdAt: article.createdAt,
          lastActivityAt: now,
        }),
      );
      await m.update(Article, { id: article.id }, { ticketId: created.id });
      await this.customerHistory.moveArticle(m, article.id, created.id);
      await m.update(ThreadKey, { mailboxId: ticket.mailboxId, articleId: article.id }, { ticketId: created.id });
      await this.tickets.addSystemNote(m, ticket.id, `メッセージを ${created.code} に分割しました（${p.name}）`, now);
      await this.tickets.addSystemNote(m, created.id, `${ticket.code} から分割しました（${p.name}）`, now);
      await this.audit.record(p.actor, { entity: 'ticket', entityId: created.id, action: 'split', after: { fromTicketId: ticket.id, articleId: article.id, code: created.code } }, m);
      return { from: ticket, created };
    });
    this.events.changed(from.id, from.mailboxId);
    this.events.changed(created.id, created.mailboxId);
    return this.tickets.get(created.id, p);
  }

  /** The tickets, locked in id order (MySQL FOR UPDATE), so two merges over the same tickets cannot deadlock. */
  private lockAll(m: EntityManager, ids: number[]): Promise<Ticket[]> {
    const qb = m.getRepository(Ticket).createQueryBuilder('t').where('t.id IN (:...ids)', { ids: [...new Set(ids)] }).orderBy('t.id', 'ASC');
    if (m.connection.options.type === 'mysql') qb.setLock('pessimistic_write');
    return qb.getMany();
  }
}
