import { APP_CONFIG, AppConfig, Clock, fieldError, FieldProblem, TooManyAttempts, ValidationFailed } from '@madoguchi/core';
import { MailboxConnection } from '@madoguchi/mailboxes';
import { Inject, Injectable } from '@nestjs/common';
import { connect as connectTcp, Socket } from 'node:net';
import { connect as connectTls } from 'node:tls';
import { ConnectionTestDto } from './connection-test.dto';
import { withImap } from './intake/imap-poller.job';
import { EmailSender } from './sending/email-sender.service';

/**
 * What a connection test found, in our words only. The other side's greeting, banner or error
 * text never goes back to the user: the test connects to any host and port an administrator
 * types in, and echoing what answered there would make it a banner grabber for the network the
 * server sits in.
 */
export type ConnectionVerdict =
  | 'connected'
  | 'auth_failed'
  | 'folder_missing'
  | 'refused'
  | 'timed_out'
  | 'host_not_found'
  | 'tls_mismatch'
  | 'closed'
  | 'unavailable'
  | 'not_imap'
  | 'not_smtp'
  | 'secret_unreadable'
  | 'failed';

export interface ConnectionCheck {
  ok: boolean;
  verdict: ConnectionVerdict;
  /** A sentence for the settings page; absent when all went well. */
  error?: string;
  messages?: number;
  idle?: boolean;
}

type Protocol = 'imap' | 'smtp';
interface Endpoint {
  host: string;
  port: number;
  secure: boolean;
}

/** Greetings that show the protocol (RFC 9051 §7.1: `* OK`/`* PREAUTH`, `* BYE`; RFC 5321 §4.2: `220`, or 554 to refuse). */
const GREETING: Record<Protocol, { ok: RegExp; busy: RegExp }> = {
  imap: { ok: /^\* (OK|PREAUTH)\b/i, busy: /^\* BYE\b/i },
  smtp: { ok: /^220[ -]/, busy: /^(421|554)[ -]/ },
};

function sentence(verdict: ConnectionVerdict, protocol: Protocol, at: Endpoint, timeoutMs: number, folder?: string): string | undefined {
  const where = `${at.host}:${at.port}`;
  const name = protocol.toUpperCase();
  switch (verdict) {
    case 'connected':
      return undefined;
    case 'auth_failed':
      return 'Sign-in refused: wrong user name or password';
    case 'folder_missing':
      return `Signed in, but the folder "${folder ?? ''}" does not exist`;
    case 'refused':
      return `Connection refused by ${where} (nothing listens there, or a firewall blocks it)`;
    case 'timed_out':
      return `No answer from ${where} within ${Math.round(timeoutMs / 1000)} s (timed out; if it is a TLS port, turn encryption on)`;
    case 'host_not_found':
      return `Host not found: ${at.host}`;
    case 'tls_mismatch':
      return `TLS mismatch on ${where}: the server does not speak TLS there (turn encryption off, or use the TLS port such as ${protocol === 'imap' ? 993 : 465})`;
    case 'closed':
      return `${where} closed the connection without greeting: not an ${name} server, or it does not accept us`;
    case 'unavailable':
      return `${where} is an ${name} server but turned the connection away (busy, or this address is not allowed)`;
    case 'not_imap':
      return `${where} answered, but it is not an IMAP server`;
    case 'not_smtp':
      return `${where} answered, but it is not an SMTP server`;
    case 'secret_unreadable':
      return `The stored ${name} password cannot be decrypted (was SECRET_KEY changed?); enter the password again`;
    case 'failed':
      return `${where} greeted as an ${name} server, but the test could not be completed`;
  }
}

function socketVerdict(e: unknown): ConnectionVerdict | null {
  const err = (e ?? {}) as { code?: string; message?: string; authenticationFailed?: boolean; responseCode?: number };
  const code = err.code ?? '';
  const text = err.message ?? '';
  if (err.authenticationFailed || code === 'EAUTH' || err.responseCode === 535) return 'auth_failed';
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return 'host_not_found';
  if (code === 'ECONNREFUSED') return 'refused';
  if (['ETIMEDOUT', 'ETIMEOUT', 'CONNECT_TIMEOUT', 'GREETING_TIMEOUT'].includes(code) || /timed? ?out/i.test(text)) return 'timed_out';
  if (/^ERR_SSL|^EPROTO$/.test(code) || /wrong version number|ssl3_get_record|packet length too long|unknown protocol/i.test(text)) return 'tls_mismatch';
  if (code === 'ECONNRESET' || code === 'EPIPE') return 'closed';
  return null;
}

