import { Timestamped } from '@madoguchi/core';
import { Column, Entity, OneToMany, PrimaryGeneratedColumn, Relation } from 'typeorm';
import { CustomerAssignee } from './customer-assignee.entity';

export const REGISTRATION_STATES = ['provisional', 'registered'] as const; // 仮登録 / 本登録
export type RegistrationState = (typeof REGISTRATION_STATES)[number];

export const LIST_FLAGS = ['normal', 'grey', 'black'] as const;
export type ListFlag = (typeof LIST_FLAGS)[number];

@Entity('customer')
export class Customer extends Timestamped {
  @PrimaryGeneratedColumn()
  id: number;

  /** The human code (e.g. 784018), separate from the primary key. */
  @Column({ type: 'varchar', length: 20, unique: true })
  code: string;

  @Column({ type: 'varchar', length: 50 })
  lastName: string;

  @Column({ type: 'varchar', length: 50, nullable: true })
  firstName: string | null;

  @Column({ type: 'varchar', length: 50, nullable: true })
  lastNameKana: string | null;

  @Column({ type: 'varchar', length: 50, nullable: true })
  firstNameKana: string | null;

  /** 会社名 and 部署, for business customers. */
  @Column({ type: 'varchar', length: 100, nullable: true })
  companyName: string | null;

  @Column({ type: 'varchar', length: 100, nullable: true })
  department: string | null;

  @Column({ type: 'varchar', length: 254, nullable: true })
  email: string | null;

  @Column({ type: 'varchar', length: 30, nullable: true })
  tel: string | null;

  @Column({ type: 'varchar', length: 30, nullable: true })
  mobile: string | null;

  @Column({ type: 'varchar', length: 30, nullable: true })
  telDigits: string | null;

  @Column({ type: 'varchar', length: 30, nullable: true })
  mobileDigits: string | null;

  @Column({ type: 'varchar', length: 10, nullable: true })
  postalCode: string | null;

  @Column({ type: 'varchar', length: 200, nullable: true })
  address: string | null;

  @Column({ type: 'varchar', length: 100, nullable: true })
  branch: string | null;

  @Column({ type: 'varchar', length: 20 })
  registrationState: RegistrationState;

  @Column({ type: 'varchar', length: 10 })
  listFlag: ListFlag;

  @Column({ type: 'text', nullable: true })
  comment: string | null;

  @Column({ type: 'date', nullable: true })
  birthday: string | null;

  @Column({ type: 'boolean', default: false })
  smsConsent: boolean;

  /** 退会: when the customer was marked withdrawn (kept with all history; no portal sign-in, no bulk sends); null while a member. */
  @Column({ type: 'datetime', precision: 3, nullable: true })
  withdrawnAt: Date | null;

  /**
   * 重複会員統合: the customer this one was merged into (its tickets, threads, SMS, history … moved
   * there); null for a live customer. A merged customer keeps its code and name, so old links
   * resolve, but has no contact fields and is left out of lists, searches and lookups.
   */
  @Column({ type: 'integer', nullable: true })
  mergedIntoId: number | null;

  @OneToMany(() => CustomerAssignee, (a) => a.customer, { cascade: false })
  assignees: Relation<CustomerAssignee[]>;
}
