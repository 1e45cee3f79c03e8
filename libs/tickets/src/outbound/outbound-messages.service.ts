import { ChannelAdapter, ChannelKind, ChannelRegistry, DomainError, fieldError, OutboundDraft, OutboxEntry, OutboxPurpose, PreparedMessage, Recipient, ValidationFailed } from '@madoguchi/core';
import { Injectable } from '@nestjs/common';
import { isEmail } from 'class-validator';

/** A mailbox's channel account, ready to prepare messages for. */
export interface OutboundSender {
  kind: ChannelKind;
  mailboxId: number;
  adapter: ChannelAdapter;
  channel: unknown;
  /** Who its messages come from by default. */
  identity: Recipient;
}

/** The outbox row for a prepared message (insert it in the caller's transaction). */
export type OutboxRow = Omit<OutboxEntry, 'id' | 'lastError' | 'lastErrorCode' | 'lockOwner' | 'lockedUntil' | 'sentAt'>;

/** Refused when a message is written for a mailbox that cannot send on that channel. */
export class MailboxCannotSend extends DomainError {
  constructor() {
    const message = 'this mailbox has no SMTP account to send with: set one in 設定 > メールBOX';
    super('MAILBOX_CANNOT_SEND', message, 400, { mailbox: [fieldError('MAILBOX_CANNOT_SEND', message)] });
  }
}

/**
 * Every outgoing message of tickets (replies, notifications, journal mail, a form's thank-you)
 * is written through here: "can this mailbox send" asked once, of the channel's adapter, and the
 * draft made ready by that adapter (Message-ID, threading, charset for email). Tickets itself
 * knows no channel's format.
 */
@Injectable()
export class OutboundMessages {
  constructor(private readonly channels: ChannelRegistry) {}

  /** The mailbox's sending account on a channel, or null when it cannot send there. */
  async sender(mailboxId: number, kind: ChannelKind = 'email'): Promise<OutboundSender | null> {
    const adapter = this.channels.adapter(kind);
    const channel = await adapter.channel(mailboxId);
    return channel !== null && adapter.canSend(channel) ? { kind, mailboxId, adapter, channel, identity: adapter.identity(channel) } : null;
  }

  /** As `sender`, refusing with MAILBOX_CANNOT_SEND (400) when the mailbox cannot send. */
  async senderOrFail(mailboxId: number, kind: ChannelKind = 'email'): Promise<OutboundSender> {
    const s = await this.sender(mailboxId, kind);
    // SMS go out through the one SMS provider of the settings, not the mailbox's account.
    if (!s && kind === 'sms') throw new DomainError('SMS_NOT_CONFIGURED', 'No SMS provider is configured: choose one in the SMS settings', 409);
    if (!s) throw new MailboxCannotSend();
    return s;
  }

  /**
   * Whether the channel can carry this draft, asked when a reply is written or edited: the
   * channel's own check (SMS: one mobile number, at most 660 characters), else email addresses
   * only (the reply DTO also lets phone numbers through, for SMS tickets).
   */
  check(sender: OutboundSender, draft: OutboundDraft): void {
    if (sender.adapter.check) return sender.adapter.check(sender.channel, draft);
    if (draft.to.some((r) => !isEmail(r.address))) throw new ValidationFailed({ to: ['each address in to must be a valid email address'] });
  }

  prepare(sender: OutboundSender, draft: OutboundDraft): PreparedMessage {
    return sender.adapter.prepare(sender.channel, draft);
  }

  /** The outbox row of a prepared message. */
  row(
    sender: OutboundSender,
    prepared: PreparedMessage,
    o: { purpose: OutboxPurpose; subject: string | null; ticketId: number | null; articleId: number | null; dueAt: Date; cancelOnCustomerReply?: boolean; now: Date },
  ): OutboxRow {
    return {
      purpose: o.purpose,
      subject: o.subject ? o.subject.slice(0, 255) : null,
      channel: sender.kind,
      mailboxId: sender.mailboxId,
      // Lower case, as customers' addresses are kept: the karte finds a customer's mail by it.
      target: prepared.target ? prepared.target.toLowerCase().slice(0, 320) : null,
      ticketId: o.ticketId,
      articleId: o.articleId,
      state: 'pending',
      payload: prepared.payload,
      idempotencyKey: prepared.idempotencyKey,
      dueAt: o.dueAt,
      cancelOnCustomerReply: o.cancelOnCustomerReply ?? false,
      attempts: 0,
      createdAt: o.now,
      updatedAt: o.now,
    };
  }

  /**
   * A message on no ticket's timeline (journal mail, a thank-you, notifications): due now, never
   * cancelled by a customer's reply, so sending it never moves a ticket.
   */
  standalone(sender: OutboundSender, draft: OutboundDraft, now: Date, purpose: OutboxPurpose): { prepared: PreparedMessage; row: OutboxRow } {
    const prepared = this.prepare(sender, draft);
    return { prepared, row: this.row(sender, prepared, { purpose, subject: draft.subject, ticketId: null, articleId: null, dueAt: now, now }) };
  }
}
