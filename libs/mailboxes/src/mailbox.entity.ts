import { Timestamped } from '@madoguchi/core';
import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

export type OutgoingCharset = 'utf-8' | 'iso-2022-jp';

/** One inquiry address and everything configured around it (§2). */
@Entity('mailbox')
export class Mailbox extends Timestamped {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ type: 'varchar', length: 100 })
  name: string;

  @Column({ type: 'varchar', length: 254, unique: true })
  address: string;

  /** Paused mailboxes are neither polled nor offered for sending. */
  @Column({ type: 'boolean', default: true })
  active: boolean;

  @Column({ type: 'varchar', length: 255, nullable: true })
  imapHost: string | null;

  @Column({ type: 'integer', nullable: true })
  imapPort: number | null;

  @Column({ type: 'boolean', default: true })
  imapSecure: boolean;

  @Column({ type: 'varchar', length: 255, nullable: true })
  imapUser: string | null;

  /** Sealed with SecretBox; never returned by the API. */
  @Column({ type: 'text', nullable: true, select: false })
  imapSecret: string | null;

  @Column({ type: 'varchar', length: 255, default: 'INBOX' })
  imapFolder: string;

  @Column({ type: 'varchar', length: 255, nullable: true })
  smtpHost: string | null;

  @Column({ type: 'integer', nullable: true })
  smtpPort: number | null;

  @Column({ type: 'boolean', default: false })
  smtpSecure: boolean;

  @Column({ type: 'varchar', length: 255, nullable: true })
  smtpUser: string | null;

  @Column({ type: 'text', nullable: true, select: false })
  smtpSecret: string | null;

  /** IMAP folder that sent mail is appended to (e.g. Sent); null: not appended. */
  @Column({ type: 'varchar', length: 255, nullable: true })
  sentFolder: string | null;

  @Column({ type: 'varchar', length: 20, default: 'utf-8' })
  outgoingCharset: OutgoingCharset;

  @Column({ type: 'integer', default: 60 })
  pollIntervalSec: number;

  /** The reply approval policy (JSON; see the tickets workflow); null = no approval. */
  @Column({ type: 'text', nullable: true })
  approvalPolicy: string | null;

  /** ジャーナルメール settings (JSON, JournalSettings); null = off. */
  @Column({ type: 'text', nullable: true })
  journalJson: string | null;

  /** データベース自動連携 settings (JSON, CustomerLinkSettings); null = off. */
  @Column({ type: 'text', nullable: true })
  customerLinkJson: string | null;
}
