import { Principal, UsersService } from '@madoguchi/auth';
import { Actor, APP_CONFIG, AppConfig, AuditService, Clock, escapeLike, hasControlCharacter, insertRows, NotFound, ValidationFailed, fieldError } from '@madoguchi/core';
import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, In, SelectQueryBuilder } from 'typeorm';
import { Customer } from '../customer.entity';
import { normalizeForSearch } from '../search/normalize';
import { AUTO_HISTORY_EVENTS, AutoHistoryEvent, fillTitle } from './auto-history';
import { boundOf } from './history-dates';
import { HistoryDetail, HistoryEntry, HistoryKind, HistoryState } from './history-entry.entity';
import { CreateHistoryEntryDto, HistoryDetailDto, HistoryQueryDto, UpdateHistoryDetailDto, UpdateHistoryEntryDto, WorkQueryDto } from './history.dto';
import { HistorySettingsService } from './history-settings.service';

export interface HistoryDetailView {
  id: number;
  workedAt: Date | null;
  scheduledAt: Date | null;
  staffId: number | null;
  state: HistoryState | null;
  content: string;
}

export interface HistoryEntryView {
  id: number;
  customerId: number | null;
  createdAt: Date;
  title: string;
  state: HistoryState;
  kind: HistoryKind;
  authorId: number | null;
  staffId: number | null;
  requestedToId: number | null;
  nextScheduledAt: Date | null;
  ticketId: number | null;
  batchId: number | null;
  phone: string | null;
  call: CallDetails | null;
  updatedAt: Date;
  details: HistoryDetailView[];
}

export interface WorkItemView extends HistoryEntryView {
  customer: { id: number; code: string; name: string } | null;
  overdue: boolean;
}

/** What an incoming call entry keeps beside its title: the events seen, who answered, how long. */
export interface CallDetails {
  callId: string;
  from: string;
  to: string | null;
  /** `at`: when the phone system says it happened; `receivedAt`: when the server took it (the pop-up relay reads it). */
  events: { event: string; at: string; receivedAt?: string }[];
  answeredBy: string | null;
  answeredAt: string | null;
  endedAt: string | null;
  durationSeconds: number | null;
  /** Customers with the caller's number when there were several; the entry waits to be linked. */
  candidateIds: number[];
}

/** What a later event of a call adds to its details; a field already known keeps its first value (a redelivered event changes nothing). */
export interface CallPatch {
  event?: { event: string; at: string; receivedAt?: string };
  answeredBy?: string | null;
  answeredAt?: string | null;
  endedAt?: string | null;
  durationSeconds?: number | null;
}

/** One entry to write. `eventKey` names the event it records: a second write for the same key writes nothing. */
export interface HistoryInput {
  customerId: number | null;
  title: string;
  state: HistoryState;
  kind: HistoryKind;
  createdAt?: Date;
  authorId?: number | null;
  staffId?: number | null;
  requestedToId?: number | null;
  nextScheduledAt?: Date | null;
  ticketId?: number | null;
  articleId?: number | null;
  batchId?: number | null;
  eventKey?: string | null;
  phone?: string | null;
  call?: CallDetails | null;
  details?: { workedAt?: Date | null; scheduledAt?: Date | null; staffId?: number | null; state?: HistoryState | null; content: string }[];
}

/** An automatic entry (自動履歴保存): the settings decide whether, with which state and title. */
export interface AutoHistoryInput {
  customerId: number | null;
  /** The event's own key, e.g. `article:17`: one event writes one entry, whatever retries it. */
  eventKey: string;
  ticketId?: number | null;
  articleId?: number | null;
  staffId?: number | null;
  authorId?: number | null;
  /** Instead of the event's own kind (a ticket note of a phone call is a `call`). */
  kind?: HistoryKind;
  createdAt?: Date;
  /** Placeholders of the title (`{subject}`, `{phone}`, …). */
  values?: Record<string, string | null | undefined>;
  details?: HistoryInput['details'];
  phone?: string | null;
  call?: CallDetails | null;
  /**
   * Written even without a customer (an unknown caller, a note on a ticket not yet linked);
   * otherwise an event without a customer writes nothing — there is no karte to show it on.
   */
  withoutCustomer?: boolean;
}

