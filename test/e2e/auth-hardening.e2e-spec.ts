import { UsersService } from '@madoguchi/auth';
import { cookieOf } from '@test/support/sse';
import { Clock } from '@madoguchi/core';
import { TicketEvents } from '@madoguchi/tickets';
import { DB_KINDS } from '@test/support/databases';
import { ADMIN_EMAIL, ADMIN_PASSWORD, Session, startTestApp, TestApp } from '@test/support/test-app';
import { get, IncomingMessage } from 'node:http';
import { AddressInfo } from 'node:net';
import { DataSource } from 'typeorm';

jest.setTimeout(90_000);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A real SSE connection to the listening app: what it received, and whether the server closed it. */
interface Stream {
  data: string[];
  closed: boolean;
  stop(): void;
}

async function openStream(port: number, cookie: string): Promise<Stream> {
  return new Promise((resolve, reject) => {
    const s: Stream = { data: [], closed: false, stop: () => undefined };
    const req = get({ host: '127.0.0.1', port, path: '/api/events', headers: { Cookie: cookie, Accept: 'text/event-stream' } }, (res: IncomingMessage) => {
      if (res.statusCode !== 200) return reject(new Error(`stream answered ${res.statusCode}`));
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        for (const line of chunk.split('\n')) if (line.startsWith('data: ')) s.data.push(line.slice(6));
        if (chunk.includes(': connected')) resolve(s);
      });
      res.on('end', () => (s.closed = true));
      res.on('close', () => (s.closed = true));
    });
    req.on('error', (e) => (s.closed ? undefined : reject(e)));
    s.stop = () => req.destroy();
  });
}

function sessionCookie(res: { headers: Record<string, unknown> }): string {
  return ([] as string[]).concat(res.headers['set-cookie'] as string[]).find((c) => c.startsWith('madoguchi_session=')) ?? '';
}

