import { Timestamped } from '@madoguchi/core';
import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** A folder of a mailbox (nestable); tickets sit in one folder or in the mailbox's root. */
@Entity('folder')
export class Folder extends Timestamped {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ type: 'integer' })
  mailboxId: number;

  @Column({ type: 'integer', nullable: true })
  parentId: number | null;

  @Column({ type: 'varchar', length: 100 })
  name: string;

  @Column({ type: 'integer', default: 0 })
  position: number;
}
