import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** A browser sign-in. Only the SHA-256 of the cookie value is stored. */
@Entity('session')
export class Session {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ type: 'varchar', length: 64, unique: true })
  tokenHash: string;

  @Column({ type: 'integer' })
  userId: number;

  /** Must come back in the X-XSRF-TOKEN header of every state-changing request. */
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
