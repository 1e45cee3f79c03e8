import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

export type NotificationKind = 'approval_requested' | 'reply_rejected' | 'reply_approved' | 'reply_approval_undone' | 'reply_send_failed' | 'ticket_assigned' | 'comment_mention' | 'mypage_post';

/** An in-app notice for one staff member (the bell in the console). */
@Entity('notification')
export class Notification {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ type: 'integer' })
  userId: number;

  @Column({ type: 'varchar', length: 30 })
  kind: NotificationKind;

  @Column({ type: 'integer', nullable: true })
  ticketId: number | null;

  @Column({ type: 'integer', nullable: true })
  replyId: number | null;

  @Column({ type: 'varchar', length: 1000 })
  text: string;

  @Column({ type: 'datetime', precision: 3 })
  createdAt: Date;

  @Column({ type: 'datetime', precision: 3, nullable: true })
  readAt: Date | null;
}
