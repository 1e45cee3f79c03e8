import type net from 'node:net';
import { SMTPServer, type SMTPServerOptions, type SMTPServerSession } from 'smtp-server';

// A real SMTP server (the smtp-server package) on 127.0.0.1 that keeps what it receives, for
// tests of outgoing mail. It can also refuse the next deliveries on purpose to test retries.

export interface SmtpSinkOptions {
  /** Require AUTH PLAIN/LOGIN with these credentials; without it AUTH is not offered at all. */
  auth?: { user: string; pass: string };
  /**
   * Offer STARTTLS with smtp-server's built-in self-signed certificate (clients need
   * `tls: { rejectUnauthorized: false }`), or with the given key and certificate.
   */
  tls?: boolean | { key: string | Buffer; cert: string | Buffer };
  /** Maximum message size advertised with SIZE; larger messages are refused with 552. */
  size?: number;
  /** Hostname used in the greeting and EHLO reply. Default "smtp-sink.test". */
  name?: string;
}

export interface SmtpEnvelope {
  /** MAIL FROM address; '' for the null sender of a bounce. */
  mailFrom: string;
  rcptTo: string[];
}

export interface ReceivedMessage {
  envelope: SmtpEnvelope;
  /** The DATA bytes exactly as received, dot-unstuffed, without the terminating ".". */
  raw: Buffer;
  receivedAt: Date;
  /** The user who authenticated on this connection, if AUTH was used. */
  authUser?: string;
  /** Whether the message came over TLS (STARTTLS, with options.tls). */
  tls: boolean;
}

export type FailStage = 'MAIL' | 'RCPT' | 'DATA';

export interface Rejection {
  stage: FailStage;
  code: number;
  message: string;
  envelope: SmtpEnvelope;
  at: Date;
}

export interface SmtpSink {
  readonly host: '127.0.0.1';
  readonly port: number;
  /** Copies of the received messages, oldest first. */
  messages(): ReceivedMessage[];
  /** Deliveries refused by failNext, oldest first. */
  rejections(): Rejection[];
  /**
   * Resolves with all messages once at least `count` have arrived in total since the start or
   * the last clear(); rejects after `timeoutMs` (default 10 s) saying how many did arrive.
   */
  waitFor(count: number, timeoutMs?: number): Promise<ReceivedMessage[]>;
  /** Forgets received messages and rejections, and cancels pending failNext() failures. */
  clear(): void;
  /**
   * Makes the next `n` deliveries fail with `code`: 4xx is a temporary failure a sender should
   * retry, 5xx a permanent one. By default the message is refused after DATA, the way a
   * receiving server with a full queue or a content filter does; at 'RCPT' nodemailer reports
   * the recipient as rejected (EENVELOPE) instead. Each refused transaction counts as one.
   */
  failNext(n: number, code?: number, message?: string, stage?: FailStage): void;
  stop(): Promise<void>;
}

interface PendingFailure {
  code: number;
  message: string;
  stage: FailStage;
}

interface Waiter {
  count: number;
  resolve: (messages: ReceivedMessage[]) => void;
}

