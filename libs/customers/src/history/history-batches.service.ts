import { Principal, UsersService } from '@madoguchi/auth';
import { AuditService, Clock, fieldError, NotFound, ValidationFailed } from '@madoguchi/core';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { CustomersService } from '../customers.service';
import { CreateHistoryBatchDto, HistoryBatchQueryDto, HistoryBatchSearchDto, MAX_BATCH_SEARCH } from './history-batch.dto';
import { HistoryBatch, HistoryState } from './history-entry.entity';
import { HistoryService } from './history.service';

/** Entries per multi-row write and per progress line. */
export const BATCH_CHUNK = 1000;

export interface HistoryBatchProgress {
  done: number;
  total: number;
}

/** Where a batch's customers came from: the ticked ids (how many), or the search as given. */
export type HistoryBatchSource = { type: 'ids'; customerCount: number } | { type: 'search'; search: HistoryBatchSearchDto };

export interface HistoryBatchView {
  id: number;
  createdAt: Date;
  createdById: number | null;
  createdByName: string | null;
  title: string;
  state: HistoryState;
  staffMode: 'fixed' | 'assignee';
  staffId: number | null;
  staffName: string | null;
  count: number;
  source: HistoryBatchSource;
}

type StoredSource = { customerIds: number[] } | { search: HistoryBatchSearchDto };

/**
 * 一括登録: the same entry for many customers (the ticked ones or every one matching a search),
 * written through HistoryService in one transaction — the batch commits whole or not at all, so
 * a failure half-way leaves no entries to clean up. The batch row keeps who, when, how many and
 * where the customers came from; deleting it removes exactly its entries.
 */
