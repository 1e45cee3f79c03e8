import { Timestamped } from '@madoguchi/core';
import { Column, Entity, JoinTable, ManyToMany, PrimaryGeneratedColumn, Relation } from 'typeorm';
import { PermissionGroup } from '../groups/permission-group.entity';

@Entity('staff_user')
export class StaffUser extends Timestamped {
  @PrimaryGeneratedColumn()
  id: number;

  /** Stored lower-cased: sign-in ignores case. */
  @Column({ type: 'varchar', length: 254, unique: true })
  email: string;

  @Column({ type: 'varchar', length: 100 })
  name: string;

  @Column({ type: 'varchar', length: 255, select: false })
  passwordHash: string;

  @Column({ type: 'boolean', default: true })
  active: boolean;

  @Column({ type: 'varchar', length: 100, nullable: true })
  branch: string | null;

  /** The user's own signature (text, at most 2,000 characters), put below a new reply by the console. */
  @Column({ type: 'varchar', length: 2000, nullable: true, select: false })
  signature: string | null;

  @ManyToMany(() => PermissionGroup, { cascade: false })
  @JoinTable({
    name: 'staff_user_group',
    joinColumn: { name: 'user_id', referencedColumnName: 'id' },
    inverseJoinColumn: { name: 'group_id', referencedColumnName: 'id' },
  })
  groups: Relation<PermissionGroup[]>;
}
