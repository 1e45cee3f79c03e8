import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/**
 * The one row of MYPAGE settings. So far only `mailboxId` is read: the mailbox whose sending
 * account carries the portal's mails (invitation, sign-up, reset). The thread settings
 * (customers may start threads, fallback recipients) are kept for the thread work to come.
 */
@Entity('mypage_settings')
export class MypageSettings {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ type: 'integer', nullable: true })
  mailboxId: number | null;

  @Column({ type: 'boolean', default: false })
  customersMayStartThreads: boolean;

  @Column({ type: 'text', nullable: true })
  fallbackRecipientsJson: string | null;

  @Column({ type: 'datetime', precision: 3 })
  updatedAt: Date;
}
