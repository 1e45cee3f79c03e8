import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/**
 * One submission of a public form from one client, kept for the length of the rate-limit
 * window. In the database rather than in memory so that the limit holds across restarts and
 * across several instances behind a load balancer.
 */
@Entity('form_submission_hit')
export class FormSubmissionHit {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ type: 'integer' })
  formId: number;

  /** A keyed hash of the client's IP address: enough to count, useless for anything else. */
  @Column({ type: 'varchar', length: 64 })
  clientKey: string;

  @Column({ type: 'datetime', precision: 3 })
  createdAt: Date;
}
