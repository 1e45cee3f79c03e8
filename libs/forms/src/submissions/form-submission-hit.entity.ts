import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/**
 * One submission of a public form from one client, or one thank-you mail to one address, kept
 * for the length of its rate-limit window. In the database rather than in memory so that the
 * limits hold across restarts and across several instances behind a load balancer.
 */
@Entity('form_submission_hit')
export class FormSubmissionHit {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ type: 'integer' })
  formId: number;

  /** A keyed hash of the client's IP address (`form-client:`) or of the thank-you recipient (`form-thank-you:`): enough to count, useless for anything else. */
  @Column({ type: 'varchar', length: 64 })
  clientKey: string;

  @Column({ type: 'datetime', precision: 3 })
  createdAt: Date;
}
