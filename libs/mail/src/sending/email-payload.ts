import type { Recipient } from '@madoguchi/core';

/** What the email adapter keeps in an outbox row's payload: everything it needs to build the message again. */
export interface EmailPayload {
  from: Recipient;
  to: Recipient[];
  cc: Recipient[];
  bcc: Recipient[];
  replyTo?: Recipient | null;
  subject: string;
  text: string;
  /** The HTML part (sanitised by whoever wrote the message); the mail is multipart/alternative with it. */
  html?: string;
  inReplyTo: string | null;
  references: string[];
  charset: 'utf-8' | 'iso-2022-jp';
  attachments?: { filename: string; contentType: string; blobKey: string }[];
}
