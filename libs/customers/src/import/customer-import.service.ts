import { HistoryService } from '../history/history.service';
import { Principal } from '@madoguchi/auth';
import {
  Actor,
  AuditService,
  BLOB_STORAGE,
  BlobStorage,
  Clock,
  createCsvWriter,
  DomainError,
  fieldError,
  insertRows,
  NotFound,
  ValidationFailed,
} from '@madoguchi/core';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { Brackets, DataSource, EntityManager, In } from 'typeorm';
import { CustomerAssignee } from '../customer-assignee.entity';
import { Customer } from '../customer.entity';
import { CustomersService } from '../customers.service';
import { buildSearchText } from '../search/customer-search-text';
import { CustomerSearch } from '../search/customer-search.entity';
import {
  CustomerImport,
  ImportMatchBy,
  ImportMode,
  ImportRowError,
  ImportState,
} from './customer-import.entity';
import {
  CsvRejected,
  FileFacts,
  fileStream,
  ImportDelimiter,
  ImportEncoding,
  inspectFile,
  readRecords,
} from './import-csv';
import { guessMapping, IMPORT_FIELDS, ImportField, ImportRow, MULTI_COLUMN_FIELDS, toImportRow } from './import-fields';

/** Rows per transaction (and per progress step). */
export const IMPORT_BATCH = 500;
/** Problems kept for the report and the errors CSV; the count goes on beyond. */
export const MAX_STORED_ERRORS = 1000;
/** How long a worker's claim on an import lasts without a sign of life (each batch renews it). */
export const IMPORT_LEASE_MS = 2 * 60_000;
/** Claims before an import that keeps dying is given up. */
const MAX_ATTEMPTS = 5;
const PREVIEW_ROWS = 10;

/** What multer hands over for one file written to a temporary file. */
export interface StoredPart {
  originalname: string;
  size: number;
  path: string;
}

export interface ImportPreview {
  filename: string;
  size: number;
  encoding: ImportEncoding;
  delimiter: ImportDelimiter;
  headers: string[];
  mapping: Record<string, ImportField>;
  fields: readonly ImportField[];
  /** Fields several columns may fill (joined in column order). */
  multiColumnFields: readonly ImportField[];
  rows: string[][];
}

export interface ImportStatus {
  id: string;
  state: ImportState;
  mode: ImportMode;
  matchBy: ImportMatchBy;
  atomic: boolean;
  filename: string;
  encoding: string;
  total: number | null;
  processed: number;
  created: number;
  updated: number;
  skipped: number;
  errorCount: number;
  errors: ImportRowError[];
  failureCode: string | null;
  createdAt: Date;
  finishedAt: Date | null;
}

export interface ImportOptions {
  mapping: Record<string, string>;
  mode: ImportMode;
  matchBy: ImportMatchBy;
  atomic: boolean;
}

/** Test and tooling seam: runs after each committed batch (a throw here is a worker dying right after a commit). */
export interface ImportHooks {
  afterBatch?(batch: number): void | Promise<void>;
}

class LeaseLost extends Error {}
/** Thrown inside the all-or-nothing transaction to roll it back on the first bad row. */
class RowRefused extends Error {
  constructor(readonly error: ImportRowError) {
    super(error.message);
  }
}

function rejected(e: CsvRejected): DomainError {
  return new DomainError(
    e.code,
    e.message,
    400,
    { file: [fieldError(e.code, e.message, e.row ? { row: e.row } : undefined)] },
    e.row ? { row: e.row } : undefined,
  );
}

/**
 * 顧客データCSV取込. The upload is typed by its bytes and stored; a worker then reads it as a
 * stream twice: once to check every row (the same rules as the customer form) and count them,
 * then to write in batches of IMPORT_BATCH, each in one transaction with the import's progress,
 * so a worker that dies resumes after the last committed batch and writes nothing twice. An
 * all-or-nothing import writes only when every row passed, in one transaction.
 */
