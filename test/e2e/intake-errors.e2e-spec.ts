import { SecretBox } from '@madoguchi/core';
import { ImapPoller } from '@madoguchi/mail';
import { DataSource } from 'typeorm';
import { DB_KINDS } from '@test/support/databases';
import { DovecotServer, freePort, startDovecot } from '@test/support/dovecot';
import { SmtpSink, startSmtpSink } from '@test/support/smtp-sink';
import { Session, startTestApp, TestApp } from '@test/support/test-app';

jest.setTimeout(120_000);

const PASSWORD = 'intake-pass-1';
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

/** A sealed secret under another SECRET_KEY: what a mailbox holds after the key was changed. */
const foreignSecret = () => new SecretBox({ secretKey: Buffer.alloc(32, 7) }).seal(PASSWORD);

let dovecot: DovecotServer;
let sink: SmtpSink;
let seq = 0;

beforeAll(async () => {
  [dovecot, sink] = await Promise.all([startDovecot(), startSmtpSink()]);
});
afterAll(async () => {
  await Promise.all([dovecot?.stop(), sink?.stop()]);
});

const imapOf = (user: string, extra: object = {}) => ({ host: dovecot.host, port: dovecot.port, secure: false, user, password: PASSWORD, ...extra });

async function mailbox(admin: Session, imap: object, extra: object = {}): Promise<number> {
  const n = ++seq;
  const res = await admin.post('/api/mailboxes', { name: `受信エラー${n}`, address: `intake-error-${n}@example.jp`, pollIntervalSec: 600, imap, ...extra }).expect(201);
  return res.body.id as number;
}

/**
 * A mailbox whose polls fail says so with a stable code (the console words it), never "receiving"
 * with no error: host not found, sign-in refused, a stored password that no longer decrypts.
 */
