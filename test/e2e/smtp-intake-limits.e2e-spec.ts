import { freePort } from '@test/support/dovecot';
import { startTestApp, TestApp } from '@test/support/test-app';
import { existsSync, readdirSync } from 'node:fs';
import { connect, Socket } from 'node:net';
import { join } from 'node:path';
import { createTransport } from 'nodemailer';

jest.setTimeout(180_000);

/** Unref'd, so a timer that lost a race does not keep the test process alive. */
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms).unref());

/** A bare SMTP client on a socket: replies come back as whole (possibly multi-line) responses. */
class RawSmtp {
  private buffer = '';
  private waiting: ((reply: string) => void) | null = null;
  readonly replies: string[] = [];
  closed = false;
  readonly closedAt: Promise<number>;

  private constructor(readonly socket: Socket) {
    socket.setEncoding('latin1');
    socket.on('data', (d: string) => {
      this.buffer += d;
      // A reply ends with a line "NNN text" (a space, not a hyphen, after the code).
      for (let m = /(?:^|\r\n)(\d{3}) [^\r\n]*\r\n/.exec(this.buffer); m; m = /(?:^|\r\n)(\d{3}) [^\r\n]*\r\n/.exec(this.buffer)) {
        const end = m.index + m[0].length;
        const reply = this.buffer.slice(0, end).replace(/^\r\n/, '');
        this.buffer = this.buffer.slice(end);
        this.replies.push(reply);
        const w = this.waiting;
        this.waiting = null;
        w?.(reply);
      }
    });
    socket.on('error', () => undefined);
    this.closedAt = new Promise((resolve) =>
      socket.on('close', () => {
        this.closed = true;
        resolve(Date.now());
        this.waiting?.('');
      }),
    );
  }

  static open(port: number, localAddress = '127.0.0.1'): Promise<RawSmtp> {
    return new Promise((resolve, reject) => {
      const socket = connect({ host: '127.0.0.1', port, localAddress }, () => resolve(new RawSmtp(socket)));
      socket.once('error', reject);
    });
  }

