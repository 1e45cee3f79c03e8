import { GroupsService, Principal, UsersService } from '@madoguchi/auth';
import { AuditService, fieldError, ValidationFailed } from '@madoguchi/core';
import { AutomationService } from '@madoguchi/mailboxes';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, In } from 'typeorm';
import { LabelsService } from '../labels/labels.service';
import { NotificationsService } from '../notifications/notifications.service';
import { SpamService } from '../spam/spam.service';
import { TicketEvents } from '../ticket-events.service';
import { Ticket } from '../ticket.entity';
import { TicketsService } from '../tickets.service';
import { TicketWorkflowService } from '../workflow/ticket-workflow.service';
import { BulkActionDto, BulkTicketsDto } from './bulk.dto';

/** Tickets per transaction: small enough to keep locks short, large enough for few round trips. */
export const BULK_BATCH = 500;
/** Most tickets one filtered request acts on; the caller narrows the filter for more. */
export const MAX_BULK_FILTERED = 50_000;

/** A ticket the action could not be applied to: its code (null when it is hidden) and why, by code. */
export interface BulkFailure {
  id: number;
  code: string | null;
  error: string;
}

export interface BulkResult {
  done: number;
  failed: BulkFailure[];
}

export interface BulkProgress {
  done: number;
  failed: number;
  total: number;
}

/** What a request's action needs per mailbox, worked out once per mailbox. */
type MailboxCheck = Map<number, string | null>;

/**
 * Bulk actions on the ticket list (一括操作): the selection by ids or by the list's filter, then
 * the action in batches of 500, each batch one transaction — a large selection never holds locks
 * for long, and what was done stays done if a later batch fails. Every ticket is checked where
 * it is used: hidden ones fail as TICKET_NOT_FOUND (the same for unknown ids), and acting needs
 * the `manage` right on the ticket's mailbox. Failures are listed per ticket, never thrown for
 * the whole request. Each batch is audited once (`bulk_<type>`, with its ticket ids), and live
 * viewers are told after each batch commits.
 */