describe.each(DB_KINDS)('intake errors are recorded with a stable code (%s)', (kind) => {
  let t: TestApp;
  let admin: Session;

  beforeAll(async () => {
    t = await startTestApp(kind);
    admin = await t.login();
  });
  afterAll(async () => {
    await t?.close();
  });

  const status = async (id: number) => (await admin.get(`/api/mailboxes/${id}/status`).expect(200)).body;
  const poll = (id: number) => t.app.get(ImapPoller).poll(id);

  it('records IMAP_HOST_NOT_FOUND for a host that does not resolve, with the host to word it', async () => {
    const id = await mailbox(admin, { host: 'imap.does-not-exist.invalid', port: 993, secure: true, user: 'u', password: 'p' });
    expect(await status(id)).toMatchObject({ state: 'receiving', lastErrorCode: null, consecutiveFailures: 0 });
    expect((await poll(id)).status).toBe('failed');
    const s = await status(id);
    expect(s).toMatchObject({
      state: 'failing',
      lastErrorCode: 'IMAP_HOST_NOT_FOUND',
      consecutiveFailures: 1,
      endpoint: { host: 'imap.does-not-exist.invalid', port: 993 },
    });
    expect(s.lastErrorAt).toBeTruthy();
    expect(new Date(s.nextPollAt).getTime()).toBeGreaterThan(Date.now());
    await poll(id);
    expect(await status(id)).toMatchObject({ lastErrorCode: 'IMAP_HOST_NOT_FOUND', consecutiveFailures: 2 });
  });

  it('records IMAP_AUTH_FAILED for a wrong password, and a successful poll clears it', async () => {
    const user = `auth-${kind}@example.jp`;
    await dovecot.addUser(user, 'another-password');
    const id = await mailbox(admin, imapOf(user));
    await poll(id);
    expect(await status(id)).toMatchObject({ state: 'failing', lastErrorCode: 'IMAP_AUTH_FAILED', consecutiveFailures: 1 });

    await dovecot.addUser(user, PASSWORD);
    expect((await poll(id)).status).toBe('done');
    const s = await status(id);
    expect(s).toMatchObject({ state: 'receiving', lastErrorCode: null, lastError: null, lastErrorAt: null, consecutiveFailures: 0 });
    expect(s.lastFetchAt).toBeTruthy();
  });

  it('records IMAP_CONNECTION_REFUSED for a closed port and IMAP_FOLDER_MISSING for a folder that does not exist', async () => {
    const refused = await mailbox(admin, { host: '127.0.0.1', port: await freePort(), secure: false, user: 'u', password: 'p' });
    await poll(refused);
    expect(await status(refused)).toMatchObject({ state: 'failing', lastErrorCode: 'IMAP_CONNECTION_REFUSED' });

    const user = `folder-${kind}@example.jp`;
    await dovecot.addUser(user, PASSWORD);
    const missing = await mailbox(admin, imapOf(user, { folder: 'NoSuchFolder' }));
    await poll(missing);
    expect(await status(missing)).toMatchObject({ state: 'failing', lastErrorCode: 'IMAP_FOLDER_MISSING' });
  });

  it('polls a mailbox whose stored password cannot be decrypted and records SECRET_UNREADABLE; a new password fixes it', async () => {
    const user = `secret-${kind}@example.jp`;
    await dovecot.addUser(user, PASSWORD);
    const id = await mailbox(admin, imapOf(user));
    await t.app.get(DataSource).query('UPDATE mailbox SET imap_secret = ? WHERE id = ?', [foreignSecret(), id]);

    // Through the scheduler, as the console's "fetch now" does: failed and recorded, not skipped.
    await admin.post(`/api/mailboxes/${id}/poll`).expect(202);
    const s = await until('the failure to be recorded', async () => {
      const st = await status(id);
      return st.consecutiveFailures > 0 && st;
    });
    expect(s).toMatchObject({ state: 'failing', lastErrorCode: 'SECRET_UNREADABLE' });
    expect(s.lastError).toMatch(/decrypt/i);

    // The connection test says the same instead of failing with a 500.
    const test = await admin.post(`/api/mailboxes/${id}/test`).expect(200);
    expect(test.body.imap).toMatchObject({ ok: false, verdict: 'secret_unreadable' });

    await admin.patch(`/api/mailboxes/${id}`, { imap: imapOf(user) }).expect(200);
    expect((await poll(id)).status).toBe('done');
    expect(await status(id)).toMatchObject({ state: 'receiving', lastErrorCode: null, consecutiveFailures: 0 });
  });

  it('says paused for an inactive mailbox and not_configured for one without IMAP', async () => {
    const paused = await mailbox(admin, { host: 'imap.paused.invalid', port: 993, secure: true, user: 'u', password: 'p' }, { active: false });
    expect(await status(paused)).toMatchObject({ state: 'paused' });
    const noImap = (await admin.post('/api/mailboxes', { name: '送信専用', address: `send-only-${kind}@example.jp` }).expect(201)).body.id;
    expect(await status(noImap)).toMatchObject({ state: 'not_configured', endpoint: null });
  });
});

describe('the worker polls a mailbox whose stored password cannot be decrypted', () => {
  it('records SECRET_UNREADABLE from its own schedule, and keeps polling the other mailboxes', async () => {
    const t = await startTestApp('sqlite', { ROLES: 'web,worker' });
    try {
      const admin = await t.login();
      const good = `worker-good@example.jp`;
      const bad = `worker-bad@example.jp`;
      await dovecot.addUser(good, PASSWORD);
      await dovecot.addUser(bad, PASSWORD);
      const badId = await mailbox(admin, imapOf(bad), { active: false });
      await t.app.get(DataSource).query('UPDATE mailbox SET imap_secret = ? WHERE id = ?', [foreignSecret(), badId]);
      await t.app.get(DataSource).query('UPDATE mailbox SET active = ? WHERE id = ?', [1, badId]);
      const goodId = await mailbox(admin, imapOf(good));
      await until(
        'the bad mailbox failed and the good one fetched with IDLE',
        async () => {
          const [b, g] = await Promise.all([badId, goodId].map(async (id) => (await admin.get(`/api/mailboxes/${id}/status`).expect(200)).body));
          return b.lastErrorCode === 'SECRET_UNREADABLE' && g.lastFetchAt && g.idle;
        },
        30_000,
      );
    } finally {
      await t.close();
    }
  });
});