@Injectable()
export class HistoryBatchesService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly customers: CustomersService,
    private readonly history: HistoryService,
    private readonly users: UsersService,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  async create(dto: CreateHistoryBatchDto, p: Principal, progress?: (at: HistoryBatchProgress) => void): Promise<{ id: number; count: number }> {
    if ((dto.customerIds === undefined) === (dto.search === undefined)) {
      throw new ValidationFailed({ customerIds: [fieldError('IDS_OR_SEARCH', 'give either customerIds or search')] });
    }
    const fixedStaff = dto.staff.mode === 'fixed' ? dto.staff.staffId! : null;
    if (fixedStaff !== null && (await this.users.unknownIds([fixedStaff])).length) {
      throw new ValidationFailed({ 'staff.staffId': [fieldError('UNKNOWN_ID', `unknown staff user id: ${fixedStaff}`, { ids: String(fixedStaff) })] });
    }
    const targets = await this.targets(dto);
    const createdAt = new Date(dto.createdAt);
    const source: StoredSource = dto.customerIds ? { customerIds: [...new Set(dto.customerIds)] } : { search: dto.search! };
    return this.dataSource.transaction(async (m) => {
      const batch = await m.getRepository(HistoryBatch).save({
        createdById: p.userId,
        createdAt: this.clock.now(),
        title: dto.title,
        state: dto.state,
        staffMode: dto.staff.mode,
        staffId: fixedStaff,
        count: targets.length,
        sourceJson: JSON.stringify(source),
      });
      progress?.({ done: 0, total: targets.length });
      for (let i = 0; i < targets.length; i += BATCH_CHUNK) {
        const chunk = targets.slice(i, i + BATCH_CHUNK);
        await this.history.recordMany(
          m,
          chunk.map((t) => ({
            customerId: t.id,
            title: dto.title,
            state: dto.state,
            kind: 'note',
            createdAt,
            authorId: p.userId,
            staffId: fixedStaff ?? t.assigneeId,
            batchId: batch.id,
          })),
        );
        progress?.({ done: i + chunk.length, total: targets.length });
      }
      await this.audit.record(
        p.actor,
        { entity: 'history_batch', entityId: batch.id, action: 'create', after: { title: batch.title, state: batch.state, staffMode: batch.staffMode, staffId: batch.staffId, count: batch.count, createdAt, source: this.sourceOf(source) } },
        m,
      );
      return { id: batch.id, count: targets.length };
    });
  }

  /** Batches, newest first, with their creator's and fixed staff member's names. */
  async list(query: HistoryBatchQueryDto): Promise<{ items: HistoryBatchView[]; total: number; page: number; pageSize: number }> {
    const page = query.page ?? 1;
    const pageSize = query.pageSize ?? 50;
    const [rows, total] = await this.dataSource.getRepository(HistoryBatch).findAndCount({ order: { createdAt: 'DESC', id: 'DESC' }, skip: (page - 1) * pageSize, take: pageSize });
    const names = rows.length ? await this.users.allNames() : new Map<number, string>();
    const name = (id: number | null) => (id === null ? null : (names.get(id) ?? null));
    const items = rows.map((b) => ({
      id: b.id,
      createdAt: b.createdAt,
      createdById: b.createdById,
      createdByName: name(b.createdById),
      title: b.title,
      state: b.state,
      staffMode: b.staffMode,
      staffId: b.staffId,
      staffName: name(b.staffId),
      count: b.count,
      source: this.sourceOf(JSON.parse(b.sourceJson) as StoredSource),
    }));
    return { items, total, page, pageSize };
  }

  /** Deletes the batch and exactly the entries it wrote (whatever was edited on them since). */
  async remove(id: number, p: Principal): Promise<void> {
    await this.dataSource.transaction(async (m) => {
      const qb = m.getRepository(HistoryBatch).createQueryBuilder('b').where('b.id = :id', { id });
      // SQLite has one writer at a time anyway and knows no FOR UPDATE.
      if (m.connection.options.type === 'mysql') qb.setLock('pessimistic_write');
      const batch = await qb.getOne();
      if (!batch) throw new NotFound('history batch', id);
      const removed = await this.history.removeBatchEntries(m, id);
      await m.delete(HistoryBatch, { id });
      await this.audit.record(
        p.actor,
        { entity: 'history_batch', entityId: id, action: 'delete', before: { title: batch.title, state: batch.state, staffMode: batch.staffMode, staffId: batch.staffId, count: batch.count, createdById: batch.createdById, createdAt: batch.createdAt, source: this.sourceOf(JSON.parse(batch.sourceJson) as StoredSource) }, after: { entriesRemoved: removed } },
        m,
      );
    });
  }

  /** The customers to write for, each with the 担当 an `assignee` batch gives it. */
  private async targets(dto: CreateHistoryBatchDto): Promise<{ id: number; assigneeId: number | null }[]> {
    const out: { id: number; assigneeId: number | null }[] = [];
    if (dto.customerIds) {
      for await (const chunk of this.customers.idsWithFirstAssignee({ ids: dto.customerIds })) out.push(...chunk);
      const found = new Set(out.map((t) => t.id));
      const missing = [...new Set(dto.customerIds)].filter((id) => !found.has(id));
      if (missing.length) {
        const shown = missing.slice(0, 20).join(', ');
        throw new ValidationFailed({ customerIds: [fieldError('UNKNOWN_ID', `unknown customer id(s): ${shown}${missing.length > 20 ? ', …' : ''}`, { ids: shown })] });
      }
      return out;
    }
    for await (const chunk of this.customers.idsWithFirstAssignee({ query: dto.search! })) {
      out.push(...chunk);
      if (out.length > MAX_BATCH_SEARCH) {
        throw new ValidationFailed({ search: [fieldError('BATCH_TOO_MANY', `the search matches more than ${MAX_BATCH_SEARCH} customers; narrow it down`, { max: MAX_BATCH_SEARCH })] });
      }
    }
    if (!out.length) throw new ValidationFailed({ search: [fieldError('BATCH_EMPTY', 'the search matches no customer')] });
    return out;
  }

  private sourceOf(stored: StoredSource): HistoryBatchSource {
    return 'customerIds' in stored ? { type: 'ids', customerCount: stored.customerIds.length } : { type: 'search', search: stored.search };
  }
}
