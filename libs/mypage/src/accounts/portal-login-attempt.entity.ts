import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** `login`: a sign-in; `signup` / `reset`: a request that sends a mail (counted for their limits). */
export type PortalAttemptKind = 'login' | 'signup' | 'reset';

/** Kept in the database so the portal's limits hold across restarts and instances, as the staff login limit does. */
@Entity('portal_login_attempt')
export class PortalLoginAttempt {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ type: 'varchar', length: 12 })
  kind: PortalAttemptKind;

  @Column({ type: 'varchar', length: 254 })
  email: string;

  @Column({ type: 'varchar', length: 64 })
  ip: string;

  @Column({ type: 'datetime', precision: 3 })
  at: Date;

  @Column({ type: 'boolean', default: false })
  success: boolean;
}
