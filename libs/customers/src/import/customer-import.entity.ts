import { Column, Entity, PrimaryColumn } from 'typeorm';

export const IMPORT_STATES = ['queued', 'running', 'done', 'failed'] as const;
export type ImportState = (typeof IMPORT_STATES)[number];
export const IMPORT_MODES = ['dryRun', 'run'] as const;
export type ImportMode = (typeof IMPORT_MODES)[number];
export const IMPORT_MATCH_BY = ['code', 'email'] as const;
export type ImportMatchBy = (typeof IMPORT_MATCH_BY)[number];
/** validate: the first pass over the whole file (counts, checks every row); write: the batches. */
export type ImportPhase = 'validate' | 'write';

/** One problem of one row: the row as a spreadsheet numbers it (the header is row 1). */
export interface ImportRowError {
  row: number;
  column: string;
  field: string;
  code: string;
  message: string;
}

/** One CSV import (顧客データCSV取込) with its progress; see migration 1763900000040. */
@Entity('customer_import')
export class CustomerImport {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  @Column({ type: 'varchar', length: 20 })
  state: ImportState;

  @Column({ type: 'varchar', length: 10 })
  phase: ImportPhase;

  @Column({ type: 'varchar', length: 10 })
  mode: ImportMode;

  @Column({ type: 'varchar', length: 10 })
  matchBy: ImportMatchBy;

  @Column({ type: 'boolean', default: false })
  atomic: boolean;

  /** JSON {csvHeader: customerField}. */
  @Column({ type: 'text' })
  mapping: string;

  @Column({ type: 'varchar', length: 255 })
  filename: string;

  @Column({ type: 'bigint', transformer: { to: (v: number) => v, from: (v: string | number) => Number(v) } })
  size: number;

  @Column({ type: 'varchar', length: 200 })
  blobKey: string;

  @Column({ type: 'varchar', length: 20 })
  encoding: string;

  @Column({ type: 'varchar', length: 2 })
  delimiter: string;

  @Column({ type: 'integer', nullable: true })
  total: number | null;

  /** Data rows dealt with and committed (the resume point). */
  @Column({ type: 'integer', default: 0 })
  processed: number;

  @Column({ type: 'integer', default: 0 })
  created: number;

  @Column({ type: 'integer', default: 0 })
  updated: number;

  @Column({ type: 'integer', default: 0 })
  skipped: number;

  @Column({ type: 'integer', default: 0 })
  errorCount: number;

  /** The first MAX_STORED_ERRORS problems as JSON (ImportRowError[]). */
  @Column({ type: 'text' })
  errorsJson: string;

  @Column({ type: 'varchar', length: 50, nullable: true })
  failureCode: string | null;

  @Column({ type: 'varchar', length: 64, nullable: true })
  leaseOwner: string | null;

  @Column({ type: 'datetime', precision: 3, nullable: true })
  leaseUntil: Date | null;

  /** Claims so far: an import that keeps failing is given up after a few. */
  @Column({ type: 'integer', default: 0 })
  attempts: number;

  @Column({ type: 'integer', nullable: true })
  createdById: number | null;

  @Column({ type: 'varchar', length: 200 })
  createdByLabel: string;

  @Column({ type: 'datetime', precision: 3 })
  createdAt: Date;

  @Column({ type: 'datetime', precision: 3 })
  updatedAt: Date;

  @Column({ type: 'datetime', precision: 3, nullable: true })
  finishedAt: Date | null;
}
