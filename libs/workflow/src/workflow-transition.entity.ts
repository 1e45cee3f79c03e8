import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** Append-only: one row per event a workflow machine took. Never updated, never deleted. */
@Entity('workflow_transition')
export class WorkflowTransition {
  @PrimaryGeneratedColumn()
  id: number;

  /** Which machine: `ticket` or `reply`. */
  @Column({ type: 'varchar', length: 20 })
  machine: string;

  @Column({ type: 'integer' })
  entityId: number;

  /** The ticket the row belongs to, so a ticket's whole story reads with one query. */
  @Column({ type: 'integer' })
  ticketId: number;

  @Column({ type: 'varchar', length: 30 })
  fromState: string;

  @Column({ type: 'varchar', length: 30 })
  toState: string;

  @Column({ type: 'varchar', length: 30 })
  event: string;

  @Column({ type: 'integer', nullable: true })
  actorId: number | null;

  @Column({ type: 'varchar', length: 255 })
  actorLabel: string;

  @Column({ type: 'text', nullable: true })
  reason: string | null;

  @Column({ type: 'datetime', precision: 3 })
  createdAt: Date;
}
