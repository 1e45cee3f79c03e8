import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import type { ChannelKind } from '../channels/channel-adapter';

/**
 * pending → sending → sent, or → failed (retryable by hand), or → cancelled (undo, send-later
 * overtaken by the customer). `sending` with an expired lock means a crash mid-send.
 */
export type OutboxState = 'pending' | 'sending' | 'sent' | 'failed' | 'cancelled';

export const OUTBOX_PURPOSES = ['reply', 'form_thanks', 'journal', 'notification', 'test', 'portal'] as const;
export type OutboxPurpose = (typeof OUTBOX_PURPOSES)[number];

/**
 * Every outgoing message of every channel is a row here first; the dispatcher hands it to its
 * channel's adapter. Nothing channel-shaped: the adapter's own payload, and its idempotency key.
 */
@Entity('outbox')
export class OutboxEntry {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ type: 'varchar', length: 20 })
  channel: ChannelKind;

  /** The mailbox whose channel account it goes out through. */
  @Column({ type: 'integer' })
  mailboxId: number;

  /** Who it goes to, for lists and logs (the first recipient). */
  @Column({ type: 'varchar', length: 320, nullable: true })
  target: string | null;

  @Column({ type: 'integer', nullable: true })
  ticketId: number | null;

  @Column({ type: 'integer', nullable: true })
  articleId: number | null;

  @Column({ type: 'varchar', length: 20 })
  state: OutboxState;

  /** What it is for: `reply`, `form_thanks`, `journal`, `notification`, `test`, `portal` (MYPAGE sign-in mails: invitation, sign-up, reset) (null: written before this was kept). */
  @Column({ type: 'varchar', length: 20, nullable: true })
  purpose: OutboxPurpose | null;

  /** Its subject line, for lists (the karte's sent mail). */
  @Column({ type: 'varchar', length: 255, nullable: true })
  subject: string | null;

  /** What the channel needs to send (JSON), written and read only by its adapter. */
  @Column({ type: 'text' })
  payload: string;

  /** Fixed before the first attempt, so a retry is recognisably the same message (email: the Message-ID). */
  @Column({ type: 'varchar', length: 255 })
  idempotencyKey: string;

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

  @Column({ type: 'datetime', precision: 3 })
  createdAt: Date;

  @Column({ type: 'datetime', precision: 3 })
  updatedAt: Date;
}
