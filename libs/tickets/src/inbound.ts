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

/** One parsed inbound email, ready to become an article: what a channel hands to tickets. */
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

export interface Delivered {
  ticketId: number;
  articleId: number;
  createdTicket: boolean;
  reopened: boolean;
}

/** One inquiry-form submission, as the forms channel hands it to tickets. */
export interface FormSubmissionInput {
  mailboxId: number;
  formId: number;
  formName: string;
  /** The ticket's subject, e.g. the form's name. */
  subject: string;
  /** In form order, display values (checkbox choices joined with 、). */
  fields: { key: string; label: string; type: string; value: string }[];
  /** The value of the form's reply email field. */
  replyEmail: string | null;
  senderName: string | null;
  submittedAt: Date;
}