/** 接続テスト on settings not saved yet (a new mailbox), and on changed settings of a saved one. */
describe('connection test of unsaved settings', () => {
  let t: TestApp;
  let admin: Session;
  const user = 'unsaved@example.jp';

  beforeAll(async () => {
    t = await startTestApp('sqlite', { MAIL_CONNECTION_TEST_LIMIT: 100 });
    admin = await t.login();
    await dovecot.addUser(user, PASSWORD);
  });
  afterAll(async () => {
    await t?.close();
  });

  it('tries IMAP and SMTP settings that are not saved: connected, or auth_failed for a wrong password', async () => {
    const ok = await admin.post('/api/mailboxes/test', { imap: imapOf(user), smtp: { host: sink.host, port: sink.port, secure: false } }).expect(200);
    expect(ok.body).toMatchObject({ imap: { ok: true, verdict: 'connected' }, smtp: { ok: true, verdict: 'connected' } });

    const wrong = await admin.post('/api/mailboxes/test', { imap: imapOf(user, { password: 'wrong-password' }) }).expect(200);
    expect(wrong.body).toMatchObject({ imap: { ok: false, verdict: 'auth_failed' }, smtp: null });

    const host = await admin.post('/api/mailboxes/test', { imap: { host: 'imap.nowhere.invalid', port: 993, secure: true, user: 'u', password: 'p' } }).expect(200);
    expect(host.body.imap).toMatchObject({ ok: false, verdict: 'host_not_found' });
  });

  it('refuses anonymous callers (401) and users without the admin right (403)', async () => {
    await t.http.post('/api/mailboxes/test').send({ imap: imapOf(user) }).expect(401);
    const id = await mailbox(admin, imapOf(user));
    const group = await admin.post('/api/groups', { name: '設定担当', rights: [], mailboxRights: [{ mailboxId: id, view: true, reply: true, approve: true, manage: true }] }).expect(201);
    await admin.post('/api/users', { email: 'manager@test.local', name: '設定担当者', password: 'manager-pass-1', groupIds: [group.body.id] }).expect(201);
    const manager = await t.login('manager@test.local', 'manager-pass-1');
    const refused = await manager.post('/api/mailboxes/test', { imap: imapOf(user) }).expect(403);
    expect(refused.body).toMatchObject({ error: 'RIGHT_REQUIRED', params: { right: 'admin' } });
    // Their own mailbox's changed settings they may test.
    await manager.post(`/api/mailboxes/${id}/test`, { imap: imapOf(user) }).expect(200);
  });

  it('answers 400 with a message for bad settings', async () => {
    const cases: [object, RegExp][] = [
      [{ imap: imapOf(user, { port: 0 }) }, /port/],
      [{ imap: imapOf(user, { host: 'h'.repeat(256) }) }, /host/],
      [{ imap: { port: 143, secure: false, user, password: PASSWORD } }, /host/],
      [{ smtp: { host: sink.host, port: 70000, secure: false } }, /port/],
      [{ imap: imapOf(user, { password: undefined }) }, /password/],
      [{}, /imap|smtp/],
    ];
    for (const [body, message] of cases) {
      const res = await admin.post('/api/mailboxes/test', body).expect(400);
      expect(res.body.message).toMatch(message);
    }
  });

  it('tries changed settings of a saved mailbox, with the stored password while host and user stay, without saving them', async () => {
    const closed = await freePort();
    const id = await mailbox(admin, imapOf(user, { port: closed }));
    const changed = { host: dovecot.host, port: dovecot.port, secure: false, user };
    const res = await admin.post(`/api/mailboxes/${id}/test`, { imap: changed }).expect(200);
    expect(res.body.imap).toMatchObject({ ok: true, verdict: 'connected' });
    const wrong = await admin.post(`/api/mailboxes/${id}/test`, { imap: { ...changed, password: 'wrong-password' } }).expect(200);
    expect(wrong.body.imap).toMatchObject({ ok: false, verdict: 'auth_failed' });
    // The stored password is not carried to another host (or for another user) without saving.
    const elsewhere = await admin.post(`/api/mailboxes/${id}/test`, { imap: { ...changed, host: 'localhost' } }).expect(400);
    expect(elsewhere.body.fields).toHaveProperty(['imap.password']);
    await admin.post(`/api/mailboxes/${id}/test`, { imap: { ...changed, user: 'someone-else' } }).expect(400);
    // Nothing was saved: the empty body tests the stored settings.
    const saved = await admin.post(`/api/mailboxes/${id}/test`).expect(200);
    expect(saved.body.imap).toMatchObject({ ok: false, verdict: 'refused' });
    expect((await admin.get(`/api/mailboxes/${id}`).expect(200)).body.imap.port).toBe(closed);
  });
});
