import { MailAddress } from './article.entity';

export type InboundClassification = 'normal' | 'auto_reply' | 'bounce' | 'loop';

export interface StoredAttachment {
  filename: string;
  contentType: string;
  size: number;
  blobKey: string;
  contentId: string | null;
  inline: boolean;
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
