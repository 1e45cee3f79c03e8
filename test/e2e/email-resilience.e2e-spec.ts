import { OutboxDispatcher } from '@madoguchi/core';
import { ImapPoller, IntakeService, SmtpIntakeServer } from '@madoguchi/mail';
import { ChildProcess, spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createTransport } from 'nodemailer';
import { DataSource } from 'typeorm';
import { createTestDatabase } from '@test/support/databases';
import { appendMessage, connectImap, DovecotServer, freePort, startDovecot } from '@test/support/dovecot';
import { rawMail } from '@test/support/mail-builder';
import { SmtpSink, startSmtpSink } from '@test/support/smtp-sink';
import { ADMIN_EMAIL, ADMIN_PASSWORD, Session, startTestApp, TestApp } from '@test/support/test-app';
import { TicketChanged, TicketEvents } from '@madoguchi/tickets';

jest.setTimeout(120_000);

const PASSWORD = 'imap-pass-2';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until<T>(what: string, fn: () => Promise<T | undefined | false>, timeoutMs = 20_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

describe('email intake under concurrency, crashes and push delivery', () => {
  let dovecot: DovecotServer;
  let sink: SmtpSink;

  beforeAll(async () => {
    [dovecot, sink] = await Promise.all([startDovecot(), startSmtpSink()]);
  });
  afterAll(async () => {
    await Promise.all([dovecot?.stop(), sink?.stop()]);
  });

  async function mailbox(admin: Session, user: string, extra: object = {}) {
    await dovecot.addUser(user, PASSWORD);
    const res = await admin
      .post('/api/mailboxes', { name: user, address: user, imap: { host: dovecot.host, port: dovecot.port, secure: false, user, password: PASSWORD }, smtp: { host: sink.host, port: sink.port, secure: false }, ...extra })
      .expect(201);
    return res.body.id as number;
  }

  async function messageIdsOfTickets(admin: Session, mailboxId: number): Promise<string[]> {
    const list = (await admin.get('/api/tickets').query({ mailboxId, pageSize: 200 }).expect(200)).body;
    const ids: string[] = [];
    for (const item of list.items) {
      const d = await admin.get(`/api/tickets/${item.id}`).expect(200);
      for (const a of d.body.articles) if (a.direction === 'inbound') ids.push(a.messageId);
    }
    return ids.sort();
  }

  it('two running instances on one database file each message exactly once', async () => {
    const a = await startTestApp('mariadb', { ROLES: 'web,worker', INSTANCE_ID: 'instance-a' });
    const b = await startTestApp('mariadb', { ROLES: 'web,worker', INSTANCE_ID: 'instance-b' }, a.db);
    try {
      const admin = await a.login();
      const user = 'shared@example.jp';
      const mailboxId = await mailbox(admin, user, { pollIntervalSec: 10 });
      const expected: string[] = [];
      for (let i = 0; i < 30; i++) {
        const id = `shared-${i}@example.jp`;
        expected.push(id);
        await appendMessage(dovecot, user, PASSWORD, 'INBOX', rawMail({ from: `c${i}@example.jp`, to: user, subject: `並行 ${i}`, body: `本文 ${i}`, messageId: id }));
        // Both instances also poll by hand while IDLE and the schedulers run.
        if (i % 5 === 0) await Promise.all([a.app.get(ImapPoller).poll(mailboxId), b.app.get(ImapPoller).poll(mailboxId)]);
      }
      await until('all 30 tickets', async () => (await admin.get('/api/tickets').query({ mailboxId }).expect(200)).body.total >= 30);
      await sleep(2_500);
      expect(await messageIdsOfTickets(admin, mailboxId)).toEqual(expected.sort());
      const rows = await a.app.get(DataSource).query('SELECT state, COUNT(*) AS n FROM raw_message WHERE mailbox_id = ? GROUP BY state', [mailboxId]);
      expect(rows.map((r: { state: string; n: string }) => [r.state, Number(r.n)])).toEqual([['ingested', 30]]);
    } finally {
      await b.close();
      await a.close();
    }
  });

  it.each(['mariadb', 'sqlite'] as const)('tells the consoles on one instance of tickets another instance filed, once each (%s)', async (kind) => {
    const a = await startTestApp(kind, { INSTANCE_ID: 'web-a' });
    const b = await startTestApp(kind, { INSTANCE_ID: 'worker-b' }, a.db);
    const seen: TicketChanged[] = [];
    const off = a.app.get(TicketEvents).subscribe((e) => seen.push(e));
    try {
      const admin = await a.login();
      const user = `live-${kind}@example.jp`;
      const mailboxId = await mailbox(admin, user, { pollIntervalSec: 600 });
      const file = (app: TestApp, id: string) => app.app.get(IntakeService).ingest({ id: mailboxId, address: user }, rawMail({ from: 'live-customer@example.jp', to: user, subject: `ライブ ${id}`, body: '本文', messageId: id }), { kind: 'smtp' });
      const remote = await file(b, 'live-remote@example.jp');
      await until('instance A to hear of the ticket instance B filed', async () => seen.some((e) => e.ticketId === remote.ticketId), 5_000);
      expect(seen.find((e) => e.ticketId === remote.ticketId)).toEqual({ type: 'ticket', ticketId: remote.ticketId, mailboxId });
      // A's own change is told by A when it commits, and not a second time from the database.
      const own = await file(a, 'live-own@example.jp');
      await sleep(2_500);
      expect(seen.filter((e) => e.ticketId === own.ticketId)).toHaveLength(1);
      expect(seen.filter((e) => e.ticketId === remote.ticketId)).toHaveLength(1);
      // A follow-up on the remote ticket is news again.
      await b.app.get(IntakeService).ingest({ id: mailboxId, address: user }, rawMail({ from: 'live-customer@example.jp', to: user, subject: 'Re: ライブ', body: '追記', messageId: 'live-remote-2@example.jp', inReplyTo: 'live-remote@example.jp' }), { kind: 'smtp' });
      await until('the follow-up', async () => seen.filter((e) => e.ticketId === remote.ticketId).length === 2, 5_000);
    } finally {
      off();
      await b.close();
      await a.close();
    }
  });

  it('brings new mail in within about a second through IMAP IDLE', async () => {
    const t = await startTestApp('sqlite', { ROLES: 'web,worker' });
    try {
      const admin = await t.login();
      const user = 'idle@example.jp';
      const mailboxId = await mailbox(admin, user, { pollIntervalSec: 600 });
      await until('the first poll and an IDLE connection', async () => (await admin.get(`/api/mailboxes/${mailboxId}/status`).expect(200)).body.idle);
      const started = Date.now();
      await appendMessage(dovecot, user, PASSWORD, 'INBOX', rawMail({ from: 'fast@example.jp', to: user, subject: 'すぐ届く', body: 'IDLE', messageId: 'idle-1@example.jp' }));
      await until('the ticket', async () => (await admin.get('/api/tickets').query({ mailboxId }).expect(200)).body.total === 1, 5_000);
      // The poll interval is ten minutes: only IDLE can have brought it this fast.
      expect(Date.now() - started).toBeLessThan(3_000);
    } finally {
      await t.close();
    }
  });

  it('files mail pushed by SMTP (direct delivery) and refuses unknown recipients', async () => {
    const port = await freePort();
    const t = await startTestApp('sqlite', { ROLES: 'web,worker', MAIL_INTAKE_SMTP_PORT: port });
    try {
      const admin = await t.login();
      const box = await admin.post('/api/mailboxes', { name: '直接配送', address: 'push@example.jp' }).expect(201);
      expect(t.app.get(SmtpIntakeServer).port).toBe(port);
      const transport = createTransport({ host: '127.0.0.1', port, secure: false, ignoreTLS: true });
      await transport.sendMail({ from: '佐藤 <sato@example.jp>', to: 'push@example.jp', subject: 'プッシュ配送のテスト', text: '届きますか', messageId: '<push-1@example.jp>' });
      // The same message pushed twice is filed once.
      await transport.sendMail({ from: '佐藤 <sato@example.jp>', to: 'push@example.jp', subject: 'プッシュ配送のテスト', text: '届きますか', messageId: '<push-1@example.jp>', date: undefined });
      const list = (await admin.get('/api/tickets').query({ mailboxId: box.body.id }).expect(200)).body;
      expect(list.total).toBe(1);
      expect(list.items[0]).toMatchObject({ subject: 'プッシュ配送のテスト', from: { address: 'sato@example.jp', name: '佐藤' } });
      await expect(transport.sendMail({ from: 'x@example.jp', to: 'nobody@example.jp', subject: 'x', text: 'x' })).rejects.toMatchObject({ responseCode: 550 });
      transport.close();

      // This mailbox has no SMTP account: outside production a reply is kept locally (captured), not refused.
      const before = sink.messages().length;
      const reply = await admin.post(`/api/tickets/${list.items[0].id}/replies`, { to: ['sato@example.jp'], text: '控えに残る返信' }).expect(201);
      await until('the captured reply', async () => {
        const d = (await admin.get(`/api/tickets/${list.items[0].id}`).expect(200)).body;
        return d.articles.find((a: { id: number; status: string }) => a.id === reply.body.articleId && a.status === 'captured');
      });
      expect(sink.messages()).toHaveLength(before);
    } finally {
      await t.close();
    }
  });

  it('files the whole fixture corpus through the real pipeline without crashing or losing a message', async () => {
    const t = await startTestApp('mariadb');
    try {
      const admin = await t.login();
      const box = await admin.post('/api/mailboxes', { name: 'コーパス', address: 'corpus@example.jp' }).expect(201);
      const dir = resolve(__dirname, '../fixtures/mail');
      const files = readdirSync(dir).filter((f) => f.endsWith('.eml')).sort();
      expect(files.length).toBeGreaterThan(20);
      const intake = t.app.get(IntakeService);
      const states: Record<string, string> = {};
      for (const f of files) states[f] = (await intake.ingest({ id: box.body.id, address: 'corpus@example.jp' }, readFileSync(join(dir, f)), { kind: 'smtp' })).state;
      expect(Object.values(states).every((s) => s === 'ingested')).toBe(true);
      const list = (await admin.get('/api/tickets').query({ mailboxId: box.body.id, pageSize: 200 }).expect(200)).body;
      // The reply chain shares one ticket; bounces and auto-replies join the ticket they concern when it is here.
      const chain = list.items.filter((x: { subject: string }) => /見積/.test(x.subject));
      expect(chain.length).toBeGreaterThan(0);
      const raw = await t.app.get(DataSource).query('SELECT COUNT(*) AS n FROM raw_message WHERE mailbox_id = ?', [box.body.id]);
      expect(Number(raw[0].n)).toBe(files.length);
    } finally {
      await t.close();
    }
  });

  it('keeps pushed mail over the size limit raw and flagged instead of refusing it', async () => {
    const port = await freePort();
    const t = await startTestApp('sqlite', { ROLES: 'web,worker', MAIL_INTAKE_SMTP_PORT: port, MAIL_MAX_MESSAGE_MB: 1 });
    try {
      const admin = await t.login();
      const box = await admin.post('/api/mailboxes', { name: '大きい', address: 'big-push@example.jp' }).expect(201);
      const transport = createTransport({ host: '127.0.0.1', port, secure: false, ignoreTLS: true });
      await transport.sendMail({ from: 'big@example.jp', to: 'big-push@example.jp', subject: '大きな添付', text: 'x', attachments: [{ filename: 'big.bin', content: Buffer.alloc(1_500_000, 1) }] });
      await expect(
        transport.sendMail({ from: 'huge@example.jp', to: 'big-push@example.jp', subject: '大きすぎ', text: 'x', attachments: [{ filename: 'huge.bin', content: Buffer.alloc(4_500_000, 1) }] }),
      ).rejects.toMatchObject({ responseCode: 552 });
      transport.close();
      const q = await admin.get(`/api/mailboxes/${box.body.id}/quarantine`).expect(200);
      expect(q.body.map((r: { state: string }) => r.state)).toEqual(['oversized']);
    } finally {
      await t.close();
    }
  });

  it('accepts LMTP delivery when configured', async () => {
    const port = await freePort();
    const t = await startTestApp('sqlite', { ROLES: 'web,worker', MAIL_INTAKE_SMTP_PORT: port, MAIL_INTAKE_LMTP: true });
    try {
      const admin = await t.login();
      const box = await admin.post('/api/mailboxes', { name: 'LMTP', address: 'lmtp@example.jp' }).expect(201);
      const transport = createTransport({ host: '127.0.0.1', port, lmtp: true, secure: false, ignoreTLS: true });
      await transport.sendMail({ from: 'ito@example.jp', to: 'lmtp@example.jp', subject: 'LMTPで配送', text: 'テスト' });
      transport.close();
      const list = (await admin.get('/api/tickets').query({ mailboxId: box.body.id }).expect(200)).body;
      expect(list.items.map((x: { subject: string }) => x.subject)).toEqual(['LMTPで配送']);
    } finally {
      await t.close();
    }
  });

  it('attaches auto-replies and bounces to the ticket they concern without reopening it', async () => {
    const t = await startTestApp('mariadb');
    try {
      const admin = await t.login();
      const user = 'loops@example.jp';
      const mailboxId = await mailbox(admin, user);
      const poll = () => t.app.get(ImapPoller).poll(mailboxId);
      await appendMessage(dovecot, user, PASSWORD, 'INBOX', rawMail({ from: 'kimura@example.jp', to: user, subject: '質問', body: '教えてください', messageId: 'loop-q@example.jp' }));
      await poll();
      const ticket = (await admin.get('/api/tickets').query({ mailboxId }).expect(200)).body.items[0];
      const reply = await admin.post(`/api/tickets/${ticket.id}/replies`, { to: ['kimura@example.jp'], text: '回答です' }).expect(201);
      await t.app.get(OutboxDispatcher).dispatchDue();
      expect((await admin.get(`/api/tickets/${ticket.id}`).expect(200)).body.state).toBe('handled');

      await appendMessage(dovecot, user, PASSWORD, 'INBOX', rawMail({ from: 'kimura@example.jp', to: user, subject: '自動返信: 不在です', body: '休暇中です', messageId: 'loop-ooo@example.jp', inReplyTo: reply.body.messageId, headers: { 'Auto-Submitted': 'auto-replied' } }));
      const bounce = [
        'From: Mail Delivery System <MAILER-DAEMON@mx.example.jp>',
        `To: ${user}`,
        'Subject: Undelivered Mail Returned to Sender',
        'Message-ID: <loop-bounce@mx.example.jp>',
        'MIME-Version: 1.0',
        'Content-Type: multipart/report; report-type=delivery-status; boundary="B"',
        '',
        '--B',
        'Content-Type: text/plain',
        '',
        'The mail could not be delivered.',
        '--B',
        'Content-Type: message/delivery-status',
        '',
        'Reporting-MTA: dns; mx.example.jp',
        '',
        'Final-Recipient: rfc822; kimura@example.jp',
        'Action: failed',
        'Status: 5.1.1',
        'Diagnostic-Code: smtp; 550 5.1.1 User unknown',
        '--B',
        'Content-Type: text/rfc822-headers',
        '',
        `Message-ID: <${reply.body.messageId}>`,
        `From: ${user}`,
        'Subject: Re: 質問',
        '--B--',
        '',
      ].join('\r\n');
      await appendMessage(dovecot, user, PASSWORD, 'INBOX', bounce);
      await poll();
      const list = (await admin.get('/api/tickets').query({ mailboxId }).expect(200)).body;
      expect(list.total).toBe(1);
      const d = (await admin.get(`/api/tickets/${ticket.id}`).expect(200)).body;
      expect(d.state).toBe('handled');
      expect(d.articles.map((a: { kind: string; classification: string | null }) => [a.kind, a.classification])).toEqual([
        ['email', 'normal'],
        ['email', null],
        ['email', 'auto_reply'],
        ['bounce', 'bounce'],
      ]);
    } finally {
      await t.close();
    }
  });

  /**
   * A real server process (the built one, worker role) on the test app's database, intake of
   * `total` messages under way, killed with SIGKILL. Returns what the caller needs to go on.
   */
  const main = resolve(__dirname, '../../dist/apps/server/main.js');
  const children: ChildProcess[] = [];
  function server(t: TestApp, instanceId: string): ChildProcess {
    const child = spawn(process.execPath, [main], {
      cwd: resolve(__dirname, '../..'),
      env: {
        PATH: process.env.PATH,
        NODE_ENV: 'test',
        DATABASE_URL: t.db.url,
        SECRET_KEY: t.config.secretKey.toString('hex'),
        STORAGE_DIR: t.config.storage.dir,
        PORT: '0',
        HOST: '127.0.0.1',
        ROLES: 'worker',
        MAIL_INTAKE_SMTP_PORT: '0',
        DEMO_DATA: 'false',
        INSTANCE_ID: instanceId,
      },
      stdio: 'ignore',
    });
    children.push(child);
    return child;
  }
  const killed = (child: ChildProcess) => new Promise((r) => (child.exitCode !== null || child.signalCode !== null ? r(null) : child.once('exit', r)));
  afterEach(() => {
    for (const c of children.splice(0)) c.kill('SIGKILL');
  });

  async function crashMidIntake(t: TestApp, user: string, total: number) {
    if (!existsSync(main)) throw new Error('The server is not built: run npm run build:server (npm test does it)');
    const admin = await t.login();
    const mailboxId = await mailbox(admin, user, { pollIntervalSec: 600 });
    const tag = user.split('@')[0];
    const expected: string[] = [];
    const appender = await connectImap(dovecot, user, PASSWORD, { disableAutoIdle: true });
    for (let i = 0; i < total; i++) {
      expected.push(`${tag}-${i}@example.jp`);
      await appender.append('INBOX', rawMail({ from: `k${i}@example.jp`, to: user, subject: `クラッシュ ${i}`, body: 'x'.repeat(2000), messageId: expected[i] }));
    }
    await appender.logout();
    const ds = t.app.get(DataSource);
    const count = async () => Number((await ds.query('SELECT COUNT(*) AS n FROM raw_message WHERE mailbox_id = ?', [mailboxId]))[0].n);
    const child = server(t, 'doomed');
    for (const end = Date.now() + 60_000; (await count()) < 20; await sleep(5)) if (Date.now() > end) throw new Error('timed out waiting for intake to be under way');
    child.kill('SIGKILL');
    const killedAt = Date.now();
    await killed(child);
    const [lease] = await ds.query('SELECT lease_owner AS owner, lease_until AS until FROM mail_intake_state WHERE mailbox_id = ?', [mailboxId]);
    const atKill = await count();
    expect(atKill).toBeLessThan(total);
    // The dead process's lease: its own, short, and kept alive by its heartbeat up to the kill.
    expect(lease.owner).toBe('doomed');
    const leaseUntil = new Date(lease.until).getTime();
    expect(leaseUntil).toBeGreaterThan(killedAt);
    expect(leaseUntil).toBeLessThanOrEqual(killedAt + 20_000 + 1_000);
    return { admin, ds, mailboxId, expected, count, atKill, killedAt, leaseUntil };
  }

  /** Every message on exactly one ticket of its own (read in the database: 1,500 ticket views would be slow). */
  async function expectExactlyOnce(ds: DataSource, admin: Session, mailboxId: number, expected: string[]) {
    const filed = await ds.query("SELECT a.message_id AS id FROM article a JOIN ticket t ON t.id = a.ticket_id WHERE t.mailbox_id = ? AND a.direction = 'inbound' ORDER BY a.message_id", [mailboxId]);
    expect(filed.map((r: { id: string }) => r.id)).toEqual([...expected].sort());
    expect(Number((await ds.query('SELECT COUNT(*) AS n FROM ticket WHERE mailbox_id = ?', [mailboxId]))[0].n)).toBe(expected.length);
    const states = await ds.query('SELECT state, COUNT(*) AS n FROM raw_message WHERE mailbox_id = ? GROUP BY state', [mailboxId]);
    expect(states.map((r: { state: string; n: string }) => [r.state, Number(r.n)])).toEqual([['ingested', expected.length]]);
    const listed = (await admin.get('/api/tickets').query({ mailboxId, pageSize: 1 }).expect(200)).body;
    expect(listed.total).toBe(expected.length);
  }

  /** Restarts a built server and says when it filed its first message (ms since epoch), then waits for the rest. */
  async function restartAndFinish(t: TestApp, instanceId: string, c: Awaited<ReturnType<typeof crashMidIntake>>) {
    server(t, instanceId);
    let resumedAt = 0;
    for (const end = c.killedAt + 60_000; !resumedAt; await sleep(50)) {
      if ((await c.count()) > c.atKill) resumedAt = Date.now();
      else if (Date.now() > end) throw new Error('the restarted server did not resume intake within a minute');
    }
    await until('all mail filed by the restarted server', async () => (await c.count()) >= c.expected.length, 60_000);
    // Done when the restarted server has finished its poll and let the lease go.
    await until('the poll to end', async () => (await c.ds.query('SELECT lease_owner AS owner FROM mail_intake_state WHERE mailbox_id = ?', [c.mailboxId]))[0].owner === null, 30_000);
    return resumedAt;
  }

  it('a process killed in the middle of intake loses and duplicates nothing', async () => {
    const t = await startTestApp('mariadb');
    try {
      const c = await crashMidIntake(t, 'crash@example.jp', 1500);
      // The dead instance's lease must expire before another instance may take the mailbox.
      expect((await t.app.get(ImapPoller).poll(c.mailboxId)).status).toBe('leased-elsewhere');
      await c.ds.query('UPDATE mail_intake_state SET lease_until = ? WHERE mailbox_id = ?', [new Date(Date.now() - 1000), c.mailboxId]);
      const res = await t.app.get(ImapPoller).poll(c.mailboxId);
      expect(res.status).toBe('done');
      await expectExactlyOnce(c.ds, c.admin, c.mailboxId, c.expected);
    } finally {
      await t.close();
    }
  }, 180_000);

  it('after a kill -9, a restarted server with another instance id resumes within 30 s once the short lease runs out', async () => {
    const t = await startTestApp('mariadb');
    try {
      const c = await crashMidIntake(t, 'crash-other@example.jp', 1500);
      const resumedAt = await restartAndFinish(t, 'successor', c);
      expect(resumedAt - c.killedAt).toBeLessThan(30_000);
      // It waited for the dead lease to run out rather than fetching beside it.
      expect(resumedAt).toBeGreaterThan(c.leaseUntil);
      await expectExactlyOnce(c.ds, c.admin, c.mailboxId, c.expected);
    } finally {
      await t.close();
    }
  }, 180_000);

  it('after a kill -9, a restarted server with the same INSTANCE_ID takes its lease back at once', async () => {
    const t = await startTestApp('mariadb');
    try {
      const c = await crashMidIntake(t, 'crash-same@example.jp', 1500);
      const resumedAt = await restartAndFinish(t, 'doomed', c);
      // Before the dead process's lease would have run out: taken back, not waited for.
      expect(resumedAt).toBeLessThan(c.leaseUntil);
      await expectExactlyOnce(c.ds, c.admin, c.mailboxId, c.expected);
    } finally {
      await t.close();
    }
  }, 180_000);

  it('keeps the lease alive by heartbeat through a stalled commit, and stops cleanly when another instance takes it', async () => {
    const t = await startTestApp('mariadb');
    try {
      const admin = await t.login();
      const user = 'heartbeat@example.jp';
      const mailboxId = await mailbox(admin, user, { pollIntervalSec: 600 });
      const total = 1500;
      const expected: string[] = [];
      const appender = await connectImap(dovecot, user, PASSWORD, { disableAutoIdle: true });
      for (let i = 0; i < total; i++) {
        expected.push(`beat-${i}@example.jp`);
        await appender.append('INBOX', rawMail({ from: `h${i}@example.jp`, to: user, subject: `鼓動 ${i}`, body: 'x'.repeat(2000), messageId: expected[i] }));
      }
      await appender.logout();
      const ds = t.app.get(DataSource);
      const count = async () => Number((await ds.query('SELECT COUNT(*) AS n FROM raw_message WHERE mailbox_id = ?', [mailboxId]))[0].n);
      const lease = async () => (await ds.query('SELECT lease_owner AS owner, lease_until AS until, heartbeat_at AS beat FROM mail_intake_state WHERE mailbox_id = ?', [mailboxId]))[0];
      const polled = t.app.get(ImapPoller).poll(mailboxId);
      await until('intake to be under way', async () => (await count()) >= 20, 30_000);
      // Another connection holds the cursor row: the poll's next commit waits on it, 9 s, longer than
      // two heartbeats; the lease must be renewed meanwhile all the same.
      const blocker = ds.createQueryRunner();
      await blocker.connect();
      await blocker.startTransaction();
      await blocker.query('SELECT last_uid FROM mailbox_cursor WHERE mailbox_id = ? FOR UPDATE', [mailboxId]);
      const stalledAt = Date.now();
      const atStall = await lease();
      await sleep(9_000);
      const during = await lease();
      expect(during.owner).toBe(atStall.owner);
      expect(new Date(during.beat).getTime()).toBeGreaterThan(stalledAt + 3_000);
      expect(new Date(during.until).getTime()).toBeGreaterThan(Date.now() + 10_000);
      // Another instance takes the mailbox over (as if this one had been presumed dead).
      await ds.query('UPDATE mail_intake_state SET lease_owner = ?, lease_until = ? WHERE mailbox_id = ?', ['thief', new Date(Date.now() + 60_000), mailboxId]);
      await sleep(5_000);
      await blocker.commitTransaction();
      await blocker.release();
      const res = await polled;
      expect(res.status).toBe('lease-lost');
      expect(res.fetched).toBeLessThan(total);
      // The lost poll neither released nor overwrote the new holder's lease, and filed nothing more.
      expect((await lease()).owner).toBe('thief');
      const afterLoss = await count();
      await sleep(1_000);
      expect(await count()).toBe(afterLoss);
      // When the new holder lets go, the next poll files the rest, each message once.
      await ds.query('UPDATE mail_intake_state SET lease_owner = NULL, lease_until = NULL WHERE mailbox_id = ?', [mailboxId]);
      expect((await t.app.get(ImapPoller).poll(mailboxId)).status).toBe('done');
      await expectExactlyOnce(ds, admin, mailboxId, expected);
    } finally {
      await t.close();
    }
  }, 180_000);
});