  /** The next reply not yet taken ('' once the server has closed the connection). */
  next(timeoutMs = 10_000): Promise<string> {
    if (this.replies.length > this.taken) return Promise.resolve(this.replies[this.taken++]);
    if (this.closed) return Promise.resolve('');
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no SMTP reply within ${timeoutMs} ms`)), timeoutMs);
      this.waiting = (r) => {
        clearTimeout(timer);
        if (r) this.taken++;
        resolve(r);
      };
    });
  }
  private taken = 0;

  async command(line: string): Promise<string> {
    this.socket.write(`${line}\r\n`);
    return this.next();
  }

  close(): void {
    this.socket.destroy();
  }
}

/**
 * Direct delivery (SMTP push) as a hostile or careless sender uses it: a message far over the
 * size limit, too many connections, connections left idle. The listener must stay within bounded
 * memory and keep serving ordinary mail.
 */
describe('direct delivery limits', () => {
  let t: TestApp;
  let port: number;
  const address = 'limits@example.jp';

  beforeAll(async () => {
    port = await freePort();
    t = await startTestApp('sqlite', {
      ROLES: 'web,worker',
      MAIL_INTAKE_SMTP_PORT: port,
      MAIL_MAX_MESSAGE_MB: 1,
      MAIL_INTAKE_MAX_CONNECTIONS: 3,
      MAIL_INTAKE_MAX_CONNECTIONS_PER_ADDRESS: 2,
      MAIL_INTAKE_IDLE_TIMEOUT_SECONDS: 2,
    });
    const admin = await t.login();
    await admin.post('/api/mailboxes', { name: '直接配送の上限', address }).expect(201);
  });
  afterAll(async () => {
    await t?.close();
  });

  it('advertises the size it refuses above in EHLO', async () => {
    const c = await RawSmtp.open(port);
    try {
      expect(await c.next()).toMatch(/^220 /);
      const ehlo = await c.command('EHLO client.example');
      expect(ehlo).toMatch(/^250[- ]SIZE 4194304\r$/m);
      // A sender that announces a size above it is refused before it sends a byte.
      expect(await c.command('MAIL FROM:<big@example.jp> SIZE=5000000')).toMatch(/^552 /);
    } finally {
      c.close();
    }
  });

  it('answers 552 to a message of hundreds of MB without holding it in memory, and still files the next message', async () => {
    const c = await RawSmtp.open(port);
    const total = 300 * 1024 * 1024;
    let peak = 0;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 50);
    try {
      expect(await c.next()).toMatch(/^220 /);
      await c.command('EHLO client.example');
      expect(await c.command('MAIL FROM:<huge@example.jp>')).toMatch(/^250 /);
      expect(await c.command(`RCPT TO:<${address}>`)).toMatch(/^250 /);
      expect(await c.command('DATA')).toMatch(/^354 /);
      const before = process.memoryUsage().rss;
      peak = before;
      // One chunk of ordinary 78-character lines, written again and again: the bytes are made on
      // the fly, nothing is kept on this side either.
      const line = `${'x'.repeat(76)}\r\n`;
      const body = Buffer.from(line.repeat(Math.floor((256 * 1024) / line.length)));
      const write = (b: Buffer) => new Promise<void>((resolve) => (c.socket.write(b) ? resolve() : c.socket.once('drain', () => resolve())));
      await write(Buffer.from('Subject: huge\r\nFrom: huge@example.jp\r\n\r\n'));
      let sent = 0;
      while (sent < total && !c.closed) {
        await write(body);
        sent += body.length;
      }
      c.socket.write('\r\n.\r\n');
      const reply = await c.next(60_000);
      expect(reply).toMatch(/^552 /);
      peak = Math.max(peak, process.memoryUsage().rss);
      expect(sent).toBeGreaterThanOrEqual(total);
      expect((peak - before) / 1024 / 1024).toBeLessThan(100);
      expect(await c.command('QUIT')).toMatch(/^221 /);
    } finally {
      clearInterval(sampler);
      c.close();
    }

    const transport = createTransport({ host: '127.0.0.1', port, secure: false, ignoreTLS: true });
    try {
      await transport.sendMail({ from: '佐藤 <sato@example.jp>', to: address, subject: '普通の配送', text: '届きますか', messageId: '<limits-normal@example.jp>' });
      // Between the limit and four times it: kept raw and flagged oversized, as before.
      await transport.sendMail({ from: 'big@example.jp', to: address, subject: '大きな添付', text: 'x', attachments: [{ filename: 'big.bin', content: Buffer.alloc(1_500_000, 1) }] });
    } finally {
      transport.close();
    }
    const admin = await t.login();
    const box = (await admin.get('/api/mailboxes').expect(200)).body.find((b: { address: string }) => b.address === address);
    const list = (await admin.get('/api/tickets').query({ mailboxId: box.id }).expect(200)).body;
    expect(list.items.map((x: { subject: string }) => x.subject)).toEqual(['普通の配送']);
    const q = (await admin.get(`/api/mailboxes/${box.id}/quarantine`).expect(200)).body;
    expect(q).toEqual([expect.objectContaining({ state: 'oversized', size: expect.any(Number) })]);
    expect(q[0].size).toBeGreaterThan(1_500_000);
    // The raw message streamed to storage is the whole message, byte for byte.
    const raw = await admin
      .get(`/api/raw-messages/${q[0].id}/raw`)
      .buffer(true)
      .parse((res, done) => {
        const parts: Buffer[] = [];
        res.on('data', (b: Buffer) => parts.push(b));
        res.on('end', () => done(null, Buffer.concat(parts)));
      })
      .expect(200);
    expect((raw.body as Buffer).length).toBe(q[0].size);
    expect((raw.body as Buffer).toString('latin1')).toMatch(/Subject: =\?UTF-8\?[BQ]\?[^\r\n]+\r\n/);
    expect((raw.body as Buffer).toString('latin1').trimEnd()).toMatch(/--$/);
  });

  it('drops what it spooled of a message when the sender goes away in the middle of it', async () => {
    const tmp = join(t.config.storage.dir, 'tmp');
    const c = await RawSmtp.open(port);
    expect(await c.next()).toMatch(/^220 /);
    await c.command('EHLO client.example');
    await c.command('MAIL FROM:<gone@example.jp>');
    await c.command(`RCPT TO:<${address}>`);
    expect(await c.command('DATA')).toMatch(/^354 /);
    const line = `${'y'.repeat(76)}\r\n`;
    // Past the 1 MB limit, so the server has started writing it to storage.
    for (let i = 0; i < 3; i++) await new Promise<void>((resolve) => c.socket.write(line.repeat(15_000), () => resolve()));
    await sleep(300);
    expect(existsSync(tmp) ? readdirSync(tmp) : []).toHaveLength(1);
    c.close();
    await c.closedAt;
    const end = Date.now() + 5_000;
    while (Date.now() < end && readdirSync(tmp).length) await sleep(100);
    expect(readdirSync(tmp)).toEqual([]);
  });

  it('refuses connections over the cap per address and overall with 421', async () => {
    const open: RawSmtp[] = [];
    try {
      for (let i = 0; i < 2; i++) {
        const c = await RawSmtp.open(port, '127.0.0.1');
        open.push(c);
        expect(await c.next()).toMatch(/^220 /);
      }
      // A third from the same address: over the per-address cap.
      const third = await RawSmtp.open(port, '127.0.0.1');
      open.push(third);
      expect(await third.next()).toMatch(/^421 /);
      await third.closedAt;
      // Another address still gets in, up to the overall cap of three.
      const other = await RawSmtp.open(port, '127.0.0.2');
      open.push(other);
      expect(await other.next()).toMatch(/^220 /);
      const fourth = await RawSmtp.open(port, '127.0.0.3');
      open.push(fourth);
      expect(await fourth.next()).toMatch(/^421 /);
      await fourth.closedAt;
      // Closing one frees its place.
      open[0].close();
      await open[0].closedAt;
      await sleep(200);
      const again = await RawSmtp.open(port, '127.0.0.1');
      open.push(again);
      expect(await again.next()).toMatch(/^220 /);
    } finally {
      for (const c of open) c.close();
      await sleep(200);
    }
  });

  it('closes a connection left idle after the timeout', async () => {
    const c = await RawSmtp.open(port);
    try {
      expect(await c.next()).toMatch(/^220 /);
      await c.command('EHLO client.example');
      const started = Date.now();
      const closedAt = await Promise.race([c.closedAt, sleep(8_000).then(() => 0)]);
      expect(closedAt).toBeGreaterThan(0);
      expect(closedAt - started).toBeLessThan(5_000);
      expect(c.replies.at(-1)).toMatch(/^421 /);
    } finally {
      c.close();
    }
  });
});
