import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

const bigint = { to: (v: number) => v, from: (v: string | number) => Number(v) };

/**
 * A message kept instead of sent (mail.capture, the embedded default, for a mailbox without an
 * SMTP account): one row per outbox row, the raw message in blob storage, so that someone can
 * read what would have gone out.
 */
@Entity('captured_mail')
export class CapturedMail {
  @PrimaryGeneratedColumn()
  id: number;

  /** The core outbox row this message was for (unique: a repeat after a crash finds its row here). */
  @Column({ type: 'integer' })
  outboxId: number;

  @Column({ type: 'integer' })
  mailboxId: number;

  /** Without angle brackets. */
  @Column({ type: 'varchar', length: 255 })
  messageId: string;

  @Column({ type: 'varchar', length: 255 })
  fromAddress: string;

  /** To, Cc and Bcc addresses as sent, JSON: [{ address, name }]. */
  @Column({ type: 'text' })
  toJson: string;

  @Column({ type: 'varchar', length: 998 })
  subject: string;

  @Column({ type: 'varchar', length: 100 })
  blobKey: string;

  @Column({ type: 'bigint', transformer: bigint })
  size: number;

  @Column({ type: 'datetime', precision: 3 })
  createdAt: Date;
}
