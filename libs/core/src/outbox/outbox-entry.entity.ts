import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/**
 * pending → sending → sent, or → failed (retryable by hand), or → cancelled (undo, send-later
 * overtaken by the customer). `sending` with an expired lock means a crash mid-send.
 */
export type OutboxState = 'pending' | 'sending' | 'sent' | 'failed' | 'cancelled';

/** Every outgoing message is a row here first; a dispatcher hands it to its channel. */
@Entity('outbox')
export class OutboxEntry {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ type: 'varchar', length: 20 })
  channel: 'email';

  @Column({ type: 'integer' })
  mailboxId: number;

  @Column({ type: 'integer', nullable: true })
  ticketId: number | null;

  @Column({ type: 'integer', nullable: true })
  articleId: number | null;

  @Column({ type: 'varchar', length: 20 })
  state: OutboxState;

  /** What the channel needs to send (JSON). */
  @Column({ type: 'text' })
  payload: string;

  /** Fixed before the first attempt, so a retry is recognisably the same message. */
  @Column({ type: 'varchar', length: 255 })
  messageId: string;

  @Column({ type: 'datetime', precision: 3 })
  dueAt: Date;

  @Column({ type: 'boolean', default: false })
  cancelOnCustomerReply: boolean;

  @Column({ type: 'integer', default: 0 })
  attempts: number;

  @Column({ type: 'text', nullable: true })
  lastError: string | null;

  /** The channel's stable code for the last failure (`SMTP_HOST_NOT_FOUND`, …): what the console shows, translated. */
  @Column({ type: 'varchar', length: 64, nullable: true })
  lastErrorCode: string | null;

  @Column({ type: 'varchar', length: 100, nullable: true })
  lockOwner: string | null;

  @Column({ type: 'datetime', precision: 3, nullable: true })
  lockedUntil: Date | null;

  @Column({ type: 'datetime', precision: 3, nullable: true })
  sentAt: Date | null;

  /**
   * The copy for the IMAP Sent folder: null when none was due or it went in at once; `pending`
   * when appending failed and it is tried again (the raw message kept under `sentCopyKey`);
   * `done`, or `failed` after the last attempt.
   */
  @Column({ type: 'varchar', length: 20, nullable: true })
  sentCopy: 'pending' | 'done' | 'failed' | null;

  @Column({ type: 'varchar', length: 100, nullable: true })
  sentCopyKey: string | null;

  @Column({ type: 'integer', default: 0 })
  sentCopyAttempts: number;

  @Column({ type: 'datetime', precision: 3, nullable: true })
  sentCopyDueAt: Date | null;

  @Column({ type: 'datetime', precision: 3 })
  createdAt: Date;

  @Column({ type: 'datetime', precision: 3 })
  updatedAt: Date;
}
