import type { EntityManager } from 'typeorm';
import type { DeliveryFailure } from '../outbox/delivery-outcomes';
import type { OutboxEntry } from '../outbox/outbox-entry.entity';

/** The channels a message can go out through. */
export type ChannelKind = 'email' | 'sms' | 'mypage';

/** Someone a message goes to: an address for email, a number for SMS, a member for MYPAGE. */
export interface Recipient {
  address: string;
  name: string;
}

/**
 * An outgoing message as the rest of the product writes it, with nothing channel-shaped in it:
 * the channel's adapter turns it into what it sends (MIME and Message-IDs for email).
 */
export interface OutboundDraft {
  /** Who it comes from; null: the channel account's own name and address. */
  from: Recipient | null;
  replyTo?: Recipient | null;
  to: Recipient[];
  cc: Recipient[];
  bcc: Recipient[];
  subject: string;
  text: string;
  /** A rich text message's (sanitised) HTML, sent beside the text where the channel can (email: multipart/alternative). */
  html?: string | null;
  attachments: { filename: string; contentType: string; blobKey: string }[];
  /** The message this answers, as the channel identified it when it came in (for threading). */
  answers?: { externalId: string | null; ancestry: string[] } | null;
}

/** A draft made ready by its channel: what the outbox row keeps and what the article records. */
export interface PreparedMessage {
  /** Unique per message, fixed before the first attempt: a retry is recognisably the same message. */
  idempotencyKey: string;
  /** Who it goes to, for lists and logs (the first recipient). */
  target: string | null;
  /** The channel's own payload (JSON), read back only by the same adapter. */
  payload: string;
  /** How the channel will know this message when an answer comes back (email: its Message-ID). */
  externalId: string | null;
  /** What it answers and that one's ancestry, as the channel threads (email: In-Reply-To, References). */
  thread: { parent: string | null; ancestry: string[] };
}

/** What became of one send. */
export interface ChannelReceipt {
  /** Kept locally instead of sent (the embedded default without an SMTP account). */
  captured: boolean;
  /** Something a person should know although it went out (e.g. recipients the server refused). */
  note: string | null;
}

/** A failed attempt, classified by the channel: a stable code, and whether waiting can help. */
export interface ChannelFailure {
  code: string;
  /**
   * `now`: retrying cannot help (a refusal, a send that may have gone out); `soon`: a setting is
   * wrong, so a short budget of attempts; `later`: the other side may get over it.
   */
  giveUp: 'now' | 'soon' | 'later';
  /** The channel's words, for the log and the administrator. */
  detail: string;
}

/**
 * One channel (house style: Channels). The dispatcher and tickets know channels only through
 * this: `prepare` when a message is written, `send` when it is due, `confirm` after a crash in
 * the middle of a send, `afterSent` for what follows delivery (the email Sent copy), `sweep` for
 * the channel's own retries of that.
 */
export interface ChannelAdapter<Channel = unknown, Receipt extends ChannelReceipt = ChannelReceipt> {
  readonly kind: ChannelKind;
  /** The channel account of a mailbox (its SMTP settings, an SMS number), or null when it has none or is gone. */
  channel(mailboxId: number): Promise<Channel | null>;
  /** Whether messages can go out through it now (an SMTP account, or the embedded default's capture). */
  canSend(channel: Channel | null): boolean;
  /** Who messages through this account come from by default (a mailbox's name and address). */
  identity(channel: Channel): Recipient;
  /** The settings page's connection test. */
  verify(channel: Channel, timeoutMs?: number): Promise<void>;
  /**
   * Refuses, with a coded DomainError, a draft this channel cannot carry (an SMS over 660
   * characters, an address that is no mobile number), when the message is written and before
   * it is accepted, so it never fails at the final approval. Absent: the draft's `to` must be
   * email addresses.
   */
  check?(channel: Channel, draft: OutboundDraft): void;
  prepare(channel: Channel, draft: OutboundDraft): PreparedMessage;
  send(channel: Channel | null, row: OutboxEntry): Promise<Receipt>;
  classify(e: unknown, channel: Channel | null): ChannelFailure;
  /**
   * A row found mid-send after its lock ran out (an instance died): `sent` when the channel can
   * see it went out, `captured` when it was kept locally instead, `unknown` when it cannot tell
   * (a person must check), `later` when it cannot look now.
   */
  confirm(channel: Channel | null, row: OutboxEntry): Promise<'sent' | 'captured' | 'unknown' | 'later'>;
  afterSent?(channel: Channel | null, row: OutboxEntry, receipt: Receipt): Promise<void>;
  sweep?(): Promise<void>;
  /**
   * The channel's own record of an outcome, for messages that are no ticket's reply (an SMS
   * sent from the karte: its `sms_message` row and history entry). Called by the dispatcher in
   * the transaction that records the outcome on the outbox row, after the owner's
   * DeliveryOutcomes, so both commit or neither does.
   */
  recordOutcome?(m: EntityManager, row: OutboxEntry, outcome: { sent: true; captured: boolean } | { sent: false; failure: DeliveryFailure }): Promise<void>;
}
