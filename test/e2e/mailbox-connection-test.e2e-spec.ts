import { freePort } from '@test/support/dovecot';
import { Session, startTestApp, TestApp } from '@test/support/test-app';
import { createServer, Server, Socket } from 'node:net';

jest.setTimeout(120_000);

/** Words only the foreign servers below say: none of them may come back to the user. */
const MARKER = 'SecretBanner-7f3a';

/** A loopback TCP server that answers each connection with `greeting` (or says nothing at all). */
async function tcpServer(greeting: string | null): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((s) => {
    sockets.add(s);
    s.on('error', () => undefined);
    s.on('close', () => sockets.delete(s));
    if (greeting !== null) s.write(greeting);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return {
    port: (server.address() as { port: number }).port,
    close: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}

/**
 * The settings' "test connection" pointed at things that are not mail servers: it must say
 * what it found in its own words (never echo what the other side said, which would make it a
 * banner grabber for any host and port), be limited per user, and polling on demand needs the
 * manage right.
 */
describe('mailbox connection test and on-demand polling', () => {
  let t: TestApp;
  let admin: Session;
  let http: Awaited<ReturnType<typeof tcpServer>>;
  let ssh: Awaited<ReturnType<typeof tcpServer>>;
  let silent: Awaited<ReturnType<typeof tcpServer>>;
  let closedPort: number;
  let seq = 0;

  const mailbox = async (session: Session, settings: { imap?: object; smtp?: object }) =>
    (await session.post('/api/mailboxes', { name: `接続テスト${++seq}`, address: `conn-${seq}@example.jp`, ...settings }).expect(201)).body.id as number;
  const imapAt = (port: number) => ({ imap: { host: '127.0.0.1', port, secure: false, user: 'u', password: 'p' } });
  const smtpAt = (port: number) => ({ smtp: { host: '127.0.0.1', port, secure: false } });

  beforeAll(async () => {
    [http, ssh, silent, closedPort] = await Promise.all([
      tcpServer(`HTTP/1.1 400 Bad Request\r\nServer: ${MARKER}/1.0\r\nContent-Length: 0\r\n\r\n`),
      tcpServer(`SSH-2.0-${MARKER}\r\n`),
      tcpServer(null),
      freePort(),
    ]);
    t = await startTestApp('sqlite', { MAIL_CONNECTION_TEST_TIMEOUT_SECONDS: 1, MAIL_CONNECTION_TEST_LIMIT: 6, MAIL_CONNECTION_TEST_WINDOW_MINUTES: 10 });
    admin = await t.login();
  });
  afterAll(async () => {
    await t?.close();
    await Promise.all([http?.close(), ssh?.close(), silent?.close()]);
  });

  it('says "not an IMAP server" / "not an SMTP server" for an HTTP or SSH banner, without the banner', async () => {
    const id = await mailbox(admin, { ...imapAt(http.port), ...smtpAt(ssh.port) });
    const res = await admin.post(`/api/mailboxes/${id}/test`).expect(200);
    expect(res.body.imap).toMatchObject({ ok: false, verdict: 'not_imap' });
    expect(res.body.smtp).toMatchObject({ ok: false, verdict: 'not_smtp' });
    expect(res.body.imap.error).toMatch(/not an IMAP server/i);
    expect(JSON.stringify(res.body)).not.toContain(MARKER);
    expect(JSON.stringify(res.body)).not.toMatch(/HTTP\/1\.1|SSH-2\.0|Bad Request/);

    const swapped = await mailbox(admin, { ...imapAt(ssh.port), ...smtpAt(http.port) });
    const res2 = await admin.post(`/api/mailboxes/${swapped}/test`).expect(200);
    expect(res2.body).toMatchObject({ imap: { ok: false, verdict: 'not_imap' }, smtp: { ok: false, verdict: 'not_smtp' } });
    expect(JSON.stringify(res2.body)).not.toContain(MARKER);
  });

  it('says "refused" for a closed port and "timed out" for a server that never answers', async () => {
    const closed = await mailbox(admin, { ...imapAt(closedPort), ...smtpAt(closedPort) });
    const refused = await admin.post(`/api/mailboxes/${closed}/test`).expect(200);
    expect(refused.body).toMatchObject({ imap: { ok: false, verdict: 'refused' }, smtp: { ok: false, verdict: 'refused' } });

    const quiet = await mailbox(admin, { ...imapAt(silent.port), ...smtpAt(silent.port) });
    const started = Date.now();
    const timedOut = await admin.post(`/api/mailboxes/${quiet}/test`).expect(200);
    expect(timedOut.body).toMatchObject({ imap: { ok: false, verdict: 'timed_out' }, smtp: { ok: false, verdict: 'timed_out' } });
    // One second each, as configured, not the clients' own 15 seconds.
    expect(Date.now() - started).toBeLessThan(6_000);
  });

  it('refuses the test beyond the limit per user with a 429 that says when to try again; other users are not held up', async () => {
    // Two tests ran in each test above: this user has used 4 of 6.
    const id = await mailbox(admin, imapAt(closedPort));
    await admin.post(`/api/mailboxes/${id}/test`).expect(200);
    await admin.post(`/api/mailboxes/${id}/test`).expect(200);
    const over = await admin.post(`/api/mailboxes/${id}/test`).expect(429);
    expect(over.body).toMatchObject({ error: 'CONNECTION_TEST_LIMIT' });
    expect(over.body.message).toMatch(/connection tests/i);
    expect(Number(over.headers['retry-after'])).toBeGreaterThan(0);

    const group = await admin.post('/api/groups', { name: '接続テスト管理', rights: [], mailboxRights: [{ mailboxId: id, view: true, reply: true, approve: true, manage: true }] }).expect(201);
    await admin.post('/api/users', { email: 'other-admin@test.local', name: '別の管理者', password: 'other-admin-pass-1', groupIds: [group.body.id] }).expect(201);
    const other = await t.login('other-admin@test.local', 'other-admin-pass-1');
    await other.post(`/api/mailboxes/${id}/test`).expect(200);
  });

  it('lets only users with the manage right poll a mailbox on demand: view-only 403, hidden 404', async () => {
    const id = await mailbox(admin, {});
    const hidden = await mailbox(admin, {});
    const group = await admin.post('/api/groups', { name: '閲覧のみ', rights: [], mailboxRights: [{ mailboxId: id, view: true, reply: true, approve: false, manage: false }] }).expect(201);
    await admin.post('/api/users', { email: 'viewer@test.local', name: '閲覧者', password: 'viewer-pass-1', groupIds: [group.body.id] }).expect(201);
    const viewer = await t.login('viewer@test.local', 'viewer-pass-1');
    const refused = await viewer.post(`/api/mailboxes/${id}/poll`).expect(403);
    expect(refused.body).toMatchObject({ error: 'RIGHT_REQUIRED', params: { right: 'manage' } });
    await viewer.post(`/api/mailboxes/${hidden}/poll`).expect(404);
    await viewer.post(`/api/mailboxes/${id}/test`).expect(403);
    await admin.post(`/api/mailboxes/${id}/poll`).expect(202);
  });
});