/**
 * Connects and reads the server's first line ourselves, before any mail client library sees
 * it: what answered decides the verdict, and nothing of it is kept.
 */
export function probeGreeting(protocol: Protocol, at: Endpoint, timeoutMs: number): Promise<ConnectionVerdict> {
  return new Promise((resolve) => {
    let settled = false;
    let socket: Socket;
    let head = '';
    const done = (v: ConnectionVerdict) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(v);
    };
    const timer = setTimeout(() => done('timed_out'), timeoutMs);
    const onData = (d: Buffer) => {
      head += d.toString('latin1');
      const end = head.indexOf('\n');
      // A greeting is one short line; 512 bytes without a line break is not one.
      if (end < 0 && head.length < 512) return;
      const line = head.slice(0, end < 0 ? head.length : end);
      const g = GREETING[protocol];
      done(g.ok.test(line) ? 'connected' : g.busy.test(line) ? 'unavailable' : protocol === 'imap' ? 'not_imap' : 'not_smtp');
    };
    const options = { host: at.host, port: at.port };
    socket = at.secure ? connectTls({ ...options, rejectUnauthorized: false, servername: /^[\d.:]+$/.test(at.host) ? undefined : at.host }) : connectTcp(options);
    socket.on('data', onData);
    socket.on('error', (e) => done(socketVerdict(e) ?? 'closed'));
    socket.on('close', () => done(head ? (protocol === 'imap' ? 'not_imap' : 'not_smtp') : 'closed'));
  });
}

/** 429 with Retry-After, for the user who has used up the window's connection tests. */
export class ConnectionTestsExhausted extends TooManyAttempts {
  constructor(retryAfterSeconds: number, limit: number, windowMinutes: number) {
    const minutes = Math.max(1, Math.ceil(retryAfterSeconds / 60));
    super(
      retryAfterSeconds,
      'CONNECTION_TEST_LIMIT',
      `Too many connection tests: at most ${limit} in ${windowMinutes} minutes per user. Try again in ${minutes} minute(s).`,
      { limit, windowMinutes },
    );
  }
}

/**
 * The settings' "test connection": limited per user (in this instance's memory: a limit on a
 * person clicking, not an accounting record), with a short timeout of its own, reporting only
 * a verdict.
 */
