import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** 来店・利用金額: one visit of a customer, entered by staff on the karte. */
@Entity('customer_visit')
export class CustomerVisit {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ type: 'integer' })
  customerId: number;

  /** ご利用日: when the customer came. */
  @Column({ type: 'datetime', precision: 3 })
  visitedAt: Date;

  /** 店舗. */
  @Column({ type: 'varchar', length: 100, nullable: true })
  branch: string | null;

  /** 担当スタッフ (a staff user id). */
  @Column({ type: 'integer', nullable: true })
  staffId: number | null;

  /** ご利用金額 in yen. */
  @Column({ type: 'integer' })
  amount: number;

  /** 接客メモ: what staff noticed while serving. */
  @Column({ type: 'text', nullable: true })
  serviceMemo: string | null;

  /** 提案メモ: what to propose next time. */
  @Column({ type: 'text', nullable: true })
  proposalMemo: string | null;

  @Column({ type: 'integer', nullable: true })
  createdById: number | null;

  @Column({ type: 'datetime', precision: 3 })
  createdAt: Date;

  @Column({ type: 'datetime', precision: 3 })
  updatedAt: Date;
}
