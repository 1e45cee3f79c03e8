import { Entity, JoinColumn, ManyToOne, PrimaryColumn, Relation } from 'typeorm';
import { Customer } from './customer.entity';

/** 担当: the staff members assigned to a customer. */
@Entity('customer_assignee')
export class CustomerAssignee {
  @PrimaryColumn({ type: 'integer' })
  customerId: number;

  @PrimaryColumn({ type: 'integer' })
  userId: number;

  @ManyToOne(() => Customer, (c) => c.assignees, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'customer_id' })
  customer: Relation<Customer>;
}
