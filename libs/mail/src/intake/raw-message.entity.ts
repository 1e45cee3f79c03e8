import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/**
 * pending: being filed (never committed as such: the row commits with its ticket); ingested: on a ticket; duplicate:
 * the same message was already filed; quarantined: could not be parsed; oversized: larger than
 * the limit, kept raw and never parsed or refetched.
 */
export type RawMessageState = 'pending' | 'ingested' | 'duplicate' | 'quarantined' | 'oversized';

const bigint = { to: (v: number | null) => v, from: (v: string | number | null) => (v === null ? null : Number(v)) };

/** Every message received, stored raw (in blob storage) before it is parsed. */
@Entity('raw_message')
export class RawMessage {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ type: 'integer' })
  mailboxId: number;

  @Column({ type: 'varchar', length: 20 })
  source: 'imap' | 'smtp' | 'retry';

  @Column({ type: 'varchar', length: 255, nullable: true })
  folder: string | null;

  @Column({ type: 'bigint', nullable: true, transformer: bigint })
  uidValidity: number | null;

  @Column({ type: 'bigint', nullable: true, transformer: bigint })
  uid: number | null;

  @Column({ type: 'varchar', length: 100, nullable: true })
  blobKey: string | null;

  @Column({ type: 'bigint', transformer: bigint })
  size: number;

  @Column({ type: 'varchar', length: 64 })
  sha256: string;

  @Column({ type: 'varchar', length: 255, nullable: true })
  messageId: string | null;

  @Column({ type: 'varchar', length: 20 })
  state: RawMessageState;

  @Column({ type: 'text', nullable: true })
  error: string | null;

  @Column({ type: 'integer', nullable: true })
  ticketId: number | null;

  @Column({ type: 'integer', nullable: true })
  articleId: number | null;

  @Column({ type: 'datetime', precision: 3 })
  receivedAt: Date;

  @Column({ type: 'datetime', precision: 3, nullable: true })
  processedAt: Date | null;
}

@Entity('mail_dedupe')
export class MailDedupe {
  @Column({ type: 'integer', primary: true })
  mailboxId: number;

  @Column({ type: 'varchar', length: 64, primary: true })
  contentKey: string;

  @Column({ type: 'integer' })
  rawMessageId: number;
}

@Entity('mailbox_cursor')
export class MailboxCursor {
  @Column({ type: 'integer', primary: true })
  mailboxId: number;

  @Column({ type: 'varchar', length: 255, primary: true })
  folder: string;

  @Column({ type: 'bigint', transformer: bigint })
  uidValidity: number;

  @Column({ type: 'bigint', transformer: bigint })
  lastUid: number;

  @Column({ type: 'datetime', precision: 3 })
  updatedAt: Date;
}
