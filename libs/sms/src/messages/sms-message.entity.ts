import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import type { SmsProviderKind } from '../settings/sms-settings.entity';

/**
 * scheduled (予約中) / queued → sent → delivered, or → failed (with the provider's reason), or →
 * cancelled (配信取消); sent → undelivered when the provider's status callback says the handset
 * never got it. The outbox row carries the sending; this row is what people see.
 */
export const SMS_STATUSES = ['queued', 'scheduled', 'sent', 'delivered', 'undelivered', 'failed', 'cancelled'] as const;
export type SmsStatus = (typeof SMS_STATUSES)[number];

export const SMS_PURPOSES = ['transactional', 'marketing'] as const;
export type SmsPurpose = (typeof SMS_PURPOSES)[number];

@Entity('sms_message')
export class SmsMessage {
  @PrimaryGeneratedColumn()
  id: number;

  /** null: a reply on an SMS ticket of a number no customer has (migration 0038). */
  @Column({ type: 'integer', nullable: true })
  customerId: number | null;

  @Column({ type: 'integer', nullable: true })
  ticketId: number | null;

  @Column({ type: 'integer', nullable: true })
  templateId: number | null;

  /** Who sent it. */
  @Column({ type: 'integer', nullable: true })
  staffId: number | null;

  @Column({ type: 'integer' })
  mailboxId: number;

  /** E.164 (+819012345678). */
  @Column({ type: 'varchar', length: 20 })
  toNumber: string;

  @Column({ type: 'varchar', length: 100 })
  subject: string;

  /** The text as sent (placeholders filled). */
  @Column({ type: 'text' })
  body: string;

  @Column({ type: 'varchar', length: 20 })
  purpose: SmsPurpose;

  @Column({ type: 'varchar', length: 20 })
  status: SmsStatus;

  /** The provider it goes (went) out through, fixed when it was written. */
  @Column({ type: 'varchar', length: 10 })
  provider: SmsProviderKind;

  @Column({ type: 'integer' })
  length: number;

  @Column({ type: 'integer' })
  segmentsDocomo: number;

  @Column({ type: 'integer' })
  segmentsAu: number;

  @Column({ type: 'integer' })
  segmentsSoftbank: number;

  @Column({ type: 'boolean', default: false })
  clickCount: boolean;

  /** Sent to the provider with the message (gateway: Idempotency-Key), so a retry is the same message; also the outbox row's key. */
  @Column({ type: 'varchar', length: 64 })
  idempotencyKey: string;

  @Column({ type: 'integer', nullable: true })
  outboxId: number | null;

  /** The 10-minute slot it waits for; null: sent at once. */
  @Column({ type: 'datetime', precision: 3, nullable: true })
  scheduledAt: Date | null;

  /** The provider's id for it (Twilio's Message SID), written as soon as the provider answers. */
  @Column({ type: 'varchar', length: 100, nullable: true })
  providerMessageId: string | null;

  /** Kept locally (local capture) instead of sent. */
  @Column({ type: 'boolean', default: false })
  captured: boolean;

  @Column({ type: 'datetime', precision: 3, nullable: true })
  sentAt: Date | null;

  @Column({ type: 'datetime', precision: 3, nullable: true })
  deliveredAt: Date | null;

  @Column({ type: 'varchar', length: 64, nullable: true })
  errorCode: string | null;

  @Column({ type: 'text', nullable: true })
  errorDetail: string | null;

  @Column({ type: 'integer', default: 0 })
  attempts: number;

  @Column({ type: 'datetime', precision: 3, nullable: true })
  cancelledAt: Date | null;

  @Column({ type: 'integer', nullable: true })
  cancelledBy: number | null;

  @Column({ type: 'varchar', length: 200, nullable: true })
  cancelReason: string | null;

  @Column({ type: 'datetime', precision: 3 })
  createdAt: Date;

  @Column({ type: 'datetime', precision: 3 })
  updatedAt: Date;
}
