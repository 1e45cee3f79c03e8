import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import type { SmsPurpose } from '../messages/sms-message.entity';

/** One bulk send (一斉送信): the same template to the customers chosen; each one its own sms_message. */
@Entity('sms_bulk')
export class SmsBulk {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ type: 'integer' })
  templateId: number;

  @Column({ type: 'varchar', length: 20 })
  purpose: SmsPurpose;

  @Column({ type: 'integer', nullable: true })
  staffId: number | null;

  /** The slot asked for; null: now. */
  @Column({ type: 'datetime', precision: 3, nullable: true })
  sendAt: Date | null;

  /** SMS written. */
  @Column({ type: 'integer' })
  queued: number;

  /** Customers left out. */
  @Column({ type: 'integer' })
  skipped: number;

  @Column({ type: 'datetime', precision: 3 })
  createdAt: Date;
}

/** One customer of a bulk send: the SMS written for them, or why they were left out. */
@Entity('sms_bulk_item')
export class SmsBulkItem {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ type: 'integer' })
  bulkId: number;

  @Column({ type: 'integer' })
  customerId: number;

  @Column({ type: 'integer', nullable: true })
  messageId: number | null;

  /** An error code (SMS_NO_MOBILE, SMS_NO_CONSENT, SMS_OPTED_OUT, CUSTOMER_NOT_FOUND, …); null when sent. */
  @Column({ type: 'varchar', length: 32, nullable: true })
  skipReason: string | null;
}
