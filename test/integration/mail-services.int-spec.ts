import { createTransport, type NodemailerError, type Transporter } from 'nodemailer';
import type { ImapFlow, StatusObject, StatusQuery } from 'imapflow';
import { appendMessage, connectImap, type DovecotServer, startDovecot } from '@test/support/dovecot';
import { type SmtpSink, startSmtpSink } from '@test/support/smtp-sink';

// Proves the mail test services are real and behave as the app's tests will rely on: a
// Dovecot IMAP server (test/support/dovecot.ts) and an SMTP sink (test/support/smtp-sink.ts).
// A missing service fails these tests with the reason; nothing is skipped.

jest.setTimeout(30_000);

const USER = 'support@example.jp';
// A ':' and non-ASCII characters: the passwd-file format must not trip over them.
const PASSWORD = 'pa:ss 窓口';

// 「お問い合わせの件」 as an RFC 2047 encoded-word and 「窓口へようこそ。」 in the body, both ISO-2022-JP
// as Japanese mail clients still send them: 7-bit, with ESC sequences that must survive.
const SUBJECT = 'お問い合わせの件';
const ISO_2022_JP_MESSAGE = Buffer.from(
  [
    'From: =?ISO-2022-JP?B?GyRCOzNFRBsoQg==?= <yamada@example.co.jp>',
    `To: ${USER}`,
    'Subject: =?ISO-2022-JP?B?GyRCJCpMZCQkOWckbyQ7JE43bxsoQg==?=',
    'Date: Mon, 23 Nov 2026 10:00:00 +0900',
    'Message-ID: <iso2022jp-1@example.co.jp>',
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=ISO-2022-JP',
    'Content-Transfer-Encoding: 7bit',
    '',
    '\x1b$BAk8}$X$h$&$3$=!#\x1b(B',
    '',
  ].join('\r\n'),
  'latin1',
);

function plainMessage(subject: string): string {
  return [`From: a@example.jp`, `To: ${USER}`, `Subject: ${subject}`, '', 'body', ''].join('\r\n');
}

async function closeQuietly(client: ImapFlow | undefined): Promise<void> {
  if (!client || !client.usable) return;
  await client.logout().catch(() => client.close());
}

