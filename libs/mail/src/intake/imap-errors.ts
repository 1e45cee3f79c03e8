/** Turns what imapflow, nodemailer and Node's sockets throw into a sentence an administrator can act on. */
export function readableConnectionError(e: unknown, host: string, port: number): string {
  const err = e as { code?: string; message?: string; authenticationFailed?: boolean; responseCode?: number; response?: string; responseText?: string };
  const code = err.code ?? '';
  const text = `${err.message ?? ''} ${err.response ?? ''} ${err.responseText ?? ''}`;
  if (err.authenticationFailed || code === 'EAUTH' || /AUTHENTICATIONFAILED|authentication failed|Invalid credentials|535/i.test(text)) {
    return 'Sign-in refused: wrong user name or password';
  }
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return `Host not found: ${host}`;
  if (code === 'ECONNREFUSED') return `Connection refused by ${host}:${port} (nothing listens there, or a firewall blocks it)`;
  if (code === 'ETIMEDOUT' || code === 'ETIMEOUT' || code === 'CONNECT_TIMEOUT' || /timed? ?out/i.test(text)) return `No answer from ${host}:${port} (timed out)`;
  if (code === 'ECONNRESET') return `${host}:${port} closed the connection`;
  if (/wrong version number|ERR_SSL|EPROTO|ssl3_get_record|packet length too long|unknown protocol/i.test(text + code)) {
    return `TLS mismatch on ${host}:${port}: the server does not speak TLS there (turn encryption off, or use the TLS port such as 993/465)`;
  }
  if (/self[- ]signed|unable to verify|certificate/i.test(text)) return `The server's TLS certificate is not trusted (${err.message})`;
  if (code === 'NoConnection' || /Connection not available|closed/i.test(text)) return `Lost the connection to ${host}:${port}`;
  return (err.message ?? String(e)).slice(0, 500);
}
