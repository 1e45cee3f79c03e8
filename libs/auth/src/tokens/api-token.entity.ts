import { Column, Entity, JoinColumn, ManyToOne, PrimaryGeneratedColumn, Relation } from 'typeorm';
import { StaffUser } from '../users/staff-user.entity';

export type TokenScope = 'cti';

/** A bearer token for scripts; only its SHA-256 is stored, the text is shown once. */
@Entity('api_token')
export class ApiToken {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ type: 'integer' })
  userId: number;

  @ManyToOne(() => StaffUser, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id' })
  user: Relation<StaffUser>;

  @Column({ type: 'varchar', length: 100 })
  name: string;

  @Column({ type: 'varchar', length: 64, unique: true })
  tokenHash: string;

  @Column({ type: 'varchar', length: 16 })
  prefix: string;

  @Column({ type: 'datetime', precision: 3 })
  createdAt: Date;

  @Column({ type: 'datetime', precision: 3, nullable: true })
  lastUsedAt: Date | null;

  @Column({ type: 'datetime', precision: 3, nullable: true })
  revokedAt: Date | null;

  /** `cti`: the phone system's webhook token, good for `POST /api/cti/calls` only; null: an ordinary token of its user. */
  @Column({ type: 'varchar', length: 10, nullable: true })
  scope: TokenScope | null;

  /** Null: never expires (the creator chose so). */
  @Column({ type: 'datetime', precision: 3, nullable: true })
  expiresAt: Date | null;
}
