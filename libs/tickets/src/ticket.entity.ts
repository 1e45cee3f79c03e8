import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** Ticket states (§3); the workflow issue's machine owns the transitions between them. */
/** 保留 (`on_hold`) waits for a time or the customer's next message; listed before 対応済. */
export const TICKET_STATES = ['unhandled', 'awaiting_approval', 'rejected', 'on_hold', 'handled'] as const;
export type TicketState = (typeof TICKET_STATES)[number];

export type Channel = 'email' | 'form' | 'mypage' | 'sms' | 'phone';

/** One case (問い合わせ). The human code (IQ000123) is separate from the primary key. */
@Entity('ticket')
export class Ticket {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ type: 'varchar', length: 20, unique: true })
  code: string;

  @Column({ type: 'integer' })
  mailboxId: number;

  @Column({ type: 'integer', nullable: true })
  folderId: number | null;

  @Column({ type: 'varchar', length: 30 })
  state: TicketState;

  @Column({ type: 'integer', default: 1 })
  stateVersion: number;

  @Column({ type: 'text', nullable: true })
  stateContext: string | null;

  @Column({ type: 'datetime', precision: 3 })
  stateChangedAt: Date;

  /** Optimistic lock for the workflow runner. */
  @Column({ type: 'integer', default: 1 })
  version: number;

  @Column({ type: 'varchar', length: 998 })
  subject: string;

  @Column({ type: 'varchar', length: 20 })
  channel: Channel;

  @Column({ type: 'integer', nullable: true })
  customerId: number | null;

  @Column({ type: 'integer', nullable: true })
  assigneeId: number | null;

  /** Assigned to a whole group (a routing rule can do this). */
  @Column({ type: 'integer', nullable: true })
  assigneeGroupId: number | null;

  /** The customer's address as they wrote from it (replies go here by default). */
  @Column({ type: 'varchar', length: 254, nullable: true })
  contactAddress: string | null;

  @Column({ type: 'varchar', length: 255, nullable: true })
  contactName: string | null;

  @Column({ type: 'boolean', default: true })
  unread: boolean;

  @Column({ type: 'boolean', default: false })
  spam: boolean;

  /** Set when a stranger's mail named this ticket's code: linked, never merged into it. */
  @Column({ type: 'integer', nullable: true })
  mentionsTicketId: number | null;

  /** Set when this ticket was merged into another: it stays as a pointer (its code resolves there). */
  @Column({ type: 'integer', nullable: true })
  mergedIntoId: number | null;

  @Column({ type: 'datetime', precision: 3 })
  createdAt: Date;

  @Column({ type: 'datetime', precision: 3 })
  lastActivityAt: Date;
}
