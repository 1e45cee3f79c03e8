/** SMTP failures that will not get better by waiting (5xx); everything else is retried. */
export class PermanentSendError extends Error {}

/**
 * Why an SMTP attempt failed, as a stable code the console translates (送信エラー / 送信失敗 and
 * the reason), and whether waiting can help. What nodemailer and Node's sockets throw is
 * classified here once; the sentence from `readableConnectionError` stays for the log.
 */
export type SendErrorCode =
  | 'SMTP_HOST_NOT_FOUND'
  | 'SMTP_AUTH_FAILED'
  | 'SMTP_RECIPIENT_REFUSED'
  | 'SMTP_MESSAGE_REFUSED'
  | 'SMTP_CONNECTION_REFUSED'
  | 'SMTP_TIMEOUT'
  | 'SMTP_TLS_MISMATCH'
  | 'SMTP_CERTIFICATE_UNTRUSTED'
  | 'SMTP_CONNECTION_LOST'
  | 'SMTP_TEMPORARY'
  | 'SMTP_INTERRUPTED'
  | 'MAILBOX_GONE'
  | 'MAILBOX_CANNOT_SEND'
  | 'SECRET_UNREADABLE'
  | 'ATTACHMENT_MISSING'
  | 'SMTP_FAILED';

export interface SendErrorClass {
  code: SendErrorCode;
  /**
   * `now`: retrying cannot help (a 5xx answer, a send that may have gone out): give up at once.
   * `soon`: a setting is wrong (host, password, TLS): a short budget of attempts, then give up.
   * `later`: the other side is busy or unreachable for now: the long backoff.
   */
  giveUp: 'now' | 'soon' | 'later';
}

export function classifySendError(e: unknown): SendErrorClass {
  const err = e as { code?: string; message?: string; responseCode?: number; command?: string; response?: string };
  const code = err.code ?? '';
  const text = `${err.message ?? ''} ${err.response ?? ''}`;
  const rc = err.responseCode ?? 0;
  if (e instanceof MailboxGoneError) return { code: 'MAILBOX_GONE', giveUp: 'now' };
  if (e instanceof NoSmtpAccountError) return { code: 'MAILBOX_CANNOT_SEND', giveUp: 'now' };
  if (e instanceof SecretUnreadableError) return { code: 'SECRET_UNREADABLE', giveUp: 'soon' };
  // Lost after the message text went out: the server may have taken it; never resent blindly.
  if (err.command === 'DATA' && !rc && !(e instanceof PermanentSendError)) return { code: 'SMTP_INTERRUPTED', giveUp: 'now' };
  if (code === 'EAUTH' || rc === 535 || rc === 534 || /authentication failed|Invalid login|Invalid credentials/i.test(text)) return { code: 'SMTP_AUTH_FAILED', giveUp: rc >= 500 ? 'now' : 'soon' };
  if (/^RCPT/i.test(err.command ?? '') || code === 'EENVELOPE') return { code: 'SMTP_RECIPIENT_REFUSED', giveUp: rc >= 500 || !rc ? 'now' : 'later' };
  if (rc >= 500) return { code: 'SMTP_MESSAGE_REFUSED', giveUp: 'now' };
  if (rc >= 400) return { code: 'SMTP_TEMPORARY', giveUp: 'later' };
  // nodemailer wraps socket errors (code EDNS / ESOCKET / ECONNECTION) and keeps Node's code in the message.
  const sys = `${code} ${err.message ?? ''}`;
  if (/\bENOTFOUND\b/.test(sys)) return { code: 'SMTP_HOST_NOT_FOUND', giveUp: 'soon' };
  if (/\bEAI_AGAIN\b/.test(sys)) return { code: 'SMTP_HOST_NOT_FOUND', giveUp: 'later' };
  if (/\bECONNREFUSED\b/.test(sys)) return { code: 'SMTP_CONNECTION_REFUSED', giveUp: 'later' };
  if (/wrong version number|ERR_SSL|EPROTO|ssl3_get_record|packet length too long|unknown protocol/i.test(text + code)) return { code: 'SMTP_TLS_MISMATCH', giveUp: 'soon' };
  if (/self[- ]signed|unable to verify|certificate/i.test(text)) return { code: 'SMTP_CERTIFICATE_UNTRUSTED', giveUp: 'soon' };
  if (code === 'ETIMEDOUT' || code === 'ETIMEOUT' || code === 'CONNECT_TIMEOUT' || /timed? ?out/i.test(text)) return { code: 'SMTP_TIMEOUT', giveUp: 'later' };
  if (code === 'ECONNRESET' || code === 'ESOCKET' || code === 'ECONNECTION' || /closed|Connection not available/i.test(text)) return { code: 'SMTP_CONNECTION_LOST', giveUp: 'later' };
  if (code === 'ENOENT' || /blob .* not found|no such file/i.test(text)) return { code: 'ATTACHMENT_MISSING', giveUp: 'now' };
  if (e instanceof PermanentSendError) return { code: 'SMTP_FAILED', giveUp: 'now' };
  return { code: 'SMTP_FAILED', giveUp: 'later' };
}

/** The outbox row's mailbox was deleted. */
export class MailboxGoneError extends PermanentSendError {
  constructor() {
    super('The mailbox no longer exists');
  }
}

/** The mailbox has no SMTP account (and the embedded default's capture is off). */
export class NoSmtpAccountError extends PermanentSendError {
  constructor() {
    super('The mailbox has no SMTP account');
  }
}

/** The stored SMTP password no longer decrypts (SECRET_KEY changed): it must be typed again. */
export class SecretUnreadableError extends PermanentSendError {
  constructor() {
    super('The stored SMTP password cannot be decrypted (was SECRET_KEY changed?); enter the password again');
  }
}
