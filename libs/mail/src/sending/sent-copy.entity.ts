import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * The copy of a sent message for the mailbox's IMAP Sent folder, when appending it right after
 * sending failed: kept (the raw message in blob storage under `blobKey`) and tried again, with
 * backoff, until `done` or, after the last attempt, `failed`. One per outbox row.
 */
@Entity('mail_sent_copy')
export class SentCopy {
  @PrimaryColumn({ type: 'integer' })
  outboxId: number;

  @Column({ type: 'varchar', length: 20 })
  state: 'pending' | 'done' | 'failed';

  @Column({ type: 'varchar', length: 100, nullable: true })
  blobKey: string | null;

  @Column({ type: 'integer', default: 0 })
  attempts: number;

  @Column({ type: 'datetime', precision: 3, nullable: true })
  dueAt: Date | null;
}