// imapflow's status() resolves to false instead of rejecting when the server refuses it.
async function statusOf(client: ImapFlow, mailbox: string, query: StatusQuery): Promise<StatusObject> {
  const status = await client.status(mailbox, query);
  if (!status) throw new Error(`STATUS ${mailbox} failed`);
  return status;
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: nothing within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

describe('Dovecot test server', () => {
  let server: DovecotServer;
  const clients: ImapFlow[] = [];
  const track = (client: ImapFlow): ImapFlow => {
    clients.push(client);
    return client;
  };

  beforeAll(async () => {
    server = await startDovecot();
    await server.addUser(USER, PASSWORD);
  });

  afterEach(async () => {
    await Promise.all(clients.splice(0).map(closeQuietly));
  });

  afterAll(async () => {
    await server?.stop();
  });

  it('listens on a loopback port of its own and greets', () => {
    expect(server.host).toBe('127.0.0.1');
    expect(server.port).toBeGreaterThan(0);
  });

  it('gives back an APPENDed ISO-2022-JP message byte for byte by UID, with UIDVALIDITY', async () => {
    const appended = await appendMessage(server, USER, PASSWORD, 'INBOX', ISO_2022_JP_MESSAGE, ['\\Seen']);
    expect(appended.uid).toBeGreaterThan(0);
    expect(appended.uidValidity).toBeGreaterThan(0n);

    const client = track(await connectImap(server, USER, PASSWORD, { disableAutoIdle: true }));
    const status = await statusOf(client, 'INBOX', { uidValidity: true, messages: true });
    expect(status.uidValidity).toBe(appended.uidValidity);

    const mailbox = await client.mailboxOpen('INBOX');
    expect(mailbox.uidValidity).toBe(appended.uidValidity);
    const message = await client.fetchOne(
      String(appended.uid),
      { source: true, envelope: true, flags: true },
      { uid: true },
    );
    if (!message) throw new Error(`UID ${appended.uid} not found after APPEND`);
    expect(message.uid).toBe(appended.uid);
    expect(Buffer.compare(message.source as Buffer, ISO_2022_JP_MESSAGE)).toBe(0);
    expect(message.envelope?.subject).toBe(SUBJECT);
    expect([...(message.flags ?? [])]).toContain('\\Seen');
    // Decoding the stored body ourselves: the ESC sequences arrived intact.
    const body = (message.source as Buffer).subarray((message.source as Buffer).indexOf('\r\n\r\n') + 4);
    expect(new TextDecoder('iso-2022-jp').decode(body).trim()).toBe('窓口へようこそ。');
  });

  it('creates a missing mailbox when appending to it, next to the special-use folders', async () => {
    const appended = await appendMessage(server, USER, PASSWORD, 'Support', plainMessage('to a folder'));
    const client = track(await connectImap(server, USER, PASSWORD, { disableAutoIdle: true }));
    const list = await client.list();
    const paths = list.map((m) => m.path);
    expect(paths).toEqual(expect.arrayContaining(['INBOX', 'Support', 'Sent', 'Drafts', 'Trash', 'Junk']));
    expect(list.find((m) => m.path === 'Sent')?.specialUse).toBe('\\Sent');
    const status = await statusOf(client, 'Support', { messages: true, uidValidity: true });
    expect(status.messages).toBe(1);
    expect(status.uidValidity).toBe(appended.uidValidity);
  });

  it('reports a message appended by a second client to an IDLE client within 2 s', async () => {
    const watcher = track(await connectImap(server, USER, PASSWORD, { disableAutoIdle: true }));
    // mailboxOpen() returns imapflow's live mailbox object, updated in place by later events.
    const countBefore = (await watcher.mailboxOpen('INBOX')).exists;
    const exists = new Promise<{ count: number; prevCount: number }>((resolve) =>
      watcher.once('exists', resolve),
    );
    void watcher.idle().catch(() => undefined);
    // Append only once the server has confirmed IDLE, so the notification is IDLE's doing.
    const idleDeadline = Date.now() + 5_000;
    while (!watcher.idling) {
      if (Date.now() > idleDeadline) throw new Error('IDLE was not confirmed by the server within 5 s');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }

    const started = Date.now();
    await appendMessage(server, USER, PASSWORD, 'INBOX', plainMessage('while idling'));
    const event = await withTimeout(exists, 2_000, 'IDLE EXISTS notification');
    expect(event.count).toBe(countBefore + 1);
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('refuses a wrong password quickly and without penalty delays', async () => {
    const started = Date.now();
    for (let i = 0; i < 3; i++) {
      await expect(connectImap(server, USER, 'wrong')).rejects.toMatchObject({ authenticationFailed: true });
    }
    // Dovecot's default auth penalty would add 2 s, then 4 s... per failure from the same IP.
    expect(Date.now() - started).toBeLessThan(5_000);
    await expect(connectImap(server, 'nobody@example.jp', 'x')).rejects.toMatchObject({
      authenticationFailed: true,
    });
  });

  it('applies a new user and a password change at once', async () => {
    await server.addUser('second@example.jp', 'first-password');
    track(await connectImap(server, 'second@example.jp', 'first-password'));
    await server.addUser('second@example.jp', 'other-password');
    await expect(connectImap(server, 'second@example.jp', 'first-password')).rejects.toMatchObject({
      authenticationFailed: true,
    });
    track(await connectImap(server, 'second@example.jp', 'other-password'));
    await server.removeUser('second@example.jp');
    await expect(connectImap(server, 'second@example.jp', 'other-password')).rejects.toMatchObject({
      authenticationFailed: true,
    });
  });

  it('keeps port, mail and UIDVALIDITY across restart() and drops connected clients', async () => {
    const appended = await appendMessage(server, USER, PASSWORD, 'INBOX', plainMessage('before restart'));
    const port = server.port;
    const before = track(await connectImap(server, USER, PASSWORD));
    await before.mailboxOpen('INBOX');
    const closed = new Promise<void>((resolve) => before.once('close', () => resolve()));

    await server.restart();
    await withTimeout(closed, 5_000, 'close event of a client connected during restart');

    expect(server.port).toBe(port);
    const after = track(await connectImap(server, USER, PASSWORD, { disableAutoIdle: true }));
    const mailbox = await after.mailboxOpen('INBOX');
    expect(mailbox.uidValidity).toBe(appended.uidValidity);
    const message = await after.fetchOne(String(appended.uid), { source: true }, { uid: true });
    expect(message && message.source?.toString()).toBe(plainMessage('before restart'));
  });

  it('runs a second, independent instance side by side', async () => {
    const other = await startDovecot();
    try {
      expect(other.port).not.toBe(server.port);
      expect(other.dir).not.toBe(server.dir);
      // Users and mail are per instance.
      await expect(connectImap(other, USER, PASSWORD)).rejects.toMatchObject({ authenticationFailed: true });
      await other.addUser(USER, 'another');
      await appendMessage(other, USER, 'another', 'INBOX', plainMessage('on the other server'));
      const a = track(await connectImap(server, USER, PASSWORD, { disableAutoIdle: true }));
      const b = track(await connectImap(other, USER, 'another', { disableAutoIdle: true }));
      const inOther = await statusOf(b, 'INBOX', { messages: true });
      const inFirst = await statusOf(a, 'INBOX', { messages: true });
      expect(inOther.messages).toBe(1);
      expect(inFirst.messages).toBeGreaterThan(1);
    } finally {
      await Promise.all(clients.splice(0).map(closeQuietly));
      await other.stop();
    }
  });
});

describe('startDovecot failures', () => {
  it('says how to install Dovecot when the binary is missing', async () => {
    await expect(startDovecot({ binary: '/nonexistent/sbin/dovecot' })).rejects.toThrow(
      'Dovecot is not installed: apt-get install dovecot-imapd',
    );
  });

  it('includes Dovecot output when it dies at start', async () => {
    await expect(startDovecot({ extraConfig: 'no_such_setting = 1' })).rejects.toThrow(
      /Dovecot died at start[\s\S]*no_such_setting/,
    );
  });
});

describe('SMTP sink', () => {
  let sink: SmtpSink;
  let transport: Transporter | undefined;

  const smtpTransport = (auth?: { user: string; pass: string }): Transporter => {
    transport = createTransport({
      host: sink.host,
      port: sink.port,
      secure: false,
      ...(auth ? { auth } : {}),
      connectionTimeout: 5_000,
      greetingTimeout: 5_000,
      socketTimeout: 10_000,
    });
    return transport;
  };

  afterEach(async () => {
    transport?.close();
    transport = undefined;
    await sink?.stop();
  });

  it('stores a message with its envelope and exact bytes', async () => {
    sink = await startSmtpSink();
    // Build the message once so the bytes on the wire are known.
    const built = await createTransport({ streamTransport: true, buffer: true }).sendMail({
      from: '窓口 <support@example.jp>',
      to: 'customer@example.com',
      subject: 'Re: お問い合わせの件',
      text: 'ご連絡ありがとうございます。\r\n',
    });
    const raw = built.message as Buffer;

    await smtpTransport().sendMail({
      envelope: { from: 'bounces@example.jp', to: ['customer@example.com', 'archive@example.jp'] },
      raw,
    });
    const [message] = await sink.waitFor(1, 5_000);
    expect(message.envelope).toEqual({
      mailFrom: 'bounces@example.jp',
      rcptTo: ['customer@example.com', 'archive@example.jp'],
    });
    expect(message.raw.toString('latin1')).toBe(raw.toString('latin1'));
    expect(message.receivedAt).toBeInstanceOf(Date);
    expect(message.authUser).toBeUndefined();
  });

  it('puts Bcc recipients in the envelope only', async () => {
    sink = await startSmtpSink();
    await smtpTransport().sendMail({
      from: 'support@example.jp',
      to: 'customer@example.com',
      bcc: 'audit@example.jp',
      subject: 'bcc',
      text: 'x',
    });
    const [message] = await sink.waitFor(1, 5_000);
    expect(message.envelope.rcptTo).toEqual(['customer@example.com', 'audit@example.jp']);
    expect(message.raw.toString()).not.toMatch(/^bcc:/im);
  });

  it('enforces AUTH when configured', async () => {
    sink = await startSmtpSink({ auth: { user: 'relay', pass: 'relay-secret' } });
    const message = { from: 'support@example.jp', to: 'customer@example.com', subject: 'auth', text: 'x' };

    await expect(smtpTransport().sendMail(message)).rejects.toMatchObject({ responseCode: 530 });
    transport?.close();
    await expect(smtpTransport({ user: 'relay', pass: 'wrong' }).sendMail(message)).rejects.toMatchObject({
      code: 'EAUTH',
      responseCode: 535,
    });
    transport?.close();
    await smtpTransport({ user: 'relay', pass: 'relay-secret' }).sendMail(message);

    const messages = await sink.waitFor(1, 5_000);
    expect(messages).toHaveLength(1);
    expect(messages[0].authUser).toBe('relay');
  });

  it('fails the next deliveries on request, then accepts again', async () => {
    sink = await startSmtpSink();
    const send = (subject: string) =>
      smtpTransport().sendMail({
        from: 'support@example.jp',
        to: 'customer@example.com',
        subject,
        text: 'x',
      });

    sink.failNext(1, 451, 'Try again later');
    const temporary: NodemailerError = await send('first try').then(
      () => {
        throw new Error('the first delivery should have been refused');
      },
      (err: NodemailerError) => err,
    );
    expect(temporary.responseCode).toBe(451);
    expect(temporary.response).toContain('Try again later');
    expect(temporary.permanent).toBe(false);

    await send('retry');
    const messages = await sink.waitFor(1, 5_000);
    expect(messages.map((m) => m.raw.toString())).toEqual([expect.stringContaining('Subject: retry')]);

    sink.failNext(1, 550, 'Mailbox unavailable');
    await expect(send('permanent')).rejects.toMatchObject({ responseCode: 550, permanent: true });

    sink.failNext(1, 550, 'No such user', 'RCPT');
    await expect(send('bad recipient')).rejects.toMatchObject({ code: 'EENVELOPE', responseCode: 550 });

    await send('after failures');
    expect(await sink.waitFor(2, 5_000)).toHaveLength(2);
    expect(sink.rejections().map((r) => [r.stage, r.code])).toEqual([
      ['DATA', 451],
      ['DATA', 550],
      ['RCPT', 550],
    ]);
  });

  it('offers STARTTLS only when asked to', async () => {
    sink = await startSmtpSink({ tls: true });
    transport = createTransport({
      host: sink.host,
      port: sink.port,
      secure: false,
      requireTLS: true,
      tls: { rejectUnauthorized: false },
    });
    await transport.sendMail({
      from: 'support@example.jp',
      to: 'customer@example.com',
      subject: 'tls',
      text: 'x',
    });
    expect((await sink.waitFor(1, 5_000))[0].tls).toBe(true);
    transport.close();
    await sink.stop();

    sink = await startSmtpSink();
    await expect(
      smtpTransport().sendMail({
        from: 'support@example.jp',
        to: 'customer@example.com',
        subject: 'plain',
        text: 'x',
      }),
    ).resolves.toBeDefined();
    expect((await sink.waitFor(1, 5_000))[0].tls).toBe(false);
    transport = createTransport({ host: sink.host, port: sink.port, secure: false, requireTLS: true });
    await expect(
      transport.sendMail({ from: 'support@example.jp', to: 'customer@example.com', subject: 'x', text: 'x' }),
    ).rejects.toMatchObject({ code: 'ETLS' });
  });

  it('says how many messages arrived when waitFor times out', async () => {
    sink = await startSmtpSink();
    await expect(sink.waitFor(1, 200)).rejects.toThrow(/expected 1 message\(s\) within 200 ms, received 0/);
  });
});