describe.each(DB_KINDS)('sign-in, sessions, tokens and passwords on %s', (kind) => {
  let t: TestApp;
  let admin: Session;
  let port: number;

  beforeAll(async () => {
    t = await startTestApp(kind, { LOGIN_MAX_FAILURES: 3, TRUSTED_PROXIES: '127.0.0.1' });
    admin = await t.login();
    const server = t.app.getHttpServer();
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    // Streams a failing test left open would hold the server's close() up.
    t?.app.getHttpServer().closeAllConnections();
    await t?.close();
  });

  let n = 0;
  const newUser = async (groupIds: number[] = [], password = 'staff-pass-long-1') => {
    const email = `user${++n}-${kind}@test.local`;
    const res = await admin.post('/api/users', { email, name: `利用者${n}`, password, groupIds }).expect(201);
    return { id: res.body.id as number, email, password };
  };

  describe('passwords', () => {
    it('applies one rule wherever a password is set: 10 to 128 characters, not a common password', async () => {
      const tooShort = await admin.post('/api/users', { email: 'short@test.local', name: 'x', password: 'nine-char', groupIds: [] }).expect(400);
      expect(tooShort.body.fields.password[0]).toMatch(/10/);
      const common = await admin.post('/api/users', { email: 'common@test.local', name: 'x', password: 'password1234', groupIds: [] }).expect(400);
      expect(common.body.fields.password[0]).toMatch(/common/i);
      await admin.post('/api/users', { email: 'common2@test.local', name: 'x', password: 'Qwertyuiop', groupIds: [] }).expect(400);
      await admin.post('/api/users', { email: 'long@test.local', name: 'x', password: 'x'.repeat(100) + 'y'.repeat(29), groupIds: [] }).expect(400);
      const ok = await admin.post('/api/users', { email: 'long-ok@test.local', name: 'x', password: 'k7'.repeat(64), groupIds: [] }).expect(201);
      await admin.patch(`/api/users/${ok.body.id}`, { password: 'iloveyou12' }).expect(400);
    });

    it('lets any staff member change their own password, ending their other sessions but not this one', async () => {
      const u = await newUser();
      const here = await t.login(u.email, u.password);
      const elsewhere = await t.login(u.email, u.password);

      const wrong = await here.post('/api/auth/password', { currentPassword: 'not-my-password', newPassword: 'a-new-secret-42' }).expect(400);
      expect(wrong.body.error).toBe('WRONG_PASSWORD');
      const weak = await here.post('/api/auth/password', { currentPassword: u.password, newPassword: 'short' }).expect(400);
      expect(weak.body.fields.newPassword).toBeDefined();
      await here.post('/api/auth/password', { currentPassword: u.password, newPassword: 'password1234' }).expect(400);
      await elsewhere.get('/api/auth/me').expect(200);

      await here.post('/api/auth/password', { currentPassword: u.password, newPassword: 'a-new-secret-42' }).expect(204);
      await here.get('/api/auth/me').expect(200);
      await elsewhere.get('/api/auth/me').expect(401);
      await t.http.post('/api/auth/login').send({ email: u.email, password: u.password }).expect(401);
      await t.login(u.email, 'a-new-secret-42');
    });

    it('ends all sessions of a user whose password an administrator resets', async () => {
      const u = await newUser();
      const s = await t.login(u.email, u.password);
      await admin.patch(`/api/users/${u.id}`, { password: 'reset-by-admin-1' }).expect(200);
      await s.get('/api/auth/me').expect(401);
      await admin.get('/api/auth/me').expect(200);
    });
  });

  describe('live-event streams', () => {
    let mailboxId: number;
    beforeAll(async () => {
      mailboxId = (await admin.post('/api/mailboxes', { name: `ライブ${kind}`, address: `live-${kind}@example.jp` }).expect(201)).body.id;
    });
    const groupWithView = async (name: string) =>
      (
        await admin
          .post('/api/groups', { name, rights: [], mailboxRights: [{ mailboxId, view: true, reply: false, approve: false, manage: false }] })
          .expect(201)
      ).body.id as number;

    it('stops telling a stream about a mailbox once the right to see it is removed', async () => {
      const groupId = await groupWithView(`閲覧-${kind}`);
      const u = await newUser([groupId]);
      const stream = await openStream(port, await cookieOf(t, u.email, u.password));
      const events = t.app.get(TicketEvents);
      try {
        events.changed(1001, mailboxId);
        await sleep(200);
        expect(stream.data.map((d) => JSON.parse(d).ticketId)).toEqual([1001]);

        await admin.patch(`/api/groups/${groupId}`, { mailboxRights: [] }).expect(200);
        events.changed(1002, mailboxId);
        await sleep(300);
        events.changed(1003, mailboxId);
        await sleep(300);
        expect(stream.data.map((d) => JSON.parse(d).ticketId)).toEqual([1001]);
      } finally {
        stream.stop();
      }
    });

    it('sees a right granted while it is open', async () => {
      const groupId = await admin.post('/api/groups', { name: `後から-${kind}`, rights: [] }).expect(201);
      const u = await newUser([groupId.body.id]);
      const stream = await openStream(port, await cookieOf(t, u.email, u.password));
      try {
        await admin.patch(`/api/groups/${groupId.body.id}`, { mailboxRights: [{ mailboxId, view: true, reply: false, approve: false, manage: false }] }).expect(200);
        t.app.get(TicketEvents).changed(2001, mailboxId);
        await sleep(300);
        expect(stream.data.map((d) => JSON.parse(d).ticketId)).toEqual([2001]);
      } finally {
        stream.stop();
      }
    });

    it('closes the stream when the user is disabled, the session signed out or the password reset', async () => {
      const groupId = await groupWithView(`閉じる-${kind}`);
      const u = await newUser([groupId]);
      const disabled = await openStream(port, await cookieOf(t, u.email, u.password));
      await admin.patch(`/api/users/${u.id}`, { active: false }).expect(200);
      await sleep(300);
      expect(disabled.closed).toBe(true);

      const v = await newUser([groupId]);
      const reset = await openStream(port, await cookieOf(t, v.email, v.password));
      await admin.patch(`/api/users/${v.id}`, { password: 'reset-by-admin-2' }).expect(200);
      await sleep(300);
      expect(reset.closed).toBe(true);

      const cookie = await cookieOf(t, v.email, 'reset-by-admin-2');
      const out = await openStream(port, cookie);
      const csrf = /XSRF-TOKEN=([^;]+)/.exec(cookie)![1];
      await t.http.post('/api/auth/logout').set('Cookie', cookie).set('X-XSRF-TOKEN', csrf).expect(204);
      await sleep(300);
      expect(out.closed).toBe(true);
    });
  });

  describe('API tokens', () => {
    it('expire after 90 days by default, show expiry and last use, and can be revoked', async () => {
      const created = await admin.post('/api/auth/tokens', { name: 'ninety' }).expect(201);
      const token: string = created.body.token;
      const clock = t.app.get(Clock);
      const start = clock.now().getTime();
      let list = await admin.get('/api/auth/tokens').expect(200);
      let row = list.body.find((x: { id: number }) => x.id === created.body.id);
      expect(row.lastUsedAt).toBeNull();
      const expires = new Date(row.expiresAt).getTime();
      expect(Math.abs(expires - (start + 90 * 86400_000))).toBeLessThan(60_000);

      await t.http.get('/api/auth/me').set('Authorization', `Bearer ${token}`).expect(200);
      list = await admin.get('/api/auth/tokens').expect(200);
      row = list.body.find((x: { id: number }) => x.id === created.body.id);
      expect(row.lastUsedAt).not.toBeNull();

      const spy = jest.spyOn(clock, 'now').mockReturnValue(new Date(start + 91 * 86400_000));
      try {
        const res = await t.http.get('/api/auth/me').set('Authorization', `Bearer ${token}`).expect(401);
        expect(res.body.message).toMatch(/expired/i);
      } finally {
        spy.mockRestore();
      }
    });

    it('takes a chosen expiry or none', async () => {
      const week = await admin.post('/api/auth/tokens', { name: 'week', expiresInDays: 7 }).expect(201);
      const never = await admin.post('/api/auth/tokens', { name: 'never', expiresInDays: null }).expect(201);
      await admin.post('/api/auth/tokens', { name: 'bad', expiresInDays: 0 }).expect(400);
      const list = await admin.get('/api/auth/tokens').expect(200);
      const byId = (id: number) => list.body.find((x: { id: number }) => x.id === id);
      expect(new Date(byId(week.body.id).expiresAt).getTime() - Date.now()).toBeGreaterThan(6.9 * 86400_000);
      expect(byId(never.body.id).expiresAt).toBeNull();
      await admin.delete(`/api/auth/tokens/${never.body.id}`).expect(204);
      await t.http.get('/api/auth/me').set('Authorization', `Bearer ${never.body.token}`).expect(401);
    });
  });

  describe('login throttling', () => {
    const from = (ip: string) => ({ 'X-Forwarded-For': ip });

    it('does not let failures from one address block the right password from another', async () => {
      const u = await newUser();
      for (let i = 0; i < 3; i++) await t.http.post('/api/auth/login').set(from('203.0.113.5')).send({ email: u.email, password: 'wrong-guess' }).expect(401);
      await t.http.post('/api/auth/login').set(from('203.0.113.5')).send({ email: u.email, password: u.password }).expect(429);
      await t.http.post('/api/auth/login').set(from('198.51.100.7')).send({ email: u.email, password: u.password }).expect(200);
      // And the owner's success elsewhere does not lift the limit on the attacker's address.
      await t.http.post('/api/auth/login').set(from('203.0.113.5')).send({ email: u.email, password: u.password }).expect(429);
    });

    it('slows an address down across accounts, and waits grow with each further failure', async () => {
      const clock = t.app.get(Clock);
      const base = clock.now().getTime();
      let offset = 0;
      const spy = jest.spyOn(clock, 'now').mockImplementation(() => new Date(base + offset));
      try {
        const victim = await newUser();
        const ip = from('192.0.2.77');
        // 3 × 4 = 12 failures from one address over many accounts.
        for (let i = 0; i < 12; i++) await t.http.post('/api/auth/login').set(ip).send({ email: `nobody${i}@test.local`, password: 'wrong-guess' }).expect(401);
        const limited = await t.http.post('/api/auth/login').set(ip).send({ email: victim.email, password: victim.password }).expect(429);
        expect(limited.body.error).toBe('TOO_MANY_ATTEMPTS');
        await t.http.post('/api/auth/login').set(from('192.0.2.78')).send({ email: victim.email, password: victim.password }).expect(200);

        const other = await newUser();
        const ip2 = from('192.0.2.90');
        for (let i = 0; i < 3; i++) await t.http.post('/api/auth/login').set(ip2).send({ email: other.email, password: 'wrong-guess' }).expect(401);
        const first = Number((await t.http.post('/api/auth/login').set(ip2).send({ email: other.email, password: 'x' }).expect(429)).headers['retry-after']);
        offset += first * 1000 + 1000;
        await t.http.post('/api/auth/login').set(ip2).send({ email: other.email, password: 'wrong-again' }).expect(401);
        const second = Number((await t.http.post('/api/auth/login').set(ip2).send({ email: other.email, password: other.password }).expect(429)).headers['retry-after']);
        expect(second).toBeGreaterThan(first);
        offset += second * 1000 + 1000;
        await t.http.post('/api/auth/login').set(ip2).send({ email: other.email, password: other.password }).expect(200);
      } finally {
        spy.mockRestore();
      }
    });
  });

  describe('cookies', () => {
    it('marks session cookies Secure when a trusted proxy says the client came over HTTPS', async () => {
      const plain = await t.http.post('/api/auth/login').send({ email: ADMIN_EMAIL, password: ADMIN_PASSWORD }).expect(200);
      expect(sessionCookie(plain)).not.toMatch(/Secure/i);
      const https = await t.http.post('/api/auth/login').set('X-Forwarded-Proto', 'https').send({ email: ADMIN_EMAIL, password: ADMIN_PASSWORD }).expect(200);
      expect(sessionCookie(https)).toMatch(/;\s*Secure/i);
    });
  });

  describe('never without an administrator', () => {
    it('refuses changes that would leave no active administrator, with the code LAST_ADMIN', async () => {
      const groups = await admin.get('/api/groups').expect(200);
      const adminGroup = groups.body.find((g: { rights: string[] }) => g.rights.includes('admin'));
      const me = await admin.get('/api/auth/me').expect(200);

      const del = await admin.delete(`/api/groups/${adminGroup.id}`).expect(409);
      expect(del.body.error).toBe('LAST_ADMIN');
      expect(del.body.message).toMatch(/administrator/i);
      expect((await admin.patch(`/api/groups/${adminGroup.id}`, { rights: ['customers.read'] }).expect(409)).body.error).toBe('LAST_ADMIN');
      expect((await admin.patch(`/api/users/${me.body.id}`, { active: false }).expect(409)).body.error).toBe('LAST_ADMIN');
      expect((await admin.patch(`/api/users/${me.body.id}`, { groupIds: [] }).expect(409)).body.error).toBe('LAST_ADMIN');
      // An administrator who is disabled does not count.
      const idle = await newUser([adminGroup.id]);
      await admin.patch(`/api/users/${idle.id}`, { active: false }).expect(200);
      expect((await admin.patch(`/api/users/${me.body.id}`, { groupIds: [] }).expect(409)).body.error).toBe('LAST_ADMIN');
      await admin.get('/api/users').expect(200);
      await admin.patch(`/api/groups/${adminGroup.id}`, { name: adminGroup.name, rights: ['admin'] }).expect(200);

      // With a second active administrator the same change goes through.
      const second = await newUser([adminGroup.id]);
      const other = await admin.post('/api/groups', { name: `予備管理者-${kind}`, rights: ['admin'] }).expect(201);
      await admin.patch(`/api/users/${second.id}`, { groupIds: [other.body.id] }).expect(200);
      await admin.delete(`/api/groups/${adminGroup.id}`).expect(204);
      const second2 = await t.login(second.email, second.password);
      expect((await second2.delete(`/api/groups/${other.body.id}`).expect(409)).body.error).toBe('LAST_ADMIN');
      await admin.get('/api/users').expect(403);
      await second2.patch(`/api/users/${me.body.id}`, { groupIds: [other.body.id] }).expect(200);
      await admin.get('/api/users').expect(200);
    });

    it('recovers an instance that lost its administrator anyway (admin:reset)', async () => {
      const ds = t.app.get(DataSource);
      const user = await newUser();
      // Whatever happened (a database edit, an old version): no group grants admin any more.
      await ds.query(`UPDATE permission_group SET rights = '[]'`);
      await admin.get('/api/users').expect(403);
      const users = t.app.get(UsersService);
      const printed = await users.resetAdministrator(user.email);
      expect(printed.password.length).toBeGreaterThanOrEqual(10);
      const s = await t.login(user.email, printed.password);
      expect((await s.get('/api/auth/me').expect(200)).body.isAdmin).toBe(true);
      const given = await users.resetAdministrator('new-owner@test.local', 'chosen-owner-pass-1');
      expect(given.created).toBe(true);
      const owner = await t.login('new-owner@test.local', 'chosen-owner-pass-1');
      await owner.get('/api/users').expect(200);
      await expect(users.resetAdministrator(user.email, 'short')).rejects.toThrow(/10/);
    });
  });
});

