import { Column, Entity } from 'typeorm';

/**
 * Intake's runtime state for one mailbox, owned by the mail channel (the mailbox row holds only
 * settings): who polls it (a short lease kept alive by a heartbeat), when it is due next, and how
 * the last polls went. Where intake stands in each folder is in `mailbox_cursor`.
 */
@Entity('mail_intake_state')
export class MailIntakeState {
  @Column({ type: 'integer', primary: true })
  mailboxId: number;

  /** The INSTANCE_ID polling the mailbox now; null when nobody is. */
  @Column({ type: 'varchar', length: 100, nullable: true })
  leaseOwner: string | null;

  @Column({ type: 'datetime', precision: 3, nullable: true })
  leaseUntil: Date | null;

  /** The lease holder's last heartbeat. */
  @Column({ type: 'datetime', precision: 3, nullable: true })
  heartbeatAt: Date | null;

  @Column({ type: 'datetime', precision: 3, nullable: true })
  nextPollAt: Date | null;

  @Column({ type: 'datetime', precision: 3, nullable: true })
  lastFetchAt: Date | null;

  /** The English sentence, for logs and scripts; the console words `lastErrorCode` instead. */
  @Column({ type: 'text', nullable: true })
  lastError: string | null;

  /** A stable code for the last failure (IMAP_AUTH_FAILED, SECRET_UNREADABLE, …; see imap-errors.ts). */
  @Column({ type: 'varchar', length: 64, nullable: true })
  lastErrorCode: string | null;

  @Column({ type: 'datetime', precision: 3, nullable: true })
  lastErrorAt: Date | null;

  @Column({ type: 'integer', default: 0 })
  consecutiveFailures: number;
}