@Injectable()
export class ConnectionTester {
  private readonly recent = new Map<number, number[]>();

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly sender: EmailSender,
    private readonly clock: Clock,
  ) {}

  /** Counts one test for the user, or refuses it once the window's tests are used up. */
  take(userId: number): void {
    const { limit, windowMs } = this.config.mail.connectionTest;
    const now = this.clock.now().getTime();
    const since = now - windowMs;
    for (const [user, times] of this.recent) if (times[times.length - 1] <= since) this.recent.delete(user);
    const times = (this.recent.get(userId) ?? []).filter((at) => at > since);
    if (times.length >= limit) {
      const freeAt = times[times.length - limit] + windowMs;
      throw new ConnectionTestsExhausted(Math.max(1, Math.ceil((freeAt - now) / 1000)), limit, Math.round(windowMs / 60_000));
    }
    times.push(now);
    this.recent.set(userId, times);
  }

  async test(conn: MailboxConnection): Promise<{ imap: ConnectionCheck | null; smtp: ConnectionCheck | null }> {
    const [imap, smtp] = await Promise.all([conn.imap ? this.imap(conn) : null, conn.smtp ? this.smtp(conn) : null]);
    return { imap, smtp };
  }

  private async imap(conn: MailboxConnection): Promise<ConnectionCheck> {
    const imap = conn.imap!;
    const timeoutMs = this.config.mail.connectionTest.timeoutMs;
    const fail = (verdict: ConnectionVerdict): ConnectionCheck => ({ ok: false, verdict, error: sentence(verdict, 'imap', imap, timeoutMs, imap.folder) });
    if (imap.passwordUnreadable) return fail('secret_unreadable');
    const greeted = await probeGreeting('imap', imap, timeoutMs);
    if (greeted !== 'connected') return fail(greeted);
    let signedIn = false;
    try {
      return await withImap(
        imap,
        async (client) => {
          signedIn = true;
          const box = await client.mailboxOpen(imap.folder, { readOnly: true });
          return { ok: true, verdict: 'connected' as const, messages: box.exists, idle: client.capabilities.has('IDLE') };
        },
        timeoutMs,
      );
    } catch (e) {
      const verdict = socketVerdict(e);
      if (verdict) return fail(verdict);
      // Signed in, and the folder could not be opened: in practice a wrong folder name.
      return fail(signedIn ? 'folder_missing' : 'failed');
    }
  }

  private async smtp(conn: MailboxConnection): Promise<ConnectionCheck> {
    const smtp = conn.smtp!;
    const timeoutMs = this.config.mail.connectionTest.timeoutMs;
    const fail = (verdict: ConnectionVerdict): ConnectionCheck => ({ ok: false, verdict, error: sentence(verdict, 'smtp', smtp, timeoutMs) });
    if (smtp.passwordUnreadable) return fail('secret_unreadable');
    const greeted = await probeGreeting('smtp', smtp, timeoutMs);
    if (greeted !== 'connected') return fail(greeted);
    try {
      await this.sender.verify(conn, timeoutMs);
      return { ok: true, verdict: 'connected' };
    } catch (e) {
      return fail(socketVerdict(e) ?? 'failed');
    }
  }
}

const sameHost = (a: string, b: string) => a.trim().toLowerCase() === b.trim().toLowerCase();

/**
 * What the test tries: the form's settings over the saved ones (`saved` null for a mailbox not
 * created yet). A section left out is the saved one and `null` is none. A blank password is the
 * stored one only while host and user stay the same: the test must not carry a stored password
 * to a host that someone with the manage right merely typed in, without saving (and auditing) it.
 */
export function connectionToTest(dto: ConnectionTestDto, saved: MailboxConnection | null): MailboxConnection {
  const problems: Record<string, FieldProblem[]> = {};
  const required = (field: string) => (problems[field] = [fieldError('REQUIRED', `${field} is required`)]);
  let imap = saved?.imap ?? null;
  if (dto.imap === null) imap = null;
  else if (dto.imap) {
    const d = dto.imap;
    const keep = !d.password && saved?.imap && sameHost(saved.imap.host, d.host) && saved.imap.user === d.user ? saved.imap : null;
    if (!d.password && !keep) required('imap.password');
    imap = {
      host: d.host.trim(),
      port: d.port,
      secure: d.secure,
      user: d.user,
      password: d.password || keep?.password || '',
      ...(keep?.passwordUnreadable ? { passwordUnreadable: true } : {}),
      folder: d.folder || saved?.imap?.folder || 'INBOX',
      sentFolder: null,
    };
  }
  let smtp = saved?.smtp ?? null;
  if (dto.smtp === null) smtp = null;
  else if (dto.smtp) {
    const d = dto.smtp;
    const user = d.user || null;
    const keep = !d.password && user && saved?.smtp && sameHost(saved.smtp.host, d.host) && saved.smtp.user === user ? saved.smtp : null;
    // An SMTP account may need no sign-in; a user without a password is tried as typed.
    smtp = {
      host: d.host.trim(),
      port: d.port,
      secure: d.secure,
      user,
      password: user ? d.password || keep?.password || null : null,
      ...(keep?.passwordUnreadable ? { passwordUnreadable: true } : {}),
    };
  }
  if (!saved && !imap && !smtp) problems.imap = [fieldError('REQUIRED', 'imap or smtp settings are required to test a connection')];
  if (Object.keys(problems).length) throw new ValidationFailed(problems);
  return {
    id: saved?.id ?? 0,
    name: saved?.name ?? '',
    address: saved?.address ?? '',
    active: saved?.active ?? true,
    outgoingCharset: saved?.outgoingCharset ?? 'utf-8',
    pollIntervalSec: saved?.pollIntervalSec ?? 60,
    imap,
    smtp,
  };
}
