import type { MessageKey } from '../i18n/ja';

/** The delivery failure codes the server sends (libs/mail/src/sending/send-errors.ts), each with its text. */
export const DELIVERY_ERROR_CODES = [
  'SMTP_HOST_NOT_FOUND',
  'SMTP_AUTH_FAILED',
  'SMTP_RECIPIENT_REFUSED',
  'SMTP_MESSAGE_REFUSED',
  'SMTP_CONNECTION_REFUSED',
  'SMTP_TIMEOUT',
  'SMTP_TLS_MISMATCH',
  'SMTP_CERTIFICATE_UNTRUSTED',
  'SMTP_CONNECTION_LOST',
  'SMTP_TEMPORARY',
  'SMTP_INTERRUPTED',
  'SEND_INTERRUPTED',
  'SECRET_UNREADABLE',
  'MAILBOX_GONE',
  'MAILBOX_CANNOT_SEND',
  'ATTACHMENT_MISSING',
  'SMTP_FAILED',
] as const;
export type DeliveryErrorCode = (typeof DELIVERY_ERROR_CODES)[number];

/** Why a message could not be sent, in the console's language; a code it does not know yet reads 「送信できませんでした」. */
export function deliveryErrorKey(code: string | null | undefined): MessageKey {
  return code && (DELIVERY_ERROR_CODES as readonly string[]).includes(code) ? (`delivery.error.${code}` as MessageKey) : 'delivery.error.unknown';
}
