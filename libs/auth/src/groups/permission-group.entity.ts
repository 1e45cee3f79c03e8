import { Timestamped } from '@madoguchi/core';
import { Column, Entity, OneToMany, PrimaryGeneratedColumn, Relation } from 'typeorm';
import { GlobalRight } from '../permissions/rights';
import { GroupMailboxRight } from './group-mailbox-right.entity';

@Entity('permission_group')
export class PermissionGroup extends Timestamped {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ type: 'varchar', length: 100, unique: true })
  name: string;

  @Column({ type: 'text', transformer: { to: (v: GlobalRight[]) => JSON.stringify(v ?? []), from: (v: string) => JSON.parse(v ?? '[]') } })
  rights: GlobalRight[];

  @OneToMany(() => GroupMailboxRight, (r) => r.group, { cascade: true })
  mailboxRights: Relation<GroupMailboxRight[]>;
}
