import { MailAddress } from './article.entity';

export type InboundClassification = 'normal' | 'auto_reply' | 'bounce' | 'abuse_report' | 'loop';

/** What an attached message (message/rfc822, a forwarded mail) says, for the console to show it. */
export interface ForwardedMail {
  subject: string;
  from: MailAddress | null;
  /** ISO 8601, null when its Date header could not be read. */
  date: string | null;
  messageId: string | null;
  text: string;
}

export interface StoredAttachment {
  filename: string;
  contentType: string;
  size: number;
  blobKey: string;
  contentId: string | null;
  inline: boolean;
  forwarded?: ForwardedMail | null;
}

/** The channels a customer writes through; each files its messages with TicketsService.receive. */
export type InboundChannel = 'email' | 'form' | 'mypage' | 'sms';

/** Who wrote: an address (email, a form's reply field), a phone number (SMS), a name. */
export interface InboundSender {
  address: string | null;
  phone?: string | null;
  name: string | null;
}

/**
 * Threading hints as keys known in the mailbox (for email the Message-IDs; a portal thread or an
 * SMS conversation brings keys of its own). Tickets only compares them; what they mean stays
 * with the channel.
 */
export interface ThreadHints {
  /** This message's own key: a later message answering it joins its ticket. */
  key: string | null;
  /** Keys of what it answers, the most specific first (for email: a bounce's original, In-Reply-To, then References newest first). */
  answers: string[];
  /** Whether a ticket code in the subject (`[#IQ000123]`) may put it on that ticket, when its sender takes part there. */
  byCode: boolean;
}

/** A form field as submitted, in form order; checkbox choices joined with 、. */
export interface InboundFormField {
  key: string;
  label: string;
  type: string;
  value: string;
}

/** One customer message of any channel, as it reaches TicketsService.receive. */
export interface InboundMessage {
  channel: InboundChannel;
  mailboxId: number;
  /**
   * What makes re-delivery harmless: a message whose key was filed before in the mailbox (by the
   * same channel) files nothing and answers with the first one's ticket and article. An email's
   * content key, a form's generated id, a provider's message id; null when the channel has none.
   */
  dedupeKey: string | null;
  thread: ThreadHints;
  from: InboundSender | null;
  to: MailAddress[];
  cc: MailAddress[];
  /** The message's subject (for a form, what the ticket is called). */
  subject: string;
  text: string;
  html: string | null;
  attachments: StoredAttachment[];
  classification: InboundClassification;
  receivedAt: Date;
  /** The stored raw message it was parsed from (email), null when there is none. */
  rawMessageId: number | null;
  /**
   * The channel's own ids the article keeps, so that answers find it and the next outgoing
   * message can answer it (email: Message-ID, In-Reply-To, References).
   */
  external?: { id: string | null; inReplyTo: string[]; references: string[] };
  /** Form submissions only: the form and its fields (routing rules can match `form.<key>`). */
  form?: { id: number; name: string; fields: InboundFormField[] };
  /**
   * The customer a channel already knows for certain (MYPAGE: the signed-in customer; SMS: the
   * one customer with the sender's mobile number, null when none or several have it); a new
   * ticket is linked to it instead of by the sender's address.
   */
  customerId?: number | null;
}

/**
 * What a channel filing many groups of one mailbox in a row (an IMAP poll) lets tickets keep
 * between its receive() calls: the mailbox's routing rules, journal and customer-link settings,
 * read once by tickets for the session instead of once per group. Opaque to the channel; rules
 * changed meanwhile apply from the next session.
 */
export class InboundSession {
  // A private member makes the type nominal: no other object passes for a session.
  private readonly brand = 'InboundSession';
}

/** What became of one inbound message. */
export interface Delivered {
  ticketId: number;
  articleId: number;
  /** The ticket's code (受付番号). */
  code: string;
  createdTicket: boolean;
  reopened: boolean;
  /** Its dedupe key was filed before: nothing was written, the ids are the first filing's. */
  duplicate: boolean;
  customerId: number | null;
  spam: boolean;
}
