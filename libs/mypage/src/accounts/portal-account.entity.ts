import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** `pending`: invited or signed up, no password set yet; `active`: may sign in; `disabled`: staff ended access. */
export const PORTAL_ACCOUNT_STATES = ['pending', 'active', 'disabled'] as const;
export type PortalAccountState = (typeof PORTAL_ACCOUNT_STATES)[number];

/**
 * A customer's MYPAGE sign-in (the customer realm, product spec §1): one per customer, its own
 * email as login name (unique over all accounts, so a sign-in names one customer), never a staff
 * user. The customer record itself stays in libs/customers; only its id is kept here.
 */
@Entity('portal_account')
export class PortalAccount {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ type: 'integer', unique: true })
  customerId: number;

  /** Lower case. Copied from the customer at invitation or proven by the sign-up mail. */
  @Column({ type: 'varchar', length: 254, unique: true })
  email: string;

  /** scrypt, as for staff (libs/auth's password hasher); null until the customer sets one. */
  @Column({ type: 'varchar', length: 255, nullable: true, select: false })
  passwordHash: string | null;

  @Column({ type: 'varchar', length: 10 })
  state: PortalAccountState;

  @Column({ type: 'datetime', precision: 3, nullable: true })
  invitedAt: Date | null;

  /** When the customer proved the address (followed an invitation, sign-up or reset link). */
  @Column({ type: 'datetime', precision: 3, nullable: true })
  verifiedAt: Date | null;

  @Column({ type: 'datetime', precision: 3, nullable: true })
  lastLoginAt: Date | null;

  @Column({ type: 'datetime', precision: 3, nullable: true })
  disabledAt: Date | null;

  /** When the customer asked to leave MYPAGE (退会); staff see it on the karte and act on it. */
  @Column({ type: 'datetime', precision: 3, nullable: true })
  withdrawalRequestedAt?: Date | null;

  @Column({ type: 'datetime', precision: 3 })
  createdAt: Date;

  @Column({ type: 'datetime', precision: 3 })
  updatedAt: Date;
}
