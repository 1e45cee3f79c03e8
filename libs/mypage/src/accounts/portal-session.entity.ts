import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** A customer's browser sign-in. Only the SHA-256 of the cookie value is stored; the staff `session` table is never used. */
@Entity('portal_session')
export class PortalSession {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ type: 'varchar', length: 64, unique: true })
  tokenHash: string;

  @Column({ type: 'integer' })
  accountId: number;

  /** Must come back in the X-XSRF-TOKEN header of every unsafe portal request (cookie PORTAL-XSRF-TOKEN). */
  @Column({ type: 'varchar', length: 64 })
  csrfToken: string;

  @Column({ type: 'varchar', length: 64, nullable: true })
  ip: string | null;

  @Column({ type: 'varchar', length: 255, nullable: true })
  userAgent: string | null;

  @Column({ type: 'datetime', precision: 3 })
  createdAt: Date;

  @Column({ type: 'datetime', precision: 3 })
  expiresAt: Date;

  @Column({ type: 'datetime', precision: 3 })
  lastSeenAt: Date;
}
