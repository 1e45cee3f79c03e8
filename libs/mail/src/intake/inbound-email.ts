import type { InboundClassification, InboundMessage, MailAddress, StoredAttachment } from '@madoguchi/tickets';

/** One parsed inbound email, as the mail channel builds it; it reaches tickets as an InboundMessage (see fromEmail). */
export interface InboundEmail {
  mailboxId: number;
  rawMessageId: number | null;
  messageId: string | null;
  inReplyTo: string[];
  references: string[];
  from: MailAddress | null;
  to: MailAddress[];
  cc: MailAddress[];
  subject: string;
  text: string;
  html: string | null;
  attachments: StoredAttachment[];
  classification: InboundClassification;
  /** For a bounce: the Message-ID of the mail that bounced. */
  bouncedMessageId?: string | null;
  receivedAt: Date;
}

/** An email as an inbound message: threaded by its Message-IDs and by the ticket code in its subject. */
export function fromEmail(mail: InboundEmail, dedupeKey: string | null): InboundMessage {
  return {
    channel: 'email',
    mailboxId: mail.mailboxId,
    dedupeKey,
    thread: {
      key: mail.messageId,
      answers: [
        ...new Set(
          [
            ...(mail.bouncedMessageId ? [mail.bouncedMessageId] : []),
            ...mail.inReplyTo,
            ...[...mail.references].reverse(),
          ].filter(Boolean),
        ),
      ],
      byCode: true,
    },
    from: mail.from ? { address: mail.from.address, name: mail.from.name } : null,
    to: mail.to,
    cc: mail.cc,
    subject: mail.subject,
    text: mail.text,
    html: mail.html,
    attachments: mail.attachments,
    classification: mail.classification,
    receivedAt: mail.receivedAt,
    rawMessageId: mail.rawMessageId,
    external: { id: mail.messageId, inReplyTo: mail.inReplyTo, references: mail.references },
  };
}