export async function startSmtpSink(options: SmtpSinkOptions = {}): Promise<SmtpSink> {
  const received: ReceivedMessage[] = [];
  const rejected: Rejection[] = [];
  const failures: PendingFailure[] = [];
  let waiters: Waiter[] = [];

  const envelopeOf = (session: SMTPServerSession): SmtpEnvelope => ({
    mailFrom: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
    rcptTo: session.envelope.rcptTo.map((r) => r.address),
  });
  const smtpError = (code: number, message: string): Error & { responseCode: number } =>
    Object.assign(new Error(message), { responseCode: code });
  // Takes the pending failure if it is meant for this stage. A failure refuses a whole
  // transaction, so a 'RCPT' failure is used up by the first recipient and the others of the
  // same transaction are refused too (see rcptFailureSession).
  const takeFailure = (stage: FailStage, session: SMTPServerSession): PendingFailure | undefined => {
    if (failures[0]?.stage !== stage) return undefined;
    const failure = failures.shift()!;
    rejected.push({ ...failure, envelope: envelopeOf(session), at: new Date() });
    return failure;
  };
  const rcptFailureSession = new WeakMap<
    SMTPServerSession,
    { transaction: number; failure: PendingFailure }
  >();

  const tlsOption = options.tls;
  const serverOptions: SMTPServerOptions = {
    name: options.name ?? 'smtp-sink.test',
    secure: false,
    // logger:false also silences smtp-server's warning about its public demo certificate.
    logger: false,
    disableReverseLookup: true,
    // Close lingering client connections (a nodemailer pool, a test that failed half-way)
    // half a second into stop() instead of the default 30 s.
    closeTimeout: 500,
    size: options.size,
    disabledCommands: [...(tlsOption ? [] : ['STARTTLS']), ...(options.auth ? [] : ['AUTH'])],
    ...(typeof tlsOption === 'object' ? { key: tlsOption.key, cert: tlsOption.cert } : {}),
    // Without TLS, smtp-server only accepts AUTH if told plaintext AUTH is fine.
    allowInsecureAuth: true,
    authOptional: !options.auth,
    authMethods: ['PLAIN', 'LOGIN'],
    onAuth(auth, _session, callback) {
      const expected = options.auth;
      if (expected && auth.username === expected.user && auth.password === expected.pass) {
        callback(null, { user: auth.username });
        return;
      }
      // smtp-server replies 535 5.7.8 when no user is returned.
      callback(null, { message: 'Authentication credentials invalid' });
    },
    onMailFrom(_address, session, callback) {
      const failure = takeFailure('MAIL', session);
      callback(failure ? smtpError(failure.code, failure.message) : null);
    },
    onRcptTo(_address, session, callback) {
      const earlier = rcptFailureSession.get(session);
      if (earlier && earlier.transaction === session.transaction) {
        callback(smtpError(earlier.failure.code, earlier.failure.message));
        return;
      }
      const failure = takeFailure('RCPT', session);
      if (failure) {
        rcptFailureSession.set(session, { transaction: session.transaction, failure });
        callback(smtpError(failure.code, failure.message));
        return;
      }
      callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('error', (err) => callback(err));
      // The reply has to wait for the end of the stream: replying earlier desynchronises the
      // SMTP dialogue, so a refused message is read to the end as well.
      stream.on('end', () => {
        if (stream.sizeExceeded) {
          callback(smtpError(552, `Message exceeds the fixed maximum size of ${options.size} bytes`));
          return;
        }
        const failure = takeFailure('DATA', session);
        if (failure) {
          callback(smtpError(failure.code, failure.message));
          return;
        }
        const user = session.user as string | undefined;
        received.push({
          envelope: envelopeOf(session),
          raw: Buffer.concat(chunks),
          receivedAt: new Date(),
          ...(user ? { authUser: user } : {}),
          tls: session.secure,
        });
        const ready = waiters.filter((w) => received.length >= w.count);
        waiters = waiters.filter((w) => received.length < w.count);
        for (const w of ready) w.resolve(copy(received));
        callback(null, `OK: queued as sink-${received.length}`);
      });
    },
  };

  const server = new SMTPServer(serverOptions);
  // Without a listener an 'error' (a client resetting its connection) would be thrown.
  server.on('error', () => undefined);
  await new Promise<void>((resolve, reject) => {
    server.server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.server.off('error', reject);
      resolve();
    });
  });
  const port = (server.server.address() as net.AddressInfo).port;
  let stopped = false;

  return {
    host: '127.0.0.1',
    port,
    messages: () => copy(received),
    rejections: () =>
      rejected.map((r) => ({ ...r, envelope: { ...r.envelope, rcptTo: [...r.envelope.rcptTo] } })),
    waitFor(count: number, timeoutMs = 10_000): Promise<ReceivedMessage[]> {
      if (received.length >= count) return Promise.resolve(copy(received));
      return new Promise((resolve, reject) => {
        const waiter: Waiter = {
          count,
          resolve: (messages) => {
            clearTimeout(timer);
            resolve(messages);
          },
        };
        const timer = setTimeout(() => {
          waiters = waiters.filter((w) => w !== waiter);
          const refused = rejected.length ? `, ${rejected.length} refused by failNext` : '';
          reject(
            new Error(
              `SMTP sink 127.0.0.1:${port}: expected ${count} message(s) within ${timeoutMs} ms, ` +
                `received ${received.length}${refused}`,
            ),
          );
        }, timeoutMs);
        waiters.push(waiter);
      });
    },
    clear(): void {
      received.length = 0;
      rejected.length = 0;
      failures.length = 0;
    },
    failNext(n: number, code = 451, message?: string, stage: FailStage = 'DATA'): void {
      if (!Number.isInteger(n) || n < 0)
        throw new Error(`failNext: n must be a non-negative integer, got ${n}`);
      if (!Number.isInteger(code) || code < 400 || code > 599) {
        throw new Error(`failNext: code must be a 4xx or 5xx SMTP reply code, got ${code}`);
      }
      const text =
        message ??
        (code < 500 ? 'Requested action aborted: local error in processing' : 'Requested action not taken');
      for (let i = 0; i < n; i++) failures.push({ code, message: text, stage });
    },
    async stop(): Promise<void> {
      if (stopped) return;
      stopped = true;
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function copy(messages: ReceivedMessage[]): ReceivedMessage[] {
  return messages.map((m) => ({ ...m, envelope: { ...m.envelope, rcptTo: [...m.envelope.rcptTo] } }));
}
