import type { OutboxEntry } from '@madoguchi/core';
import { randomUUID } from 'node:crypto';
import type { EmailPayload } from './replies.service';

/** A new Message-ID in the domain of the mailbox that sends the mail (without angle brackets). */
export function newMessageId(mailboxAddress: string): string {
  return `${randomUUID()}@${mailboxAddress.split('@')[1] ?? 'madoguchi.invalid'}`;
}

/**
 * The outbox row for mail that is on no ticket's timeline (journal mail, a form's thank-you
 * mail, notifications): due now, never cancelled by a customer's reply.
 */
export function standaloneMail(mailbox: { id: number; address: string }, payload: EmailPayload, now: Date): Omit<OutboxEntry, 'id' | 'lastError' | 'lastErrorCode' | 'lockOwner' | 'lockedUntil' | 'sentAt' | 'sentCopy' | 'sentCopyKey' | 'sentCopyAttempts' | 'sentCopyDueAt'> {
  return {
    channel: 'email',
    mailboxId: mailbox.id,
    ticketId: null,
    articleId: null,
    state: 'pending',
    payload: JSON.stringify(payload),
    messageId: newMessageId(mailbox.address),
    dueAt: now,
    cancelOnCustomerReply: false,
    attempts: 0,
    createdAt: now,
    updatedAt: now,
  };
}
