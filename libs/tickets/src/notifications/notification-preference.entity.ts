import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A staff member's choice of notices by mail (no row: nothing by mail, the default). */
@Entity('notification_preference')
export class NotificationPreference {
  @PrimaryColumn({ type: 'integer' })
  userId: number;

  @Column({ type: 'boolean', default: false })
  mailOnAssign: boolean;

  @Column({ type: 'boolean', default: false })
  mailOnMention: boolean;

  @Column({ type: 'datetime', precision: 3 })
  updatedAt: Date;
}
