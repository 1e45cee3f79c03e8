import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** How a customer's consent (or its withdrawal) came to us (特定電子メール法: the record says when, how and by whom). */
export const SMS_CONSENT_METHODS = ['form', 'phone', 'mypage', 'paper', 'import', 'sms'] as const;
export type SmsConsentMethod = (typeof SMS_CONSENT_METHODS)[number];

/**
 * One row per change of a customer's SMS consent, never updated: the newest row is the
 * customer's consent now, the older ones are its history.
 */
@Entity('sms_consent')
export class SmsConsent {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ type: 'integer' })
  customerId: number;

  @Column({ type: 'boolean' })
  optIn: boolean;

  @Column({ type: 'varchar', length: 10 })
  method: SmsConsentMethod;

  @Column({ type: 'varchar', length: 500, nullable: true })
  note: string | null;

  /** The staff user who recorded it; null: the system (an inbound 「停止」, an import). */
  @Column({ type: 'integer', nullable: true })
  byUserId: number | null;

  @Column({ type: 'datetime', precision: 3 })
  createdAt: Date;
}