@Injectable()
export class BulkTicketsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly tickets: TicketsService,
    private readonly workflow: TicketWorkflowService,
    private readonly users: UsersService,
    private readonly groups: GroupsService,
    private readonly folders: AutomationService,
    private readonly notifications: NotificationsService,
    private readonly events: TicketEvents,
    private readonly audit: AuditService,
    private readonly labels: LabelsService,
    private readonly spam: SpamService,
  ) {}

  async run(dto: BulkTicketsDto, p: Principal, progress?: (at: BulkProgress) => void): Promise<BulkResult> {
    await this.checkRequest(dto);
    const ids = await this.selection(dto, p);
    const result: BulkResult = { done: 0, failed: [] };
    const checks: MailboxCheck = new Map();
    const assigned: number[] = [];
    for (let i = 0; i < ids.length; i += BULK_BATCH) {
      const batch = ids.slice(i, i + BULK_BATCH);
      const changed = await this.dataSource.transaction(async (m) => {
        const { act, failed } = await this.admitted(m, batch, p);
        result.failed.push(...failed);
        const refused = await this.apply(m, act, dto.action, p, checks);
        for (const t of act) {
          const error = refused.get(t.id);
          if (error) result.failed.push({ id: t.id, code: t.code, error });
        }
        const ok = act.filter((t) => !refused.has(t.id));
        if (ok.length) await this.audit.record(p.actor, { entity: 'ticket', entityId: ok[0].id, action: `bulk_${dto.action.type}`, after: { ticketIds: ok.map((t) => t.id), ...this.auditedAction(dto.action) } }, m);
        return ok;
      });
      result.done += changed.length;
      if (dto.action.type === 'assign') assigned.push(...changed.map((t) => t.id));
      for (const t of changed) this.events.changed(t.id, t.mailboxId);
      progress?.({ done: result.done, failed: result.failed.length, total: ids.length });
    }
    await this.notifyAssignee(dto.action, assigned, p);
    return result;
  }

  private async checkRequest(dto: BulkTicketsDto): Promise<void> {
    const a = dto.action;
    if ((dto.ids === undefined) === (dto.filter === undefined)) throw new ValidationFailed({ ids: [fieldError('IDS_OR_FILTER', 'give either ids or filter')] });
    if ((a.type === 'label' || a.type === 'unlabel') && !a.labelIds?.length) throw new ValidationFailed({ 'action.labelIds': [fieldError('REQUIRED', `${a.type} needs labelIds`)] });
    if (a.type === 'move' && a.folderId === undefined) throw new ValidationFailed({ 'action.folderId': [fieldError('REQUIRED', 'move needs folderId (null for the top level)')] });
    if (a.type === 'assign' && a.assigneeId === undefined && a.assigneeGroupId === undefined) throw new ValidationFailed({ 'action.assigneeId': [fieldError('REQUIRED', 'assign needs assigneeId or assigneeGroupId (null unassigns)')] });
    if (a.labelIds?.length) {
      // Labels that exist nowhere are the request's mistake, not a ticket's.
      const found = new Set((await this.labels.byIds(this.dataSource.manager, a.labelIds)).map((l) => l.id));
      const missing = [...new Set(a.labelIds)].filter((id) => !found.has(id));
      if (missing.length) throw new ValidationFailed({ 'action.labelIds': [fieldError('LABEL_NOT_FOUND', `unknown label id${missing.length > 1 ? 's' : ''}: ${missing.join(', ')}`, { ids: missing.join(', ') })] });
    }
  }

  /** The selected ticket ids, in id order: the ids given (once each), or what the filter selects now. */
  private async selection(dto: BulkTicketsDto, p: Principal): Promise<number[]> {
    if (dto.ids) return [...new Set(dto.ids)];
    await this.tickets.searchReady(dto.filter!);
    const qb = this.tickets.filtered(dto.filter!, p);
    if (!qb) return [];
    const total = await qb.getCount();
    if (total > MAX_BULK_FILTERED) throw new ValidationFailed({ filter: [fieldError('BULK_TOO_MANY', `the filter selects ${total} tickets; at most ${MAX_BULK_FILTERED} at a time`, { max: MAX_BULK_FILTERED, count: total })] });
    const rows = await qb.select('t.id', 'id').orderBy('t.id', 'ASC').getRawMany<{ id: number | string }>();
    return rows.map((r) => Number(r.id));
  }

  /** The batch's tickets the caller may act on; the others as failures (hidden ones by id only). */
  private async admitted(m: EntityManager, ids: number[], p: Principal): Promise<{ act: Ticket[]; failed: BulkFailure[] }> {
    const rows = await m.find(Ticket, { where: { id: In(ids) } });
    const byId = new Map(rows.map((t) => [t.id, t]));
    const act: Ticket[] = [];
    const failed: BulkFailure[] = [];
    for (const id of ids) {
      const t = byId.get(id);
      if (!t || !p.can(t.mailboxId, 'view')) failed.push({ id, code: null, error: 'TICKET_NOT_FOUND' });
      // A merged ticket is only a pointer: act on its survivor instead.
      else if (t.mergedIntoId) failed.push({ id, code: t.code, error: 'TICKET_MERGED' });
      else if (!p.can(t.mailboxId, 'manage')) failed.push({ id, code: t.code, error: 'RIGHT_REQUIRED' });
      else act.push(t);
    }
    return { act, failed };
  }

  /** Applies the action to admitted tickets; answers those it refused, with the reason's code. */
  private async apply(m: EntityManager, tickets: Ticket[], a: BulkActionDto, p: Principal, checks: MailboxCheck): Promise<Map<number, string>> {
    const refused = new Map<number, string>();
    if (!tickets.length) return refused;
    const ok = async (check: (mailboxId: number) => Promise<string | null>): Promise<Ticket[]> => {
      const out: Ticket[] = [];
      for (const t of tickets) {
        if (!checks.has(t.mailboxId)) checks.set(t.mailboxId, await check(t.mailboxId));
        const error = checks.get(t.mailboxId);
        if (error) refused.set(t.id, error);
        else out.push(t);
      }
      return out;
    };
    const update = async (rows: Ticket[], patch: Partial<Ticket>) => {
      if (rows.length) await m.update(Ticket, { id: In(rows.map((t) => t.id)) }, patch);
    };
    switch (a.type) {
      case 'assign': {
        const rows = await ok((mailboxId) => this.assignableIn(m, mailboxId, a));
        const patch: Partial<Ticket> = {};
        if (a.assigneeId !== undefined) patch.assigneeId = a.assigneeId;
        if (a.assigneeGroupId !== undefined) patch.assigneeGroupId = a.assigneeGroupId;
        await update(rows, patch);
        break;
      }
      case 'move': {
        const folderId = a.folderId ?? null;
        const rows = await ok(async (mailboxId) => (folderId === null || (await this.folders.folderExists(mailboxId, folderId, m)) ? null : 'FOLDER_NOT_IN_MAILBOX'));
        await update(rows, { folderId });
        break;
      }
      case 'read':
      case 'unread':
        await update(tickets, { unread: a.type === 'unread' });
        break;
      case 'handle':
        for (const [id, code] of await this.workflow.markHandledMany(m, tickets, a.note, p)) refused.set(id, code);
        break;
      case 'label':
      case 'unlabel': {
        // Each ticket takes the labels of its own mailbox among those named; none there: it fails.
        const labels = await this.labels.byIds(m, a.labelIds!);
        const byMailbox = new Map<number, Ticket[]>();
        for (const t of tickets) {
          const own = labels.filter((l) => l.mailboxId === t.mailboxId);
          if (!own.length) refused.set(t.id, 'LABEL_NOT_IN_MAILBOX');
          else byMailbox.set(t.mailboxId, [...(byMailbox.get(t.mailboxId) ?? []), t]);
        }
        for (const [mailboxId, rows] of byMailbox) {
          const ids = labels.filter((l) => l.mailboxId === mailboxId).map((l) => l.id);
          if (a.type === 'label') await this.labels.addToTickets(m, rows.map((t) => t.id), ids);
          else await this.labels.removeFromTickets(m, rows.map((t) => t.id), ids);
        }
        break;
      }
      case 'spam':
        await this.spam.markSpam(m, tickets.map((t) => t.id), p, a.block ? { block: a.block } : {});
        break;
      case 'notSpam':
        await this.spam.markNotSpam(m, tickets.map((t) => t.id), p);
        break;
    }
    return refused;
  }

  /** Whether the action's assignee fits the mailbox: an active user who can see it, a group that exists. */
  private async assignableIn(m: EntityManager, mailboxId: number, a: BulkActionDto): Promise<string | null> {
    if (a.assigneeId !== undefined && a.assigneeId !== null && !(await this.users.withMailboxView(mailboxId, [a.assigneeId], m)).length) return 'ASSIGNEE_CANNOT_VIEW';
    if (a.assigneeGroupId !== undefined && a.assigneeGroupId !== null && (await this.groups.unknownIds([a.assigneeGroupId], m)).length) return 'GROUP_NOT_FOUND';
    return null;
  }

  private auditedAction(a: BulkActionDto): Record<string, unknown> {
    const { type: _type, ...fields } = a;
    return Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined));
  }

  /** One in-app notice for the whole assignment, not one per ticket (unless they assigned themselves). */
  private async notifyAssignee(a: BulkActionDto, ticketIds: number[], p: Principal): Promise<void> {
    if (a.type !== 'assign' || !a.assigneeId || a.assigneeId === p.userId || !ticketIds.length) return;
    const first = await this.dataSource.getRepository(Ticket).findOneBy({ id: ticketIds[0] });
    const text =
      ticketIds.length === 1 && first
        ? `担当に割り当てられました: ${first.code} ${first.subject}（${p.name}）`
        : `${ticketIds.length}件の問い合わせが担当に割り当てられました（${p.name}）`;
    await this.dataSource.transaction((m) => this.notifications.notify(m, [a.assigneeId!], { kind: 'ticket_assigned', ticketId: ticketIds[0], replyId: null, text }, null));
  }
}
