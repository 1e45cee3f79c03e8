import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** What a one-time link is for. All three lead to /mypage/set-password?token=…. */
export type PortalTokenKind = 'invitation' | 'signup' | 'reset';

/**
 * A one-time link sent by mail. Only the SHA-256 of the token is kept, so a copy of the database
 * opens no account; `usedAt` makes it one-time, `expiresAt` bounds it (invitation 72 h).
 */
@Entity('portal_token')
export class PortalToken {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ type: 'varchar', length: 64, unique: true })
  tokenHash: string;

  @Column({ type: 'varchar', length: 12 })
  kind: PortalTokenKind;

  /** The account it opens; null for a sign-up of an address that has no account yet. */
  @Column({ type: 'integer', nullable: true })
  accountId: number | null;

  /** The address the link was mailed to (lower case): what following it proves. */
  @Column({ type: 'varchar', length: 254 })
  email: string;

  /** The name given at sign-up, for a 仮登録 customer made when the link is followed. */
  @Column({ type: 'varchar', length: 100, nullable: true })
  signupName: string | null;

  /** The staff member who sent an invitation. */
  @Column({ type: 'integer', nullable: true })
  createdBy: number | null;

  @Column({ type: 'datetime', precision: 3 })
  createdAt: Date;

  @Column({ type: 'datetime', precision: 3 })
  expiresAt: Date;

  @Column({ type: 'datetime', precision: 3, nullable: true })
  usedAt: Date | null;
}
