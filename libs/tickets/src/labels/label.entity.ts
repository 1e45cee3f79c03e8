import { Column, Entity, Index, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';

/** Most labels a mailbox's catalogue holds, and a ticket carries. */
export const MAX_LABELS_PER_MAILBOX = 200;
export const LABEL_NAME_MAX = 50;

/** The colours the console offers; any other `#rrggbb` is taken too. */
export const LABEL_PALETTE = ['#e53935', '#fb8c00', '#fdd835', '#43a047', '#00897b', '#1e88e5', '#3949ab', '#8e24aa', '#d81b60', '#6d4c41', '#757575', '#546e7a'] as const;

/** What makes two names the same label: NFKC (全角/半角 alike), trimmed, case-folded. */
export function labelNameKey(name: string): string {
  return name.normalize('NFKC').trim().toLowerCase();
}

/** A label of a mailbox's catalogue (ラベル). Tickets point at it by id, so a rename shows everywhere at once. */
@Entity('label')
export class Label {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ type: 'integer' })
  mailboxId: number;

  @Column({ type: 'varchar', length: 50 })
  name: string;

  /** labelNameKey(name), unique per mailbox: 「至急」 and 「至急 」, "VIP" and "ｖｉｐ" are one label. */
  @Column({ type: 'varchar', length: 200 })
  nameKey: string;

  /** `#rrggbb`, lower case. */
  @Column({ type: 'varchar', length: 7 })
  color: string;

  @Column({ type: 'datetime', precision: 3 })
  createdAt: Date;
}

/** A label on a ticket. The primary key finds a ticket's labels; the (label, ticket) index the tickets of a label. */
@Entity('ticket_label')
@Index('IDX_ticket_label_label', ['labelId', 'ticketId'])
export class TicketLabel {
  @PrimaryColumn({ type: 'integer' })
  ticketId: number;

  @PrimaryColumn({ type: 'integer' })
  labelId: number;
}
