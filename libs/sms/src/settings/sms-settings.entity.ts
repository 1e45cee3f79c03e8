import { Column, Entity, PrimaryColumn } from 'typeorm';

export const SMS_PROVIDERS = ['local', 'gateway', 'twilio'] as const;
export type SmsProviderKind = (typeof SMS_PROVIDERS)[number];

/** SMS送信設定: one row (id 1). Secrets are sealed with SECRET_KEY (SecretBox) and never leave the server. */
@Entity('sms_settings')
export class SmsSettings {
  @PrimaryColumn({ type: 'integer' })
  id: number;

  @Column({ type: 'varchar', length: 10 })
  provider: SmsProviderKind;

  @Column({ type: 'varchar', length: 64, nullable: true })
  twilioAccountSid: string | null;

  @Column({ type: 'text', nullable: true })
  twilioAuthTokenSecret: string | null;

  @Column({ type: 'varchar', length: 20, nullable: true })
  twilioFrom: string | null;

  @Column({ type: 'varchar', length: 64, nullable: true })
  twilioMessagingServiceSid: string | null;

  @Column({ type: 'varchar', length: 255, nullable: true })
  twilioBaseUrl: string | null;

  @Column({ type: 'varchar', length: 255, nullable: true })
  gatewayBaseUrl: string | null;

  @Column({ type: 'text', nullable: true })
  gatewayTokenSecret: string | null;

  @Column({ type: 'varchar', length: 20, nullable: true })
  gatewaySender: string | null;

  @Column({ type: 'boolean', default: true })
  showResultAfterSend: boolean;

  @Column({ type: 'boolean', default: true })
  confirmBeforeSend: boolean;

  /** Up to five addresses separated by `;`, told after each send. */
  @Column({ type: 'varchar', length: 1300, default: '' })
  notifyAddresses: string;

  /** The mailbox SMS belong to (their outbox rows, later their tickets). */
  @Column({ type: 'integer', nullable: true })
  mailboxId: number | null;

  @Column({ type: 'datetime', precision: 3 })
  createdAt: Date;

  @Column({ type: 'datetime', precision: 3 })
  updatedAt: Date;
}
