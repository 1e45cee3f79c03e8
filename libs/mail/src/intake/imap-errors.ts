/** Turns what imapflow, nodemailer and Node's sockets throw into a sentence an administrator can act on. */
export function readableConnectionError(e: unknown, host: string, port: number): string {
  const err = (e ?? {}) as { code?: string; message?: string; authenticationFailed?: boolean; responseCode?: number; response?: string; responseText?: string; mailboxMissing?: boolean };
  const code = typeof err.code === 'string' ? err.code : '';
  const text = `${err.message ?? ''} ${err.response ?? ''} ${err.responseText ?? ''}`;
  if (code === 'SECRET_UNREADABLE') return err.message ?? 'The stored password cannot be decrypted';
  if (err.authenticationFailed || code === 'EAUTH' || /AUTHENTICATIONFAILED|authentication failed|Invalid credentials|535/i.test(text)) {
    return 'Sign-in refused: wrong user name or password';
  }
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return `Host not found: ${host}`;
  if (code === 'ECONNREFUSED') return `Connection refused by ${host}:${port} (nothing listens there, or a firewall blocks it)`;
  if (connectionErrorCode(e) === 'IMAP_FOLDER_MISSING') return 'Signed in, but the folder does not exist';
  if (code === 'ETIMEDOUT' || code === 'ETIMEOUT' || code === 'CONNECT_TIMEOUT' || /timed? ?out/i.test(text)) return `No answer from ${host}:${port} (timed out)`;
  if (code === 'ECONNRESET') return `${host}:${port} closed the connection`;
  if (/wrong version number|ERR_SSL|EPROTO|ssl3_get_record|packet length too long|unknown protocol/i.test(text + code)) {
    return `TLS mismatch on ${host}:${port}: the server does not speak TLS there (turn encryption off, or use the TLS port such as 993/465)`;
  }
  if (/self[- ]signed|unable to verify|certificate/i.test(text)) return `The server's TLS certificate is not trusted (${err.message})`;
  if (code === 'NoConnection' || /Connection not available|closed/i.test(text)) return `Lost the connection to ${host}:${port}`;
  return (err.message ?? String(e)).slice(0, 500);
}

/**
 * Why a poll failed, as a stable code stored with the intake state: the console words it in the
 * user's language (the sentence above stays for logs and scripts).
 */
export const INTAKE_ERROR_CODES = [
  'IMAP_HOST_NOT_FOUND',
  'IMAP_AUTH_FAILED',
  'IMAP_CONNECTION_REFUSED',
  'IMAP_TIMEOUT',
  'IMAP_TLS_MISMATCH',
  'IMAP_CERTIFICATE_UNTRUSTED',
  'IMAP_CONNECTION_LOST',
  'IMAP_FOLDER_MISSING',
  'SECRET_UNREADABLE',
  'IMAP_FAILED',
] as const;
export type IntakeErrorCode = (typeof INTAKE_ERROR_CODES)[number];

/** The code for what readableConnectionError words; the checks run in the same order. */
export function connectionErrorCode(e: unknown): IntakeErrorCode {
  const err = (e ?? {}) as {
    code?: string;
    message?: string;
    authenticationFailed?: boolean;
    response?: string;
    responseText?: string;
    serverResponseCode?: string;
    mailboxMissing?: boolean;
  };
  const code = typeof err.code === 'string' ? err.code : '';
  const text = `${err.message ?? ''} ${err.response ?? ''} ${err.responseText ?? ''}`;
  if (code === 'SECRET_UNREADABLE') return 'SECRET_UNREADABLE';
  if (err.authenticationFailed || code === 'EAUTH' || /AUTHENTICATIONFAILED|authentication failed|Invalid credentials|535/i.test(text)) {
    return 'IMAP_AUTH_FAILED';
  }
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return 'IMAP_HOST_NOT_FOUND';
  if (code === 'ECONNREFUSED') return 'IMAP_CONNECTION_REFUSED';
  // imapflow marks a SELECT refused for a folder that LIST does not know (NONEXISTENT in RFC 5530).
  if (err.mailboxMissing || err.serverResponseCode?.toUpperCase() === 'NONEXISTENT') return 'IMAP_FOLDER_MISSING';
  if (code === 'ETIMEDOUT' || code === 'ETIMEOUT' || code === 'CONNECT_TIMEOUT' || /timed? ?out/i.test(text)) return 'IMAP_TIMEOUT';
  if (code === 'ECONNRESET') return 'IMAP_CONNECTION_LOST';
  if (/wrong version number|ERR_SSL|EPROTO|ssl3_get_record|packet length too long|unknown protocol/i.test(text + code)) return 'IMAP_TLS_MISMATCH';
  if (/self[- ]signed|unable to verify|certificate/i.test(text)) return 'IMAP_CERTIFICATE_UNTRUSTED';
  if (code === 'NoConnection' || /Connection not available|closed/i.test(text)) return 'IMAP_CONNECTION_LOST';
  return 'IMAP_FAILED';
}