describe('HTTPS and proxies', () => {
  it('marks cookies Secure behind an HTTPS public URL', async () => {
    const t = await startTestApp('sqlite', { PUBLIC_URL: 'https://madoguchi.example.jp' });
    try {
      const res = await t.http.post('/api/auth/login').send({ email: ADMIN_EMAIL, password: ADMIN_PASSWORD }).expect(200);
      expect(sessionCookie(res)).toMatch(/;\s*Secure/i);
    } finally {
      await t.close();
    }
  });

  it('trust X-Forwarded-For only from the proxies named in TRUSTED_PROXIES (none by default)', async () => {
    const t = await startTestApp('sqlite', { LOGIN_MAX_FAILURES: 2 });
    try {
      // The header is the client's own claim here: new addresses in it do not escape the per-address limit (2 × 4).
      for (let i = 0; i < 8; i++) {
        await t.http.post('/api/auth/login').set('X-Forwarded-For', `203.0.113.${i + 1}`).send({ email: `n${i}@test.local`, password: 'wrong-guess' }).expect(401);
      }
      await t.http.post('/api/auth/login').set('X-Forwarded-For', '198.51.100.1').send({ email: ADMIN_EMAIL, password: ADMIN_PASSWORD }).expect(429);
    } finally {
      await t.close();
    }
  });
});
