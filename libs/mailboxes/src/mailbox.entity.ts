import { Timestamped } from '@madoguchi/core';
import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** One inquiry address and everything configured around it (§2). Connection settings come with the email issue. */
@Entity('mailbox')
export class Mailbox extends Timestamped {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ type: 'varchar', length: 100 })
  name: string;

  @Column({ type: 'varchar', length: 254, unique: true })
  address: string;
}