@Injectable()
export class CustomerImportService {
  private readonly logger = new Logger('CustomerImport');
  /** This process's name on the leases it takes. */
  private readonly owner = randomUUID();

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(BLOB_STORAGE) private readonly blobs: BlobStorage,
    private readonly customers: CustomersService,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly history: HistoryService,
  ) {}

  async preview(file: StoredPart | undefined): Promise<ImportPreview> {
    const part = this.requireFile(file);
    const facts = await this.inspect(part.path);
    const rows: string[][] = [];
    try {
      for await (const r of readRecords(fileStream(part.path), facts)) {
        rows.push(r.cells);
        if (rows.length > PREVIEW_ROWS) break;
      }
    } catch (e) {
      throw e instanceof CsvRejected ? rejected(e) : e;
    }
    const headers = rows.shift() ?? [];
    if (!headers.length) throw rejected(new CsvRejected('IMPORT_FILE_EMPTY', 'The file has no header row'));
    return {
      filename: this.filename(part.originalname),
      size: part.size,
      encoding: facts.encoding,
      delimiter: facts.delimiter,
      headers,
      mapping: guessMapping(headers),
      fields: IMPORT_FIELDS,
      multiColumnFields: MULTI_COLUMN_FIELDS,
      rows,
    };
  }

  async start(file: StoredPart | undefined, options: ImportOptions, p: Principal): Promise<{ id: string }> {
    const part = this.requireFile(file);
    const facts = await this.inspect(part.path);
    const headers = await this.headers(part.path, facts);
    this.checkMapping(options.mapping, headers);
    const blob = await this.blobs.put(fileStream(part.path));
    const now = this.clock.now();
    const row: CustomerImport = {
      id: randomUUID(),
      state: 'queued',
      phase: 'validate',
      mode: options.mode,
      matchBy: options.matchBy,
      atomic: options.atomic,
      mapping: JSON.stringify(options.mapping),
      filename: this.filename(part.originalname),
      size: part.size,
      blobKey: blob.key,
      encoding: facts.encoding,
      delimiter: facts.delimiter,
      total: null,
      processed: 0,
      created: 0,
      updated: 0,
      skipped: 0,
      errorCount: 0,
      errorsJson: '[]',
      failureCode: null,
      leaseOwner: null,
      leaseUntil: null,
      attempts: 0,
      createdById: p.userId,
      createdByLabel: p.actor.label.slice(0, 200),
      createdAt: now,
      updatedAt: now,
      finishedAt: null,
    };
    await this.dataSource.getRepository(CustomerImport).insert(row);
    return { id: row.id };
  }

  /** `viewer`: who asks; an import is its starter's (and administrators'), anyone else gets 404. */
  async status(id: string, viewer?: { userId: number; isAdmin: boolean }): Promise<ImportStatus> {
    const r = await this.find(id, viewer);
    return {
      id: r.id,
      state: r.state,
      mode: r.mode,
      matchBy: r.matchBy,
      atomic: !!r.atomic,
      filename: r.filename,
      encoding: r.encoding,
      total: r.total,
      processed: r.processed,
      created: r.created,
      updated: r.updated,
      skipped: r.skipped,
      errorCount: r.errorCount,
      errors: JSON.parse(r.errorsJson) as ImportRowError[],
      failureCode: r.failureCode,
      createdAt: r.createdAt,
      finishedAt: r.finishedAt,
    };
  }

  /** The stored problems as CSV through the product's one CSV writer (BOM, no cell a spreadsheet runs as a formula). */
  async errorsCsv(id: string, viewer?: { userId: number; isAdmin: boolean }): Promise<Readable> {
    const r = await this.find(id, viewer);
    const errors = JSON.parse(r.errorsJson) as ImportRowError[];
    const csv = createCsvWriter({ columns: ['行', '列', 'コード', '内容'] });
    setImmediate(() => {
      for (const e of errors) csv.write([e.row, e.column, e.code, e.message]);
      csv.end();
    });
    return csv;
  }

  /** The worker's sweep: takes imports waiting, or ones whose worker stopped renewing its lease, one at a time. */
  async runDue(hooks: ImportHooks = {}): Promise<number> {
    const now = this.clock.now();
    const due = await this.dataSource
      .getRepository(CustomerImport)
      .createQueryBuilder('i')
      .select(['i.id'])
      .where("i.state = 'queued'")
      .orWhere("i.state = 'running' AND i.lease_until < :now", { now })
      .orderBy('i.created_at', 'ASC')
      .take(5)
      .getMany();
    let n = 0;
    for (const { id } of due) {
      if (!(await this.claim(id))) continue;
      n++;
      await this.process(id, hooks);
    }
    return n;
  }

  /** Takes the lease on an import (waiting, or abandoned by a worker that died). */
  async claim(id: string): Promise<boolean> {
    const now = this.clock.now();
    const res = await this.dataSource
      .createQueryBuilder()
      .update(CustomerImport)
      .set({
        state: 'running',
        leaseOwner: this.owner,
        leaseUntil: new Date(now.getTime() + IMPORT_LEASE_MS),
        attempts: () => 'attempts + 1',
        updatedAt: now,
      })
      .where('id = :id', { id })
      .andWhere(
        new Brackets((w) =>
          w.where("state = 'queued'").orWhere("state = 'running' AND lease_until < :now", { now }),
        ),
      )
      .execute();
    return !!res.affected;
  }

  /** Runs a claimed import to its end (or to the first unexpected failure, leaving it for a later claim). */
  async process(id: string, hooks: ImportHooks = {}): Promise<void> {
    const job = await this.find(id);
    if (job.leaseOwner !== this.owner || job.state !== 'running') return;
    if (job.attempts > MAX_ATTEMPTS) return this.finish(job, 'failed', 'IMPORT_INTERRUPTED');
    const facts: FileFacts = {
      encoding: job.encoding as ImportEncoding,
      delimiter: job.delimiter as ImportDelimiter,
    };
    const mapping = JSON.parse(job.mapping) as Record<string, ImportField>;
    try {
      if (job.phase === 'validate') {
        await this.validateAll(job, facts, mapping);
        if (job.state !== 'running') return;
      }
      if (job.atomic && job.mode === 'run') await this.writeAtomic(job, facts, mapping);
      else await this.writeBatches(job, facts, mapping, hooks);
    } catch (e) {
      if (e instanceof CsvRejected)
        return this.finish(job, 'failed', e.code, [
          { row: e.row ?? 0, column: '', field: '', code: e.code, message: e.message },
        ]);
      if (e instanceof LeaseLost) return;
      throw e;
    }
  }

  // The first pass: every row checked and counted; nothing written but the findings.
  private async validateAll(
    job: CustomerImport,
    facts: FileFacts,
    mapping: Record<string, ImportField>,
  ): Promise<void> {
    const staff = await this.staffIds();
    const keys = new KeyTracker(job.matchBy);
    const errors: ImportRowError[] = [];
    let errorCount = 0;
    let total = 0;
    let headers: string[] | null = null;
    for await (const { row, cells } of readRecords(await this.blobs.get(job.blobKey), facts)) {
      if (!headers) {
        headers = cells;
        continue;
      }
      total++;
      const problems = this.check(row, headers, cells, mapping, staff, keys).errors;
      errorCount += problems.length;
      for (const p of problems) if (errors.length < MAX_STORED_ERRORS) errors.push(p);
      if (total % 5000 === 0) await this.renew(job);
    }
    job.total = total;
    job.errorCount = errorCount;
    job.errorsJson = JSON.stringify(errors);
    if (job.atomic && job.mode === 'run' && errorCount > 0) {
      job.skipped = total;
      job.processed = total;
      return this.finish(job, 'failed', 'IMPORT_HAS_ERRORS');
    }
    job.phase = 'write';
    job.processed = 0;
    await this.save(this.dataSource.manager, job, [
      'total',
      'errorCount',
      'errorsJson',
      'phase',
      'processed',
      'skipped',
    ]);
  }

  /** Batches of IMPORT_BATCH, each committed with the progress; rows before `processed` were committed by an earlier run. */
  private async writeBatches(
    job: CustomerImport,
    facts: FileFacts,
    mapping: Record<string, ImportField>,
    hooks: ImportHooks,
  ): Promise<void> {
    const staff = await this.staffIds();
    const keys = new KeyTracker(job.matchBy);
    const errors = JSON.parse(job.errorsJson) as ImportRowError[];
    const done = job.processed;
    let seen = 0;
    let batch: { row: number; value: ImportRow | null }[] = [];
    let batchNo = 0;
    let headers: string[] | null = null;
    const flush = async () => {
      const rows = batch;
      batch = [];
      await this.dataSource.transaction(async (m) => {
        const counts = await this.writeRows(m, job, rows, staff, job.mode === 'dryRun');
        job.created += counts.created;
        job.updated += counts.updated;
        job.skipped += counts.skipped;
        job.errorCount += counts.errors.length;
        for (const e of counts.errors) if (errors.length < MAX_STORED_ERRORS) errors.push(e);
        job.errorsJson = JSON.stringify(errors);
        job.processed += rows.length;
        await this.save(
          m,
          job,
          ['created', 'updated', 'skipped', 'errorCount', 'errorsJson', 'processed'],
          true,
        );
      });
      await hooks.afterBatch?.(++batchNo);
    };
    for await (const { row, cells } of readRecords(await this.blobs.get(job.blobKey), facts)) {
      if (!headers) {
        headers = cells;
        continue;
      }
      const checked = this.check(row, headers, cells, mapping, staff, keys);
      if (++seen <= done) continue;
      batch.push({ row, value: checked.value });
      if (batch.length === IMPORT_BATCH) await flush();
    }
    if (batch.length) await flush();
    await this.finish(job, 'done', null);
  }

  /** All or nothing: one transaction for every row; the first row the database refuses rolls it all back. */
  private async writeAtomic(
    job: CustomerImport,
    facts: FileFacts,
    mapping: Record<string, ImportField>,
  ): Promise<void> {
    const staff = await this.staffIds();
    const keys = new KeyTracker(job.matchBy);
    // A run that died inside the transaction left nothing behind: start the count over.
    job.processed = job.created = job.updated = job.skipped = 0;
    let headers: string[] | null = null;
    try {
      await this.dataSource.transaction(async (m) => {
        let batch: { row: number; value: ImportRow | null }[] = [];
        const flush = async () => {
          const counts = await this.writeRows(m, job, batch, staff, false);
          if (counts.errors.length) throw new RowRefused(counts.errors[0]);
          job.created += counts.created;
          job.updated += counts.updated;
          job.processed += batch.length;
          batch = [];
          // Progress outside the transaction, so the console's bar moves; on SQLite (one connection) it commits with it.
          await this.save(this.dataSource.manager, job, ['processed'], true);
        };
        for await (const { row, cells } of readRecords(await this.blobs.get(job.blobKey), facts)) {
          if (!headers) {
            headers = cells;
            continue;
          }
          const checked = this.check(row, headers, cells, mapping, staff, keys);
          if (!checked.value) throw new RowRefused(checked.errors[0]);
          batch.push({ row, value: checked.value });
          if (batch.length === IMPORT_BATCH) await flush();
        }
        if (batch.length) await flush();
        job.state = 'done';
        job.finishedAt = this.clock.now();
        await this.save(m, job, ['processed', 'created', 'updated', 'skipped', 'state', 'finishedAt'], true);
        await this.recordAudit(m, job);
      });
    } catch (e) {
      if (!(e instanceof RowRefused)) throw e;
      job.created = job.updated = 0;
      job.processed = job.total ?? job.processed;
      job.skipped = job.total ?? 0;
      job.errorCount = 1;
      job.errorsJson = JSON.stringify([e.error]);
      return this.finish(job, 'failed', 'IMPORT_HAS_ERRORS');
    }
  }

  /** One row checked by the form's rules, its 担当 names known, its key not seen before in the file. */
  private check(
    row: number,
    headers: string[],
    cells: string[],
    mapping: Record<string, ImportField>,
    staff: Map<string, number>,
    keys: KeyTracker,
  ): { value: ImportRow | null; errors: ImportRowError[] } {
    const r = toImportRow(row, headers, cells, mapping);
    const errors = r.ok ? [] : r.errors;
    if (r.ok) {
      const v = r.value;
      if (v.assigneeNames) {
        const ids: number[] = [];
        for (const name of v.assigneeNames) {
          const id = staff.get(name.normalize('NFKC').replace(/[\s\u3000]+/g, ''));
          if (id === undefined)
            errors.push({
              row,
              column: v.columns.assigneeIds ?? '',
              field: 'assigneeIds',
              code: 'UNKNOWN_STAFF',
              message: `no staff user is called "${name.slice(0, 50)}"`,
            });
          else ids.push(id);
        }
        v.dto.assigneeIds = ids;
      }
      const dup = keys.see(v);
      if (dup)
        errors.push({
          row,
          column: v.columns[dup.field] ?? dup.field,
          field: dup.field,
          code: 'DUPLICATE_IN_FILE',
          message: `${dup.field} ${dup.value} appears again (first at row ${dup.firstRow})`,
        });
    }
    return { value: r.ok && !errors.length ? r.value : null, errors };
  }

  /**
   * Writes (or, in a dry run, only looks up) one batch: finds the existing customers by code or
   * email in one query, inserts the new ones and their search rows in multi-row INSERTs, updates
   * the others one by one, with the search text always rewritten from the stored row.
   */
  private async writeRows(
    m: EntityManager,
    job: CustomerImport,
    rows: { row: number; value: ImportRow | null }[],
    _staff: Map<string, number>,
    dryRun: boolean,
  ) {
    const errors: ImportRowError[] = [];
    let skipped = rows.filter((r) => !r.value).length;
    const valid = rows.filter((r): r is { row: number; value: ImportRow } => !!r.value).map((r) => r.value);
    const repo = m.getRepository(Customer);
    const codes = valid.map((v) => v.dto.code).filter((c): c is string => !!c);
    const byCode = new Map(
      (codes.length
        ? await repo.find({ select: { id: true, code: true, email: true }, where: { code: In(codes) } })
        : []
      ).map((c) => [c.code, c]),
    );
    const byEmail = new Map<string, Customer[]>();
    if (job.matchBy === 'email') {
      const emails = [
        ...new Set(valid.map((v) => v.dto.email?.toLowerCase()).filter((e): e is string => !!e)),
      ];
      for (const c of emails.length
        ? await repo.find({ where: { email: In(emails) }, order: { id: 'ASC' } })
        : [])
        byEmail.set(c.email!, [...(byEmail.get(c.email!) ?? []), c]);
    }
    const now = this.clock.now();
    const inserts: { v: ImportRow; c: Customer }[] = [];
    const updates: { v: ImportRow; id: number }[] = [];
    const batchCodes = new Set(codes);
    for (const v of valid) {
      const refuse = (field: string, code: string, message: string) => {
        errors.push({ row: v.row, column: v.columns[field] ?? field, field, code, message });
        skipped++;
      };
      let existingId: number | null = null;
      if (job.matchBy === 'code') {
        existingId = v.dto.code ? (byCode.get(v.dto.code)?.id ?? null) : null;
      } else {
        const email = v.dto.email?.toLowerCase();
        if (!email) {
          refuse('email', 'REQUIRED', 'email is needed to match customers by email');
          continue;
        }
        const found = byEmail.get(email) ?? [];
        if (found.length > 1) {
          refuse(
            'email',
            'AMBIGUOUS_MATCH',
            `${found.length} customers have the email ${email}; update them by code instead`,
          );
          continue;
        }
        existingId = found[0]?.id ?? null;
        const holder = v.dto.code ? byCode.get(v.dto.code) : undefined;
        if (holder && holder.id !== existingId) {
          refuse('code', 'CODE_TAKEN', `the customer code ${v.dto.code} belongs to another customer`);
          continue;
        }
      }
      if (existingId !== null) {
        updates.push({ v, id: existingId });
        continue;
      }
      const c = repo.create({
        registrationState: 'registered',
        listFlag: 'normal',
        smsConsent: false,
        comment: null,
        birthday: null,
      });
      for (const k of [
        'firstName',
        'lastNameKana',
        'firstNameKana',
        'companyName',
        'department',
        'email',
        'tel',
        'mobile',
        'telDigits',
        'mobileDigits',
        'postalCode',
        'address',
        'branch',
      ] as const)
        c[k] = null;
      c.lastName = v.dto.lastName;
      this.customers.applyFields(c, v.dto);
      c.createdAt = now;
      c.updatedAt = now;
      inserts.push({ v, c });
    }
    if (!dryRun) {
      for (const x of inserts) {
        if (x.c.code) continue;
        let code: string;
        do code = await this.customers.nextFreeCode(m);
        while (batchCodes.has(code));
        x.c.code = code;
        batchCodes.add(code);
      }
      const ids = await insertRows(
        m,
        Customer,
        inserts.map((x) => x.c),
      );
      inserts.forEach((x, i) => (x.c.id = ids[i]));
      await insertRows(
        m,
        CustomerSearch,
        inserts.map((x) => ({ customerId: x.c.id, text: buildSearchText(x.c) })),
      );
      const links = inserts.flatMap((x) =>
        [...new Set(x.v.dto.assigneeIds ?? [])].map((userId) => ({ customerId: x.c.id, userId })),
      );
      if (links.length) await insertRows(m, CustomerAssignee, links);
      // 自動履歴保存 「顧客が登録されました。」 on each new karte, as when staff register one by hand.
      await this.history.recordAutoMany(
        m,
        'customer_registered',
        inserts.map((x) => ({
          customerId: x.c.id,
          authorId: job.createdById,
          staffId: job.createdById,
          values: { name: x.c.lastName },
        })),
      );
      for (const u of updates) {
        const c = await repo.findOneByOrFail({ id: u.id });
        c.lastName = u.v.dto.lastName;
        const oldCode = c.code;
        this.customers.applyFields(c, u.v.dto);
        if (!u.v.dto.code) c.code = oldCode;
        c.updatedAt = now;
        const { id: _id, createdAt: _c, assignees: _a, ...fields } = c;
        await repo.update({ id: u.id }, fields);
        await m.getRepository(CustomerSearch).update({ customerId: u.id }, { text: buildSearchText(c) });
        if (u.v.dto.assigneeIds !== undefined) {
          await m.getRepository(CustomerAssignee).delete({ customerId: u.id });
          const userIds = [...new Set(u.v.dto.assigneeIds)];
          if (userIds.length)
            await insertRows(
              m,
              CustomerAssignee,
              userIds.map((userId) => ({ customerId: u.id, userId })),
            );
        }
      }
    }
    return { created: inserts.length, updated: updates.length, skipped, errors };
  }

  /** Staff by name as a CSV writes them (no spaces, NFKC), for the 担当 column. */
  private async staffIds(): Promise<Map<string, number>> {
    const names = await this.customers.staffNames();
    const byName = new Map<string, number>();
    for (const [id, name] of names) {
      const key = name.normalize('NFKC').replace(/[\s\u3000]+/g, '');
      if (!byName.has(key)) byName.set(key, id);
    }
    return byName;
  }

  private async finish(
    job: CustomerImport,
    state: ImportState,
    failureCode: string | null,
    errors?: ImportRowError[],
  ): Promise<void> {
    job.state = state;
    job.failureCode = failureCode;
    job.finishedAt = this.clock.now();
    if (errors) {
      job.errorsJson = JSON.stringify(errors);
      job.errorCount = errors.length;
    }
    await this.dataSource.transaction(async (m) => {
      await this.save(
        m,
        job,
        [
          'state',
          'failureCode',
          'finishedAt',
          'errorsJson',
          'errorCount',
          'total',
          'processed',
          'created',
          'updated',
          'skipped',
        ],
        true,
      );
      await this.recordAudit(m, job);
    });
  }

  /** The one audit record of an import, with its counts. */
  private async recordAudit(m: EntityManager, job: CustomerImport): Promise<void> {
    const actor: Actor = { userId: job.createdById, label: job.createdByLabel };
    await this.audit.record(
      actor,
      {
        entity: 'customer_import',
        entityId: job.id,
        action: job.mode === 'dryRun' ? 'dry_run' : 'import',
        after: {
          filename: job.filename,
          state: job.state,
          failureCode: job.failureCode,
          matchBy: job.matchBy,
          atomic: !!job.atomic,
          total: job.total,
          created: job.created,
          updated: job.updated,
          skipped: job.skipped,
          errorCount: job.errorCount,
        },
      },
      m,
    );
  }

  /** Writes the given progress columns, renewing the lease; refuses (LeaseLost) when another worker holds it now. */
  private async save(
    m: EntityManager,
    job: CustomerImport,
    keys: (keyof CustomerImport)[],
    renew = true,
  ): Promise<void> {
    const now = this.clock.now();
    const set: Partial<CustomerImport> = { updatedAt: now };
    for (const k of keys) (set as Record<string, unknown>)[k] = job[k];
    if (renew) set.leaseUntil = new Date(now.getTime() + IMPORT_LEASE_MS);
    const res = await m.getRepository(CustomerImport).update({ id: job.id, leaseOwner: this.owner }, set);
    if (!res.affected) throw new LeaseLost();
  }

  private renew(job: CustomerImport): Promise<void> {
    return this.save(this.dataSource.manager, job, [], true);
  }

  private async find(id: string, viewer?: { userId: number; isAdmin: boolean }): Promise<CustomerImport> {
    const r = /^[0-9a-f-]{36}$/i.test(id)
      ? await this.dataSource.getRepository(CustomerImport).findOneBy({ id })
      : null;
    // Another user's import answers exactly like one that does not exist.
    if (!r || (viewer && !viewer.isAdmin && r.createdById !== viewer.userId))
      throw new NotFound('customer import', id.slice(0, 40));
    return r;
  }

  private requireFile(file: StoredPart | undefined): StoredPart {
    if (!file)
      throw new DomainError('IMPORT_FILE_REQUIRED', 'Choose a CSV file (multipart field "file")', 400, {
        file: [fieldError('REQUIRED', 'choose a CSV file')],
      });
    if (!file.size) throw rejected(new CsvRejected('IMPORT_FILE_EMPTY', 'The file is empty'));
    return file;
  }

  private async inspect(path: string): Promise<FileFacts> {
    try {
      return await inspectFile(path);
    } catch (e) {
      throw e instanceof CsvRejected ? rejected(e) : e;
    }
  }

  private async headers(path: string, facts: FileFacts): Promise<string[]> {
    try {
      for await (const r of readRecords(fileStream(path), facts)) return r.cells;
    } catch (e) {
      throw e instanceof CsvRejected ? rejected(e) : e;
    }
    throw rejected(new CsvRejected('IMPORT_FILE_EMPTY', 'The file has no header row'));
  }

  private checkMapping(mapping: Record<string, string>, headers: string[]): void {
    const problems: string[] = [];
    const used = new Map<string, string>();
    for (const [header, field] of Object.entries(mapping)) {
      if (!headers.includes(header)) problems.push(`the file has no column "${header.slice(0, 50)}"`);
      if (!(IMPORT_FIELDS as readonly string[]).includes(field))
        problems.push(
          `"${String(field).slice(0, 30)}" is not a customer field (${IMPORT_FIELDS.join(', ')})`,
        );
      if (used.has(field) && !MULTI_COLUMN_FIELDS.includes(field as ImportField))
        problems.push(`${field} is mapped twice ("${used.get(field)}" and "${header.slice(0, 50)}")`);
      used.set(field, header);
    }
    const fields = new Set(Object.values(mapping));
    if (!fields.has('lastName') && !fields.has('name'))
      problems.push('map a column to lastName (姓) or name (氏名)');
    if (fields.has('name') && (fields.has('lastName') || fields.has('firstName')))
      problems.push('map either name (氏名) or lastName/firstName, not both');
    if (problems.length)
      throw new ValidationFailed({ mapping: problems.map((m) => fieldError('INVALID_MAPPING', m)) });
  }

  private filename(original: string): string {
    // Browsers send UTF-8 file names; busboy reads them as latin1.
    const utf8 = Buffer.from(original, 'latin1').toString('utf8');
    return (
      (utf8.includes('\uFFFD') ? original : utf8)
        .normalize('NFC')
        .replace(/[\u0000-\u001f\u007f"\\/\u202a-\u202e\u2066-\u2069]/g, '_')
        .slice(0, 255) || 'import.csv'
    );
  }
}

/** Keys seen so far in the file: a second row with the same code (or email, when matching by email) is refused. */
class KeyTracker {
  private readonly codes = new Map<string, number>();
  private readonly emails = new Map<string, number>();
  constructor(private readonly matchBy: ImportMatchBy) {}

  see(v: ImportRow): { field: string; value: string; firstRow: number } | null {
    const code = v.dto.code;
    if (code) {
      const first = this.codes.get(code);
      if (first !== undefined) return { field: 'code', value: code, firstRow: first };
    }
    const email = this.matchBy === 'email' ? v.dto.email?.toLowerCase() : undefined;
    if (email) {
      const first = this.emails.get(email);
      if (first !== undefined) return { field: 'email', value: email, firstRow: first };
      this.emails.set(email, v.row);
    }
    if (code) this.codes.set(code, v.row);
    return null;
  }
}
