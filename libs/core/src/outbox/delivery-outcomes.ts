import type { EntityManager } from 'typeorm';
import type { OutboxEntry } from './outbox-entry.entity';

/** A failed attempt to deliver an outbox row, as the channel classified it. */
export interface DeliveryFailure {
  /** Stable, channel-defined code the console translates (`SMTP_HOST_NOT_FOUND`, …). */
  code: string;
  /** The channel's own words, for the log and the administrator. */
  detail: string | null;
  attempts: number;
  /** When the dispatcher tries again; null when it gave up (a person decides). */
  retryAt: Date | null;
}

/**
 * Where the dispatcher reports what became of an outbox row: it writes only the outbox row and
 * hands the outcome to the owner of the message (tickets, for a reply), in the same transaction.
 */
export interface DeliveryOutcomes {
  sent(m: EntityManager, row: OutboxEntry, outcome: { captured: boolean }): Promise<void>;
  failed(m: EntityManager, row: OutboxEntry, failure: DeliveryFailure): Promise<void>;
  /** After the transaction that recorded an outcome committed (e.g. to tell the consoles). */
  settled(row: OutboxEntry): void;
}