const DEFAULT_PAGE_SIZE = 50;
/** Work without a 次回予定 sorts after all dated work (and the column stays NOT NULL for the index). */
export const NO_DUE_DATE = new Date('9999-12-31T00:00:00.000Z');
const DETAIL_CHUNK = 2000;

function searchTextOf(title: string, contents: string[]): string {
  return [title, ...contents].map((t) => normalizeForSearch(t)).filter(Boolean).join('\n');
}

/** A long text (a ticket note of up to 10,000 characters) as detail lines of at most 2,000. */
export function detailChunks(text: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < text.length; i += DETAIL_CHUNK) out.push(text.slice(i, i + DETAIL_CHUNK));
  return out.length ? out : [''];
}

/**
 * 対応履歴: the one place that writes history entries. Channels, tickets, CTI and bulk
 * registration all call `record` / `recordAuto` in their own transaction, so an entry commits
 * with the event it records or not at all.
 */
@Injectable()
export class HistoryService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly users: UsersService,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly settings: HistorySettingsService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /**
   * Writes one entry in the caller's transaction. With an `eventKey` already written, writes
   * nothing and answers the existing entry with `created: false`.
   */
  async record(m: EntityManager, input: HistoryInput): Promise<{ entry: HistoryEntry; created: boolean }> {
    const repo = m.getRepository(HistoryEntry);
    if (input.eventKey) {
      const existing = await repo.findOneBy({ eventKey: input.eventKey });
      if (existing) return { entry: existing, created: false };
    }
    const now = this.clock.now();
    const title = input.title.trim().slice(0, 100) || '(無題)';
    const details = (input.details ?? []).filter((d) => d.content.trim() !== '');
    const entry = await repo.save(
      repo.create({
        customerId: input.customerId,
        createdAt: input.createdAt ?? now,
        title,
        state: input.state,
        kind: input.kind,
        authorId: input.authorId ?? null,
        staffId: input.staffId ?? null,
        requestedToId: input.requestedToId ?? null,
        nextScheduledAt: input.nextScheduledAt ?? null,
        ticketId: input.ticketId ?? null,
        articleId: input.articleId ?? null,
        batchId: input.batchId ?? null,
        eventKey: input.eventKey ?? null,
        phone: input.phone ?? null,
        callJson: input.call ? JSON.stringify(input.call) : null,
        workOpen: input.state !== 'done',
        workDueAt: input.nextScheduledAt ?? NO_DUE_DATE,
        searchText: searchTextOf(title, details.map((d) => d.content)),
        updatedAt: now,
      }),
    );
    if (details.length) {
      await m.getRepository(HistoryDetail).insert(
        details.map((d) => ({
          entryId: entry.id,
          workedAt: d.workedAt ?? null,
          scheduledAt: d.scheduledAt ?? null,
          staffId: d.staffId ?? null,
          state: d.state ?? null,
          content: d.content.slice(0, DETAIL_CHUNK),
          createdAt: now,
          updatedAt: now,
        })),
      );
    }
    return { entry, created: true };
  }

  /**
   * Writes many entries in the caller's transaction with multi-row INSERTs (一括登録: 10,000 in
   * one go), their derived columns worked out as `record` does. Entries written in bulk record no
   * single event, so they take no `eventKey`. Answers the new ids in input order.
   */
  async recordMany(m: EntityManager, inputs: Omit<HistoryInput, 'eventKey'>[]): Promise<number[]> {
    if (!inputs.length) return [];
    const now = this.clock.now();
    // A batch repeats one title: normalise each distinct text once.
    const normalised = new Map<string, string>();
    const rows: HistoryEntry[] = [];
    const details: { index: number; detail: NonNullable<HistoryInput['details']>[number] }[] = [];
    inputs.forEach((input, index) => {
      const title = input.title.trim().slice(0, 100) || '(無題)';
      const lines = (input.details ?? []).filter((d) => d.content.trim() !== '');
      const key = [title, ...lines.map((d) => d.content)].join('\u0000');
      let searchText = normalised.get(key);
      if (searchText === undefined) {
        searchText = searchTextOf(title, lines.map((d) => d.content));
        normalised.set(key, searchText);
      }
      for (const detail of lines) details.push({ index, detail });
      rows.push(
        m.create(HistoryEntry, {
          customerId: input.customerId,
          createdAt: input.createdAt ?? now,
          title,
          state: input.state,
          kind: input.kind,
          authorId: input.authorId ?? null,
          staffId: input.staffId ?? null,
          requestedToId: input.requestedToId ?? null,
          nextScheduledAt: input.nextScheduledAt ?? null,
          ticketId: input.ticketId ?? null,
          articleId: input.articleId ?? null,
          batchId: input.batchId ?? null,
          eventKey: null,
          phone: input.phone ?? null,
          callJson: input.call ? JSON.stringify(input.call) : null,
          workOpen: input.state !== 'done',
          workDueAt: input.nextScheduledAt ?? NO_DUE_DATE,
          searchText,
          updatedAt: now,
        }),
      );
    });
    const ids = await insertRows(m, HistoryEntry, rows);
    if (details.length) {
      await insertRows(
        m,
        HistoryDetail,
        details.map(({ index, detail: d }) =>
          m.create(HistoryDetail, {
            entryId: ids[index],
            workedAt: d.workedAt ?? null,
            scheduledAt: d.scheduledAt ?? null,
            staffId: d.staffId ?? null,
            state: d.state ?? null,
            content: d.content.slice(0, DETAIL_CHUNK),
            createdAt: now,
            updatedAt: now,
          }),
        ),
      );
    }
    return ids;
  }

  /** A batch is deleted (一括登録の削除): exactly its entries and their detail lines go. */
  async removeBatchEntries(m: EntityManager, batchId: number): Promise<number> {
    const ids = (await m.getRepository(HistoryEntry).find({ select: { id: true }, where: { batchId } })).map((e) => e.id);
    // By id lists, not `IN (SELECT …)`: MariaDB runs that DELETE as a scan of every detail line.
    for (let i = 0; i < ids.length; i += 1000) await m.delete(HistoryDetail, { entryId: In(ids.slice(i, i + 1000)) });
    const r = await m.createQueryBuilder().delete().from(HistoryEntry).where('batch_id = :batchId', { batchId }).execute();
    return r.affected ?? 0;
  }

  /**
   * 自動履歴保存: writes the entry for `event` when the setting is on, with the configured
   * state and title; null when it is off. Never twice for one event key.
   */
  async recordAuto(m: EntityManager, event: AutoHistoryEvent, input: AutoHistoryInput): Promise<{ entry: HistoryEntry; created: boolean } | null> {
    if (input.customerId === null && !input.withoutCustomer) return null;
    const setting = (await this.settings.autoHistory(m)).find((s) => s.event === event);
    if (!setting?.enabled) return null;
    return this.record(m, {
      customerId: input.customerId,
      title: fillTitle(setting.title, input.values ?? {}),
      state: setting.state,
      kind: input.kind ?? AUTO_HISTORY_EVENTS[event].kind,
      createdAt: input.createdAt,
      authorId: input.authorId ?? null,
      staffId: input.staffId ?? null,
      ticketId: input.ticketId ?? null,
      articleId: input.articleId ?? null,
      eventKey: `${event}:${input.eventKey}`,
      details: input.details,
      phone: input.phone ?? null,
      call: input.call ?? null,
    });
  }

  /**
   * 自動履歴保存 for many customers at once (a CSV import's new customers): the setting is read
   * once and the entries go in as multi-row INSERTs through recordMany. No event key: the caller's
   * transaction is what keeps one entry per customer (a resumed import never rewrites a batch).
   */
  async recordAutoMany(
    m: EntityManager,
    event: AutoHistoryEvent,
    inputs: { customerId: number; authorId?: number | null; staffId?: number | null; values?: Record<string, string | null | undefined> }[],
  ): Promise<number> {
    if (!inputs.length) return 0;
    const setting = (await this.settings.autoHistory(m)).find((s) => s.event === event);
    if (!setting?.enabled) return 0;
    const ids = await this.recordMany(
      m,
      inputs.map((input) => ({
        customerId: input.customerId,
        title: fillTitle(setting.title, input.values ?? {}),
        state: setting.state,
        kind: AUTO_HISTORY_EVENTS[event].kind,
        authorId: input.authorId ?? null,
        staffId: input.staffId ?? null,
      })),
    );
    return ids.length;
  }

  /**
   * An incoming call moved on (answered, ended): the entry's call details take the patch, an
   * event already seen is not added twice. Title, state and customer stay as they are.
   */
  async updateCall(m: EntityManager, entryId: number, patch: CallPatch): Promise<{ entry: HistoryEntry; changed: boolean }> {
    const row = await this.lockedEntry(m, entryId);
    if (!row.callJson) return { entry: row, changed: false };
    const call = JSON.parse(row.callJson) as CallDetails;
    const events = patch.event && !call.events.some((e) => e.event === patch.event!.event) ? [...call.events, patch.event] : call.events;
    const next: CallDetails = {
      ...call,
      events,
      answeredBy: call.answeredBy ?? patch.answeredBy ?? null,
      answeredAt: call.answeredAt ?? patch.answeredAt ?? null,
      endedAt: call.endedAt ?? patch.endedAt ?? null,
      durationSeconds: call.durationSeconds ?? patch.durationSeconds ?? null,
    };
    // Talk time, whichever of answered and ended arrived last (webhooks may come out of order).
    if (next.durationSeconds === null && next.answeredAt && next.endedAt) {
      next.durationSeconds = Math.max(0, Math.round((Date.parse(next.endedAt) - Date.parse(next.answeredAt)) / 1000));
    }
    const json = JSON.stringify(next);
    if (json === row.callJson) return { entry: row, changed: false };
    row.callJson = json;
    await this.saveEntry(m, row);
    return { entry: row, changed: true };
  }

  /** A ticket's customer changed: its entries that were the old customer's (or nobody's) follow it. */
  async followTicketCustomer(m: EntityManager, ticketId: number, from: number | null, to: number | null): Promise<void> {
    const qb = m.createQueryBuilder().update(HistoryEntry).set({ customerId: to }).where('ticket_id = :ticketId', { ticketId });
    if (from === null) qb.andWhere('customer_id IS NULL');
    else qb.andWhere('(customer_id = :from OR customer_id IS NULL)', { from });
    await qb.execute();
  }

  /** Tickets merged: the merged tickets' entries now point at the survivor. */
  async moveTickets(m: EntityManager, fromTicketIds: number[], toTicketId: number): Promise<void> {
    if (fromTicketIds.length) await m.update(HistoryEntry, { ticketId: In(fromTicketIds) }, { ticketId: toTicketId });
  }

  /** A message split off into a ticket of its own: the entries written for that message go with it. */
  async moveArticle(m: EntityManager, articleId: number, toTicketId: number): Promise<void> {
    await m.update(HistoryEntry, { articleId }, { ticketId: toTicketId });
  }

  /** Customers merged (重複会員統合): every entry of `from` moves to `to`. */
  async moveCustomer(m: EntityManager, fromCustomerId: number, toCustomerId: number): Promise<number> {
    const r = await m.update(HistoryEntry, { customerId: fromCustomerId }, { customerId: toCustomerId });
    return r.affected ?? 0;
  }

  /** Entries linked to these timeline articles, by article id (a ticket's history notes). */
  async byArticles(articleIds: number[], m: EntityManager = this.dataSource.manager): Promise<Map<number, HistoryEntryView>> {
    if (!articleIds.length) return new Map();
    const rows = await m.getRepository(HistoryEntry).find({ where: { articleId: In(articleIds) } });
    const views = await this.views(m, rows);
    return new Map(views.map((v, i) => [rows[i].articleId!, v]));
  }

  // ── the API ──────────────────────────────────────────────────────────────

  async create(customerId: number, dto: CreateHistoryEntryDto, p: Principal): Promise<HistoryEntryView> {
    return this.dataSource.transaction(async (m) => {
      await this.customerExists(m, customerId);
      await this.checkStaff(m, [dto.staffId, dto.requestedToId, ...(dto.details ?? []).map((d) => d.staffId)]);
      const { entry } = await this.record(m, {
        customerId,
        title: dto.title,
        state: dto.state,
        kind: dto.kind ?? 'note',
        createdAt: dto.createdAt ? new Date(dto.createdAt) : undefined,
        authorId: p.userId,
        staffId: dto.staffId === undefined ? p.userId : dto.staffId,
        requestedToId: dto.requestedToId ?? null,
        nextScheduledAt: dto.nextScheduledAt ? new Date(dto.nextScheduledAt) : null,
        ticketId: dto.ticketId ?? null,
        details: (dto.details ?? []).map((d) => this.detailInput(d)),
      });
      const view = (await this.views(m, [entry]))[0];
      await this.audit.record(p.actor, { entity: 'history_entry', entityId: entry.id, action: 'create', after: view }, m);
      return view;
    });
  }

  async get(id: number): Promise<HistoryEntryView> {
    const row = await this.dataSource.getRepository(HistoryEntry).findOneBy({ id });
    if (!row) throw new NotFound('history entry', id);
    return (await this.views(this.dataSource.manager, [row]))[0];
  }

  async update(id: number, dto: UpdateHistoryEntryDto, actor: Actor): Promise<HistoryEntryView> {
    return this.dataSource.transaction(async (m) => {
      const row = await this.lockedEntry(m, id);
      const before = (await this.views(m, [row]))[0];
      await this.checkStaff(m, [dto.staffId, dto.requestedToId]);
      if (dto.title !== undefined) row.title = dto.title;
      if (dto.state !== undefined) row.state = dto.state;
      if (dto.kind !== undefined) row.kind = dto.kind;
      if (dto.createdAt !== undefined) row.createdAt = new Date(dto.createdAt);
      if (dto.staffId !== undefined) row.staffId = dto.staffId;
      if (dto.requestedToId !== undefined) row.requestedToId = dto.requestedToId;
      if (dto.nextScheduledAt !== undefined) row.nextScheduledAt = dto.nextScheduledAt === null ? null : new Date(dto.nextScheduledAt);
      await this.saveEntry(m, row);
      const after = (await this.views(m, [row]))[0];
      await this.audit.record(actor, { entity: 'history_entry', entityId: id, action: 'update', before, after }, m);
      return after;
    });
  }

  async remove(id: number, actor: Actor): Promise<void> {
    await this.dataSource.transaction(async (m) => {
      const row = await this.lockedEntry(m, id);
      const before = (await this.views(m, [row]))[0];
      await m.delete(HistoryDetail, { entryId: id });
      await m.delete(HistoryEntry, { id });
      await this.audit.record(actor, { entity: 'history_entry', entityId: id, action: 'delete', before }, m);
    });
  }

  async addDetail(id: number, dto: HistoryDetailDto, actor: Actor): Promise<HistoryEntryView> {
    return this.dataSource.transaction(async (m) => {
      const row = await this.lockedEntry(m, id);
      await this.checkStaff(m, [dto.staffId]);
      const count = await m.countBy(HistoryDetail, { entryId: id });
      if (count >= 100) throw new ValidationFailed({ details: [fieldError('TOO_MANY', 'an entry has at most 100 detail lines', { max: 100 })] });
      const now = this.clock.now();
      const d = this.detailInput(dto);
      const saved = await m.getRepository(HistoryDetail).save({ entryId: id, workedAt: d.workedAt, scheduledAt: d.scheduledAt, staffId: d.staffId, state: d.state, content: d.content, createdAt: now, updatedAt: now });
      await this.saveEntry(m, row);
      await this.audit.record(actor, { entity: 'history_entry', entityId: id, action: 'add_detail', after: { detailId: saved.id, content: d.content } }, m);
      return (await this.views(m, [row]))[0];
    });
  }

  async updateDetail(id: number, detailId: number, dto: UpdateHistoryDetailDto, actor: Actor): Promise<HistoryEntryView> {
    return this.dataSource.transaction(async (m) => {
      const row = await this.lockedEntry(m, id);
      const detail = await m.findOneBy(HistoryDetail, { id: detailId, entryId: id });
      if (!detail) throw new NotFound('history detail', detailId);
      await this.checkStaff(m, [dto.staffId]);
      const before = { ...detail };
      if (dto.workedAt !== undefined) detail.workedAt = dto.workedAt === null ? null : new Date(dto.workedAt);
      if (dto.scheduledAt !== undefined) detail.scheduledAt = dto.scheduledAt === null ? null : new Date(dto.scheduledAt);
      if (dto.staffId !== undefined) detail.staffId = dto.staffId;
      if (dto.state !== undefined) detail.state = dto.state;
      if (dto.content !== undefined) detail.content = dto.content;
      detail.updatedAt = this.clock.now();
      await m.save(detail);
      await this.saveEntry(m, row);
      await this.audit.record(actor, { entity: 'history_entry', entityId: id, action: 'update_detail', before, after: { ...detail } }, m);
      return (await this.views(m, [row]))[0];
    });
  }

  async removeDetail(id: number, detailId: number, actor: Actor): Promise<HistoryEntryView> {
    return this.dataSource.transaction(async (m) => {
      const row = await this.lockedEntry(m, id);
      const detail = await m.findOneBy(HistoryDetail, { id: detailId, entryId: id });
      if (!detail) throw new NotFound('history detail', detailId);
      await m.delete(HistoryDetail, { id: detailId });
      await this.saveEntry(m, row);
      await this.audit.record(actor, { entity: 'history_entry', entityId: id, action: 'remove_detail', before: { ...detail } }, m);
      return (await this.views(m, [row]))[0];
    });
  }

  /** Moves an entry onto a customer (an unknown caller found, or a call with several matches decided). */
  async link(id: number, customerId: number, actor: Actor): Promise<HistoryEntryView> {
    return this.dataSource.transaction(async (m) => {
      const row = await this.lockedEntry(m, id);
      await this.customerExists(m, customerId);
      const before = row.customerId;
      row.customerId = customerId;
      if (row.callJson) {
        const call = JSON.parse(row.callJson) as CallDetails;
        row.callJson = JSON.stringify({ ...call, candidateIds: [] });
      }
      await this.saveEntry(m, row);
      await this.audit.record(actor, { entity: 'history_entry', entityId: id, action: 'link', before: { customerId: before }, after: { customerId } }, m);
      return (await this.views(m, [row]))[0];
    });
  }

  /** The karte's list: one customer's entries, newest first, with their detail lines. */
  async search(customerId: number, query: HistoryQueryDto): Promise<{ items: HistoryEntryView[]; total: number; page: number; pageSize: number }> {
    await this.customerExists(this.dataSource.manager, customerId);
    const page = query.page ?? 1;
    const pageSize = query.pageSize ?? DEFAULT_PAGE_SIZE;
    const qb = this.dataSource.getRepository(HistoryEntry).createQueryBuilder('h').where('h.customer_id = :customerId', { customerId });
    this.filter(qb, query);
    const total = await qb.clone().getCount();
    const rows = await qb
      .orderBy('h.created_at', 'DESC')
      .addOrderBy('h.id', 'DESC')
      .skip((page - 1) * pageSize)
      .take(pageSize)
      .getMany();
    return { items: await this.views(this.dataSource.manager, rows), total, page, pageSize };
  }

  /** Every entry of one customer matching the karte's filters, oldest first, for the CSV export. */
  async *iterate(customerId: number, query: HistoryQueryDto, batchSize = 500): AsyncGenerator<HistoryEntryView[]> {
    await this.customerExists(this.dataSource.manager, customerId);
    let afterId = 0;
    for (;;) {
      const qb = this.dataSource.getRepository(HistoryEntry).createQueryBuilder('h').where('h.customer_id = :customerId', { customerId }).andWhere('h.id > :afterId', { afterId });
      this.filter(qb, query);
      const rows = await qb.orderBy('h.id', 'ASC').take(batchSize).getMany();
      if (!rows.length) return;
      yield this.views(this.dataSource.manager, rows);
      afterId = rows[rows.length - 1].id;
    }
  }

  /**
   * 作業管理: entries of every customer, for one staff member as 担当 or 依頼先 (default: the
   * caller), by state (default: not done), ordered by 次回予定 (undated last). Each side of the
   * "担当 or 依頼先" reads its own index range in order; the page is merged from the two.
   */
  async work(query: WorkQueryDto, p: Principal): Promise<{ items: WorkItemView[]; total: number; page: number; pageSize: number }> {
    const page = query.page ?? 1;
    const pageSize = query.pageSize ?? DEFAULT_PAGE_SIZE;
    const staffId = query.staffId ?? p.userId;
    const now = this.clock.now();
    const state = query.state ?? 'open';
    const base = () => {
      const qb = this.dataSource.getRepository(HistoryEntry).createQueryBuilder('h').select(['h.id', 'h.workDueAt']);
      if (state === 'open') qb.andWhere('h.work_open = :open', { open: true });
      else if (state === 'done') qb.andWhere('h.work_open = :open', { open: false });
      else if (state !== 'all') qb.andWhere('h.work_open = :open', { open: true }).andWhere('h.state = :state', { state });
      if (query.nextFrom || query.nextTo) qb.andWhere('h.next_scheduled_at IS NOT NULL');
      if (query.nextFrom) qb.andWhere('h.work_due_at >= :nextFrom', { nextFrom: boundOf(query.nextFrom, this.config.company.timeZone, false) });
      if (query.nextTo) qb.andWhere('h.work_due_at < :nextTo', { nextTo: boundOf(query.nextTo, this.config.company.timeZone, true) });
      if (query.overdue) qb.andWhere('h.work_due_at < :now', { now }).andWhere('h.work_open = :overdueOpen', { overdueOpen: true });
      return qb;
    };
    const want = page * pageSize;
    if (query.unassigned) {
      // One range of the 担当 index (staff_id IS NULL), those without a 依頼先 either.
      const nobody = base().andWhere('h.staff_id IS NULL').andWhere('h.requested_to_id IS NULL');
      const [rows, total] = await Promise.all([nobody.clone().orderBy('h.work_due_at', 'ASC').addOrderBy('h.id', 'ASC').skip((page - 1) * pageSize).take(pageSize).getMany(), nobody.getCount()]);
      return { items: await this.workItems(rows.map((r) => r.id), now), total, page, pageSize };
    }
    const asStaff = base().andWhere('h.staff_id = :staffId', { staffId });
    const asRequested = base().andWhere('h.requested_to_id = :staffId', { staffId }).andWhere('(h.staff_id IS NULL OR h.staff_id <> :staffId)', { staffId });
    const ordered = (qb: SelectQueryBuilder<HistoryEntry>) => qb.orderBy('h.work_due_at', 'ASC').addOrderBy('h.id', 'ASC').take(want).getMany();
    const [a, b, countA, countB] = await Promise.all([ordered(asStaff.clone()), ordered(asRequested.clone()), asStaff.getCount(), asRequested.getCount()]);
    const merged = [...a, ...b].sort((x, y) => x.workDueAt.getTime() - y.workDueAt.getTime() || x.id - y.id).slice((page - 1) * pageSize, want);
    const items = await this.workItems(merged.map((r) => r.id), now);
    return { items, total: countA + countB, page, pageSize };
  }

  /** The page's entries in the order given, each with its customer and whether it is overdue. */
  private async workItems(ids: number[], now: Date): Promise<WorkItemView[]> {
    const rows = ids.length ? await this.dataSource.getRepository(HistoryEntry).findBy({ id: In(ids) }) : [];
    const position = new Map(ids.map((id, i) => [id, i]));
    rows.sort((x, y) => position.get(x.id)! - position.get(y.id)!);
    const views = await this.views(this.dataSource.manager, rows);
    const customerIds = [...new Set(rows.map((r) => r.customerId).filter((id): id is number => id !== null))];
    const customers = customerIds.length
      ? await this.dataSource.getRepository(Customer).find({ select: { id: true, code: true, lastName: true, firstName: true }, where: { id: In(customerIds) } })
      : [];
    const byId = new Map(customers.map((c) => [c.id, { id: c.id, code: c.code, name: `${c.lastName}${c.firstName ? ` ${c.firstName}` : ''}` }]));
    return views.map((v) => ({
      ...v,
      customer: v.customerId ? (byId.get(v.customerId) ?? null) : null,
      overdue: v.state !== 'done' && v.nextScheduledAt !== null && v.nextScheduledAt.getTime() < now.getTime(),
    }));
  }

  /** Staff names by id, for the CSV's 担当 columns. */
  async staffNames(): Promise<Map<number, string>> {
    return this.users.allNames();
  }

  /** Views with their detail lines, in the order given. */
  async views(m: EntityManager, rows: HistoryEntry[]): Promise<HistoryEntryView[]> {
    if (!rows.length) return [];
    const details = await m.getRepository(HistoryDetail).find({ where: { entryId: In(rows.map((r) => r.id)) }, order: { id: 'ASC' } });
    const byEntry = new Map<number, HistoryDetailView[]>();
    for (const d of details) {
      byEntry.set(d.entryId, [...(byEntry.get(d.entryId) ?? []), { id: d.id, workedAt: d.workedAt, scheduledAt: d.scheduledAt, staffId: d.staffId, state: d.state, content: d.content }]);
    }
    return rows.map((r) => ({
      id: r.id,
      customerId: r.customerId,
      createdAt: r.createdAt,
      title: r.title,
      state: r.state,
      kind: r.kind,
      authorId: r.authorId,
      staffId: r.staffId,
      requestedToId: r.requestedToId,
      nextScheduledAt: r.nextScheduledAt,
      ticketId: r.ticketId,
      batchId: r.batchId,
      phone: r.phone,
      call: r.callJson ? (JSON.parse(r.callJson) as CallDetails) : null,
      updatedAt: r.updatedAt,
      details: byEntry.get(r.id) ?? [],
    }));
  }

  private filter(qb: SelectQueryBuilder<HistoryEntry>, query: HistoryQueryDto): void {
    const tz = this.config.company.timeZone;
    if (query.createdFrom) qb.andWhere('h.created_at >= :createdFrom', { createdFrom: boundOf(query.createdFrom, tz, false) });
    if (query.createdTo) qb.andWhere('h.created_at < :createdTo', { createdTo: boundOf(query.createdTo, tz, true) });
    if (query.nextFrom) qb.andWhere('h.next_scheduled_at >= :nextFrom', { nextFrom: boundOf(query.nextFrom, tz, false) });
    if (query.nextTo) qb.andWhere('h.next_scheduled_at < :nextTo', { nextTo: boundOf(query.nextTo, tz, true) });
    if (query.staffId !== undefined) qb.andWhere('(h.staff_id = :staffId OR h.requested_to_id = :staffId)', { staffId: query.staffId });
    if (query.state) qb.andWhere('h.state = :state', { state: query.state });
    if (query.openOnly) qb.andWhere('h.work_open = :open', { open: true });
    if (query.kind) qb.andWhere('h.kind = :kind', { kind: query.kind });
    const words = (query.q ?? '').split(/[\s\u3000]+/).filter(Boolean);
    words.forEach((word, i) => {
      // Stored text never holds a control character, and SQLite would end a bound pattern at a NUL.
      if (hasControlCharacter(word)) qb.andWhere('1 = 0');
      else qb.andWhere(`h.search_text LIKE :q${i} ESCAPE '!'`, { [`q${i}`]: `%${escapeLike(normalizeForSearch(word))}%` });
    });
  }

  private detailInput(d: HistoryDetailDto) {
    return {
      workedAt: d.workedAt ? new Date(d.workedAt) : null,
      scheduledAt: d.scheduledAt ? new Date(d.scheduledAt) : null,
      staffId: d.staffId ?? null,
      state: d.state ?? null,
      content: d.content,
    };
  }

  /** Saves the entry with its derived columns (search text, work index) brought up to date. */
  private async saveEntry(m: EntityManager, row: HistoryEntry): Promise<void> {
    const contents = (await m.find(HistoryDetail, { select: { content: true }, where: { entryId: row.id }, order: { id: 'ASC' } })).map((d) => d.content);
    row.searchText = searchTextOf(row.title, contents);
    row.workOpen = row.state !== 'done';
    row.workDueAt = row.nextScheduledAt ?? NO_DUE_DATE;
    row.updatedAt = this.clock.now();
    await m.save(HistoryEntry, row);
  }

  private async lockedEntry(m: EntityManager, id: number): Promise<HistoryEntry> {
    const qb = m.getRepository(HistoryEntry).createQueryBuilder('h').where('h.id = :id', { id });
    // SQLite has one writer at a time anyway and knows no FOR UPDATE.
    if (m.connection.options.type === 'mysql') qb.setLock('pessimistic_write');
    const row = await qb.getOne();
    if (!row) throw new NotFound('history entry', id);
    return row;
  }

  private async customerExists(m: EntityManager, customerId: number): Promise<void> {
    if (!(await m.getRepository(Customer).existsBy({ id: customerId }))) throw new NotFound('customer', customerId);
  }

  private async checkStaff(m: EntityManager, ids: (number | null | undefined)[]): Promise<void> {
    const wanted = [...new Set(ids.filter((x): x is number => typeof x === 'number'))];
    if (!wanted.length) return;
    const missing = await this.users.unknownIds(wanted, m);
    if (missing.length) throw new ValidationFailed({ staffId: [fieldError('UNKNOWN_ID', `unknown staff user id(s): ${missing.join(', ')}`, { ids: missing.join(', ') })] });
  }
}
