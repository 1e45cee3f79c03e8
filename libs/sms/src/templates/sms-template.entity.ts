import { Timestamped } from '@madoguchi/core';
import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** SMS雛形: a body with `[[%氏名%]]`-style placeholders, checked on save and filled at send. */
@Entity('sms_template')
export class SmsTemplate extends Timestamped {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ type: 'varchar', length: 100 })
  name: string;

  @Column({ type: 'varchar', length: 100, default: '' })
  subject: string;

  @Column({ type: 'text' })
  body: string;

  /** 「オンライン接客で使用する」 */
  @Column({ type: 'boolean', default: false })
  usedForOnlineMeeting: boolean;

  @Column({ type: 'integer', nullable: true })
  createdBy: number | null;
}
