import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/**
 * A MYPAGE conversation (house style: Thread) of one customer, tied to one ticket of channel
 * `mypage` in the mailbox MYPAGE settings named when it began. `label` and `memo` are staff
 * only: no portal answer or mail ever carries them.
 */
@Entity('mypage_thread')
export class MypageThread {
  @PrimaryGeneratedColumn()
  id: number;

  /** `MS` + 6 digits, separate from the id. */
  @Column({ type: 'varchar', length: 20, unique: true })
  code: string;

  @Column({ type: 'integer' })
  customerId: number;

  @Column({ type: 'varchar', length: 100 })
  title: string;

  @Column({ type: 'varchar', length: 50, nullable: true })
  label: string | null;

  @Column({ type: 'text', nullable: true })
  memo: string | null;

  @Column({ type: 'integer' })
  mailboxId: number;

  /** Null only inside the transaction that opens it. */
  @Column({ type: 'integer', nullable: true })
  ticketId: number | null;

  @Column({ type: 'integer', nullable: true })
  createdByUserId: number | null;

  @Column({ type: 'boolean', default: false })
  createdByCustomer: boolean;

  /** The last post that is visible on both sides (a staff post counts once it reached the portal). */
  @Column({ type: 'datetime', precision: 3 })
  lastPostAt: Date;

  /** NEW for all staff: the customer's latest post is unread; the first staff member to open it clears it. */
  @Column({ type: 'boolean', default: false })
  staffUnread: boolean;

  /** The portal's NEW: a staff post reached the portal since the customer last opened the thread. */
  @Column({ type: 'boolean', default: false })
  customerUnread: boolean;

  @Column({ type: 'datetime', precision: 3 })
  createdAt: Date;

  /** Stamped on every change either side should see live (the portal's event relay reads it). */
  @Column({ type: 'datetime', precision: 3 })
  updatedAt: Date;
}
