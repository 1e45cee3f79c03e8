import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * Every searchable field of one customer, normalised (see normalize.ts), one per line.
 * VARBINARY on MySQL, TEXT on SQLite (see the migration); written whenever the customer is.
 */
@Entity('customer_search')
export class CustomerSearch {
  @PrimaryColumn({ type: 'integer' })
  customerId: number;

  @Column({ type: 'text' })
  text: string;
}
