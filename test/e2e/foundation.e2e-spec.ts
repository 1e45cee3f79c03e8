import { DB_KINDS } from '@test/support/databases';
import { ADMIN_EMAIL, ADMIN_PASSWORD, startTestApp, TestApp } from '@test/support/test-app';

jest.setTimeout(60_000);

describe.each(DB_KINDS)('API on %s', (kind) => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp(kind, { LOGIN_MAX_FAILURES: 3 });
  });
  afterAll(async () => {
    await t?.close();
  });

  describe('health and docs', () => {
    it('reports the database up', async () => {
      const res = await t.http.get('/api/health').expect(200);
      expect(res.body).toEqual({ status: 'ok', db: 'up' });
    });

    it('serves the OpenAPI document and its UI to signed-in staff', async () => {
      const s = await t.login();
      const doc = await s.get('/api/docs-json').expect(200);
      expect(doc.body.paths['/api/customers']).toBeDefined();
      expect(doc.body.paths['/api/auth/login']).toBeDefined();
      await s.get('/api/docs').expect(200);
      await t.http.get('/api/docs-json').expect(401);
    });
  });

  describe('authentication', () => {
    it('refuses unauthenticated calls with 401', async () => {
      const res = await t.http.get('/api/customers').expect(401);
      expect(res.body.message).toBeTruthy();
    });

    it('signs in with a session cookie and refuses a wrong password', async () => {
      const res = await t.http.post('/api/auth/login').send({ email: ADMIN_EMAIL, password: ADMIN_PASSWORD }).expect(200);
      const cookies = ([] as string[]).concat(res.headers['set-cookie']);
      expect(cookies.find((c) => c.startsWith('madoguchi_session='))).toMatch(/HttpOnly/i);
      expect(res.body.user.isAdmin).toBe(true);
      await t.http.post('/api/auth/login').send({ email: ADMIN_EMAIL, password: 'wrong' }).expect(401);
    });

    it('demands the CSRF header on state-changing cookie requests', async () => {
      const s = await t.login();
      await s.get('/api/customers').expect(200);
      const login = await t.http.post('/api/auth/login').send({ email: ADMIN_EMAIL, password: ADMIN_PASSWORD }).expect(200);
      const cookie = ([] as string[]).concat(login.headers['set-cookie']).map((c) => c.split(';')[0]).join('; ');
      const withoutHeader = await t.http.post('/api/customers').set('Cookie', cookie).send({ lastName: 'x' }).expect(403);
      expect(withoutHeader.body.message).toMatch(/X-XSRF-TOKEN/);
      await t.http.post('/api/customers').set('Cookie', cookie).set('X-XSRF-TOKEN', 'forged').send({ lastName: 'x' }).expect(403);
      await t.http.post('/api/customers').set('Cookie', 'madoguchi_session=forged').send({ lastName: 'x' }).expect(401);
      const res = await s.post('/api/customers', { lastName: '検証' }).expect(201);
      expect(res.body.code).toMatch(/^\d+$/);
    });

    it('limits failed logins per account with 429 and a readable message', async () => {
      const email = 'limited@test.local';
      const s = await t.login();
      await s.post('/api/users', { email, name: '制限', password: 'right-password', groupIds: [] }).expect(201);
      for (let i = 0; i < 3; i++) await t.http.post('/api/auth/login').send({ email, password: 'nope' }).expect(401);
      const res = await t.http.post('/api/auth/login').send({ email, password: 'right-password' }).expect(429);
      expect(res.body.message).toMatch(/Try again in/);
      expect(res.headers['retry-after']).toBeDefined();
      await t.http.post('/api/auth/tokens').send({ email, password: 'right-password' }).expect(429);
    });

    it('issues bearer tokens that work without cookies and can be revoked', async () => {
      const res = await t.http.post('/api/auth/tokens').send({ email: ADMIN_EMAIL, password: ADMIN_PASSWORD, name: 'script' }).expect(201);
      const token: string = res.body.token;
      expect(token).toMatch(/^mdg_/);
      await t.http.get('/api/customers').set('Authorization', `Bearer ${token}`).expect(200);
      await t.http.post('/api/customers').set('Authorization', `Bearer ${token}`).send({ lastName: 'トークン' }).expect(201);
      const list = await t.http.get('/api/auth/tokens').set('Authorization', `Bearer ${token}`).expect(200);
      const mine = list.body.find((x: { name: string }) => x.name === 'script');
      expect(mine.prefix).toBe(token.slice(0, 12));
      expect(JSON.stringify(list.body)).not.toContain(token);
      await t.http.delete(`/api/auth/tokens/${mine.id}`).set('Authorization', `Bearer ${token}`).expect(204);
      await t.http.get('/api/customers').set('Authorization', `Bearer ${token}`).expect(401);
    });

    it('lets a signed-in user make a token for themselves', async () => {
      const s = await t.login();
      const res = await s.post('/api/auth/tokens', { name: 'console' }).expect(201);
      await t.http.get('/api/auth/me').set('Authorization', `Bearer ${res.body.token}`).expect(200);
      // Neither credentials nor a sign-in: refused.
      await t.http.post('/api/auth/tokens').send({ name: 'anonymous' }).expect(401);
    });

    it('signs out', async () => {
      const s = await t.login();
      await s.post('/api/auth/logout').expect(204);
      await s.get('/api/auth/me').expect(401);
    });
  });

  describe('users, groups and rights', () => {
    it('gives a user exactly the rights of their groups', async () => {
      const admin = await t.login();
      const mailbox = await admin.post('/api/mailboxes', { name: '営業', address: 'sales@example.jp' }).expect(201);
      const readers = await admin
        .post('/api/groups', {
          name: '閲覧のみ',
          rights: ['customers.read'],
          mailboxRights: [{ mailboxId: mailbox.body.id, view: true, reply: false, approve: false, manage: false }],
        })
        .expect(201);
      expect(readers.body.mailboxRights).toEqual([{ mailboxId: mailbox.body.id, view: true, reply: false, approve: false, manage: false }]);
      await admin.post('/api/users', { email: 'Reader@Test.local', name: '読者', password: 'reader-pass-1', groupIds: [readers.body.id] }).expect(201);

      const reader = await t.login('reader@test.local', 'reader-pass-1');
      const me = await reader.get('/api/auth/me').expect(200);
      expect(me.body.rights).toEqual(['customers.read']);
      expect(me.body.mailboxRights).toEqual([{ mailboxId: mailbox.body.id, view: true, reply: false, approve: false, manage: false }]);
      await reader.get('/api/customers').expect(200);
      const denied = await reader.post('/api/customers', { lastName: '不可' }).expect(403);
      expect(denied.body.message).toMatch(/customers\.write/);
      await reader.get('/api/users').expect(403);
      const boxes = await reader.get('/api/mailboxes').expect(200);
      expect(boxes.body.map((b: { id: number }) => b.id)).toEqual([mailbox.body.id]);

      await admin.patch(`/api/groups/${readers.body.id}`, { rights: ['customers.read', 'customers.write'] }).expect(200);
      await reader.post('/api/customers', { lastName: '可能' }).expect(201);
    });

    it('hides mailboxes the user cannot view (404, not 403)', async () => {
      const admin = await t.login();
      const hidden = await admin.post('/api/mailboxes', { name: '秘密', address: 'secret@example.jp' }).expect(201);
      await admin.post('/api/users', { email: 'nobody@test.local', name: '無権限', password: 'nobody-pass-1', groupIds: [] }).expect(201);
      const nobody = await t.login('nobody@test.local', 'nobody-pass-1');
      await nobody.get(`/api/mailboxes/${hidden.body.id}`).expect(404);
      await nobody.get('/api/customers').expect(403);
    });

    it('validates bodies with a message per field and refuses duplicates', async () => {
      const admin = await t.login();
      const bad = await admin.post('/api/users', { email: 'not-an-email', name: '', password: 'short', groupIds: [999] }).expect(400);
      expect(Object.keys(bad.body.fields).sort()).toEqual(['email', 'name', 'password']);
      const unknownGroup = await admin.post('/api/users', { email: 'g@test.local', name: 'G', password: 'long-enough', groupIds: [999] }).expect(400);
      expect(unknownGroup.body.fields.groupIds[0]).toMatch(/999/);
      await admin.post('/api/users', { email: ADMIN_EMAIL.toUpperCase(), name: 'dup', password: 'long-enough', groupIds: [] }).expect(409);
      const badRight = await admin.post('/api/groups', { name: 'x', rights: ['root'] }).expect(400);
      expect(badRight.body.fields.rights).toBeDefined();
      await admin.patch('/api/groups/99999', { name: 'y' }).expect(404);
      const badMailbox = await admin
        .post('/api/groups', { name: 'z', rights: [], mailboxRights: [{ mailboxId: 4242, view: true, reply: false, approve: false, manage: false }] })
        .expect(400);
      expect(badMailbox.body.fields.mailboxRights[0]).toMatch(/4242/);
    });

    it('gives every refusal a stable code, and field problems as codes with params beside the English', async () => {
      const admin = await t.login();
      const bad = await admin.post('/api/users', { email: 'not-an-email', name: 'x'.repeat(101), password: 'short', groupIds: [] }).expect(400);
      expect(bad.body.error).toBe('VALIDATION_FAILED');
      expect(bad.body.fieldCodes.email).toEqual([{ code: 'EMAIL' }]);
      expect(bad.body.fieldCodes.name).toContainEqual({ code: 'MAX_LENGTH', params: { max: 100 } });
      expect(bad.body.fields.name.length).toBe(bad.body.fieldCodes.name.length);
      const weak = await admin.post('/api/users', { email: 'weak@test.local', name: 'W', password: 'password2024!', groupIds: [] }).expect(400);
      expect(weak.body.fieldCodes.password).toEqual([{ code: 'PASSWORD_COMMON' }]);
      const unknownGroup = await admin.post('/api/users', { email: 'g2@test.local', name: 'G', password: 'long-enough-pass-7', groupIds: [999] }).expect(400);
      expect(unknownGroup.body.fieldCodes.groupIds).toEqual([{ code: 'UNKNOWN_ID', params: { ids: '999' } }]);
      const dupUser = await admin.post('/api/users', { email: ADMIN_EMAIL, name: 'dup', password: 'long-enough-pass-7', groupIds: [] }).expect(409);
      expect(dupUser.body).toMatchObject({ error: 'USER_EXISTS', params: { email: ADMIN_EMAIL } });
      await admin.post('/api/groups', { name: '重複コード', rights: [] }).expect(201);
      const dupGroup = await admin.post('/api/groups', { name: ' 重複コード ', rights: [] }).expect(409);
      expect(dupGroup.body).toMatchObject({ statusCode: 409, error: 'GROUP_EXISTS', params: { name: '重複コード' } });
      expect(dupGroup.body.message).toMatch(/already exists/);
      expect((await admin.patch('/api/groups/99999', { name: 'y' }).expect(404)).body.error).toBe('GROUP_NOT_FOUND');

      await admin.post('/api/users', { email: 'coded@test.local', name: '権限なし', password: 'coded-pass-123', groupIds: [] }).expect(201);
      const nobody = await t.login('coded@test.local', 'coded-pass-123');
      const refused = await nobody.get('/api/customers').expect(403);
      expect(refused.body).toMatchObject({ error: 'RIGHT_REQUIRED', params: { scope: 'global' } });
      expect(refused.body.params.right).toMatch(/customers\.read/);
      expect(refused.body.message).toMatch(/^You need the /);
    });

    it('a deactivated user can no longer sign in, and their session stops working', async () => {
      const admin = await t.login();
      const u = await admin.post('/api/users', { email: 'leaver@test.local', name: '退職', password: 'leaver-pass-1', groupIds: [] }).expect(201);
      const leaver = await t.login('leaver@test.local', 'leaver-pass-1');
      await admin.patch(`/api/users/${u.body.id}`, { active: false }).expect(200);
      await leaver.get('/api/auth/me').expect(401);
      await t.http.post('/api/auth/login').send({ email: 'leaver@test.local', password: 'leaver-pass-1' }).expect(401);
    });

    it('writes an audit entry for every change, without secrets', async () => {
      const admin = await t.login();
      const u = await admin.post('/api/users', { email: 'audited@test.local', name: '監査', password: 'audited-pass-1', groupIds: [] }).expect(201);
      await admin.patch(`/api/users/${u.body.id}`, { name: '監査済', password: 'another-pass-2' }).expect(200);
      const entries = await admin.get(`/api/audit?entity=user&entityId=${u.body.id}`).expect(200);
      expect(entries.body.map((e: { action: string }) => e.action)).toEqual(['update+password', 'create']);
      expect(entries.body[0].before.name).toBe('監査');
      expect(entries.body[0].after.name).toBe('監査済');
      expect(entries.body[0].actor).toBe(ADMIN_EMAIL);
      expect(JSON.stringify(entries.body)).not.toContain('another-pass-2');
      expect(JSON.stringify(entries.body)).not.toContain('scrypt$');
    });
  });
});
