import { Column, Entity, JoinColumn, ManyToOne, PrimaryColumn, Relation } from 'typeorm';
import { PermissionGroup } from './permission-group.entity';

/** What one group may do in one mailbox. The mailbox is referenced by id only (auth does not depend on mailboxes). */
@Entity('group_mailbox_right')
export class GroupMailboxRight {
  @PrimaryColumn({ type: 'integer' })
  groupId: number;

  @PrimaryColumn({ type: 'integer' })
  mailboxId: number;

  @ManyToOne(() => PermissionGroup, (g) => g.mailboxRights, { onDelete: 'CASCADE', orphanedRowAction: 'delete' })
  @JoinColumn({ name: 'group_id' })
  group: Relation<PermissionGroup>;

  @Column({ type: 'boolean', default: false })
  canView: boolean;

  @Column({ type: 'boolean', default: false })
  canReply: boolean;

  @Column({ type: 'boolean', default: false })
  canApprove: boolean;

  @Column({ type: 'boolean', default: false })
  canManage: boolean;
}
