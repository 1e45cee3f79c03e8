import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * Someone has a ticket open in a console tab: one row per ticket, user and tab (`session`, a
 * random key the tab makes), kept alive by a heartbeat. A row not seen for PRESENCE_STALE_MS
 * counts as gone, whatever instance wrote it.
 */
@Entity('ticket_presence')
export class TicketPresence {
  @PrimaryColumn({ type: 'integer' })
  ticketId: number;

  @PrimaryColumn({ type: 'integer' })
  userId: number;

  @PrimaryColumn({ type: 'varchar', length: 64 })
  session: string;

  /** Writing a reply in the composer (「返信を作成中」). */
  @Column({ type: 'boolean', default: false })
  composing: boolean;

  @Column({ type: 'datetime', precision: 3 })
  startedAt: Date;

  @Column({ type: 'datetime', precision: 3 })
  seenAt: Date;
}

/** The console beats every 5 s; three missed beats and the row no longer counts. */
export const PRESENCE_STALE_MS = 15_000;
