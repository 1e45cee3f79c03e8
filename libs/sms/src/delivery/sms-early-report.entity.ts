import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/**
 * A delivery report that came before its message was marked sent: the provider may call back
 * (Twilio often does, within milliseconds) before the dispatcher has written the provider's id or
 * committed `sent`. Kept here and applied once the message is sent (SmsDeliveryReports), so a
 * fast "delivered" is never lost; reports for no message of ours are dropped after a week.
 */
@Entity('sms_early_report')
@Index('IDX_sms_early_report_message', ['provider', 'providerMessageId'])
export class SmsEarlyReport {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ type: 'varchar', length: 10 })
  provider: 'twilio' | 'gateway';

  @Column({ type: 'varchar', length: 100 })
  providerMessageId: string;

  @Column({ type: 'varchar', length: 12 })
  outcome: 'delivered' | 'undelivered' | 'failed';

  @Column({ type: 'varchar', length: 500, nullable: true })
  reason: string | null;

  @Column({ type: 'datetime', precision: 3 })
  receivedAt: Date;
}
