import { Column, Entity, JoinColumn, ManyToOne, OneToMany, PrimaryGeneratedColumn, Relation } from 'typeorm';

export const HISTORY_STATES = ['waiting', 'in_progress', 'done'] as const; // 作業待ち / 作業中 / 完了
export type HistoryState = (typeof HISTORY_STATES)[number];

export const HISTORY_KINDS = ['note', 'call', 'visit', 'fax', 'mail', 'form', 'mypage', 'sms', 'system'] as const;
export type HistoryKind = (typeof HISTORY_KINDS)[number];

/**
 * 対応履歴: one piece of work with a customer (a call, a visit, a mail received, a reply sent).
 * Written only through HistoryService. `customerId` is null only for an incoming call from an
 * unknown number (until it is linked) and for a note on a ticket that has no customer yet.
 */
@Entity('history_entry')
export class HistoryEntry {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ type: 'integer', nullable: true })
  customerId: number | null;

  /** 作成日: when it happened; defaults to now, editable. */
  @Column({ type: 'datetime', precision: 3 })
  createdAt: Date;

  @Column({ type: 'varchar', length: 100 })
  title: string;

  @Column({ type: 'varchar', length: 12 })
  state: HistoryState;

  @Column({ type: 'varchar', length: 10 })
  kind: HistoryKind;

  /** Who wrote it; null for the system (automatic history, CTI). */
  @Column({ type: 'integer', nullable: true })
  authorId: number | null;

  /** 担当. */
  @Column({ type: 'integer', nullable: true })
  staffId: number | null;

  /** 依頼先. */
  @Column({ type: 'integer', nullable: true })
  requestedToId: number | null;

  /** 次回予定. */
  @Column({ type: 'datetime', precision: 3, nullable: true })
  nextScheduledAt: Date | null;

  @Column({ type: 'integer', nullable: true })
  ticketId: number | null;

  /** The ticket's timeline article this entry stands for (a history note), if any. */
  @Column({ type: 'integer', nullable: true })
  articleId: number | null;

  /** The bulk registration (一括登録) that wrote it. */
  @Column({ type: 'integer', nullable: true })
  batchId: number | null;

  /** The event it records (`mail:article:17`, `cti:<callId>`): unique, so one event writes one entry. */
  @Column({ type: 'varchar', length: 191, nullable: true, unique: true })
  eventKey: string | null;

  /** The caller's number (digits) for an incoming call. */
  @Column({ type: 'varchar', length: 30, nullable: true })
  phone: string | null;

  /** Incoming call details (events, answered by, duration) as JSON. */
  @Column({ type: 'text', nullable: true })
  callJson: string | null;

  /** State is not done: with workDueAt, the 作業管理 index (staff, open, due) reads a page in order. */
  @Column({ type: 'boolean' })
  workOpen: boolean;

  /** 次回予定, or far in the future when there is none, so undated work sorts last on both databases. */
  @Column({ type: 'datetime', precision: 3 })
  workDueAt: Date;

  /** Title and detail contents, normalised for substring search. */
  @Column({ type: 'text', select: false })
  searchText: string;

  @Column({ type: 'datetime', precision: 3 })
  updatedAt: Date;

  @OneToMany(() => HistoryDetail, (d) => d.entry)
  details: Relation<HistoryDetail[]>;
}

/** 明細: one line of work on an entry. */
@Entity('history_detail')
export class HistoryDetail {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ type: 'integer' })
  entryId: number;

  @ManyToOne(() => HistoryEntry, (e) => e.details, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'entry_id' })
  entry: Relation<HistoryEntry>;

  /** 作業日時. */
  @Column({ type: 'datetime', precision: 3, nullable: true })
  workedAt: Date | null;

  /** 予定日時. */
  @Column({ type: 'datetime', precision: 3, nullable: true })
  scheduledAt: Date | null;

  @Column({ type: 'integer', nullable: true })
  staffId: number | null;

  @Column({ type: 'varchar', length: 12, nullable: true })
  state: HistoryState | null;

  @Column({ type: 'text' })
  content: string;

  @Column({ type: 'datetime', precision: 3 })
  createdAt: Date;

  @Column({ type: 'datetime', precision: 3 })
  updatedAt: Date;
}

/** 一括登録: the same entry written for many customers at once; deletable as a whole. */
@Entity('history_batch')
export class HistoryBatch {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ type: 'integer', nullable: true })
  createdById: number | null;

  @Column({ type: 'datetime', precision: 3 })
  createdAt: Date;

  @Column({ type: 'varchar', length: 100 })
  title: string;

  @Column({ type: 'varchar', length: 12 })
  state: HistoryState;

  /** `fixed` (one staff member) or `assignee` (each customer's own 担当). */
  @Column({ type: 'varchar', length: 10 })
  staffMode: 'fixed' | 'assignee';

  @Column({ type: 'integer', nullable: true })
  staffId: number | null;

  @Column({ type: 'integer' })
  count: number;

  /** The customer search it came from, or the ticked ids, as JSON. */
  @Column({ type: 'text' })
  sourceJson: string;
}

/** Settings of the history hub: 定型文 (`phrases`) and 自動履歴保存 (`auto_history`), as JSON. */
@Entity('history_setting')
export class HistorySetting {
  @Column({ type: 'varchar', length: 50, primary: true })
  name: string;

  @Column({ type: 'text' })
  value: string;

  @Column({ type: 'datetime', precision: 3 })
  updatedAt: Date;
}
