import { Clock, OutboxDispatcher } from '@madoguchi/core';
import { DB_KINDS } from '@test/support/databases';
import { SmtpSink, startSmtpSink } from '@test/support/smtp-sink';
import { Session, startTestApp, TestApp } from '@test/support/test-app';
import { simpleParser } from 'mailparser';
import { createHash } from 'node:crypto';
import request from 'supertest';
import { DataSource } from 'typeorm';

jest.setTimeout(180_000);

interface PortalAgent {
  agent: ReturnType<typeof request.agent>;
  csrf: string;
  cookies: string[];
}

/**
 * MYPAGE's customer realm (issue #15 point 1 and the portal auth routes of point 12): invitation
 * from the karte through the outbox, set-password by a one-time link, sign-in with its own
 * cookies, realms kept apart both ways, sign-up with email verification, password reset without
 * telling whether an address exists, disabling that ends sessions at once, and the limits.
 */
describe.each(DB_KINDS)('MYPAGE accounts on %s', (kind) => {
  let sink: SmtpSink;
  let t: TestApp;
  let admin: Session;
  let db: DataSource;
  let seq = 0;
  /** Each test its own client address (TRUSTED_PROXIES=loopback), so per-address limits do not leak between tests. */
  let ip = '';
  const nextIp = () => (ip = `198.51.100.${++seq}`);
  const anon = () => ({
    post: (url: string, body: object) => t.http.post(url).set('X-Forwarded-For', ip).send(body),
  });

  const dispatchAll = async () => {
    while ((await t.app.get(OutboxDispatcher).dispatchDue()) > 0);
  };
  const settle = () => new Promise((r) => setTimeout(r, 300));
  /** The mails that reached the sink after the outbox ran, parsed. */
  const mails = async (count: number) => {
    await dispatchAll();
    const got = await sink.waitFor(count);
    await settle();
    expect(sink.messages()).toHaveLength(count);
    return Promise.all(got.map(async (m) => ({ to: m.envelope.rcptTo, parsed: await simpleParser(m.raw) })));
  };
  const tokenOf = (text: string | undefined) => {
    const base = t.config.http.publicUrl.replace(/\/+$/, '');
    const escaped = base.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    const m = new RegExp(`${escaped}/mypage/set-password\\?token=([A-Za-z0-9_%-]+)`).exec(text ?? '');
    if (!m) throw new Error(`no set-password link in: ${text}`);
    return decodeURIComponent(m[1]);
  };
  const customer = async (lastName: string, email: string | null) =>
    (await admin.post('/api/customers', { lastName, ...(email ? { email } : {}) }).expect(201)).body as {
      id: number;
      code: string;
    };
  const portalLogin = async (email: string, password: string): Promise<PortalAgent> => {
    const agent = request.agent(t.app.getHttpServer());
    const res = await agent
      .post('/api/portal/auth/login')
      .set('X-Forwarded-For', ip)
      .send({ email, password });
    if (res.status !== 200)
      throw new Error(`portal login as ${email}: ${res.status} ${JSON.stringify(res.body)}`);
    const cookies = ([] as string[]).concat(res.headers['set-cookie'] ?? []);
    const csrf = cookies.map((c) => /^PORTAL-XSRF-TOKEN=([^;]+)/.exec(c)?.[1]).find(Boolean) ?? '';
    return { agent, csrf, cookies };
  };
  const inviteAndActivate = async (lastName: string, email: string, password: string) => {
    const c = await customer(lastName, email);
    await admin.post(`/api/customers/${c.id}/portal-invitation`).expect(201);
    const [mail] = await mails(1);
    sink.clear();
    await anon()
      .post('/api/portal/auth/set-password', { token: tokenOf(mail.parsed.text), password })
      .expect(200);
    return c;
  };

  beforeAll(async () => {
    sink = await startSmtpSink();
    t = await startTestApp(kind, { LOGIN_MAX_FAILURES: 3, TRUSTED_PROXIES: 'loopback' });
    admin = await t.login();
    db = t.app.get(DataSource);
    await admin
      .post('/api/mailboxes', {
        name: 'マイページ窓口',
        address: `mypage-${kind}@example.jp`,
        smtp: { host: sink.host, port: sink.port, secure: false },
      })
      .expect(201);
  });
  beforeEach(() => {
    sink.clear();
    nextIp();
  });
  afterEach(() => jest.restoreAllMocks());
  afterAll(async () => {
    await t?.close();
    await sink?.stop();
  });

  it('answers 401 to anonymous callers on the signed-in portal routes and on the staff routes', async () => {
    await t.http.get('/api/portal/auth/me').expect(401);
    await t.http.post('/api/portal/auth/logout').expect(401);
    await t.http.post('/api/customers/1/portal-invitation').expect(401);
    await t.http.get('/api/customers/1/portal-access').expect(401);
    await t.http.put('/api/customers/1/portal-access').send({ enabled: false }).expect(401);
  });

  it('invites from the karte: one mail through the outbox with a one-time link valid 72 h, the token kept only as its hash', async () => {
    const c = await customer('山田', `yamada-${kind}@example.jp`);
    expect((await admin.get(`/api/customers/${c.id}/portal-access`).expect(200)).body).toMatchObject({
      customerId: c.id,
      state: 'none',
    });
    const before = Date.now();
    const res = await admin.post(`/api/customers/${c.id}/portal-invitation`).expect(201);
    expect(res.body).toMatchObject({
      customerId: c.id,
      state: 'invited',
      email: `yamada-${kind}@example.jp`,
    });
    const expires = new Date(res.body.invitationExpiresAt).getTime();
    expect(expires - before).toBeGreaterThanOrEqual(72 * 3600_000 - 5_000);
    expect(expires - before).toBeLessThanOrEqual(72 * 3600_000 + 60_000);

    const [mail] = await mails(1);
    expect(mail.to).toEqual([`yamada-${kind}@example.jp`]);
    expect(mail.parsed.subject).toContain('[お客様マイページ]');
    expect(mail.parsed.text).toContain('山田 様');
    const token = tokenOf(mail.parsed.text);
    const rows = await db.query(
      'SELECT token_hash, kind FROM portal_token WHERE account_id IN (SELECT id FROM portal_account WHERE customer_id = ?)',
      [c.id],
    );
    expect(rows).toHaveLength(1);
    expect(rows[0].kind).toBe('invitation');
    expect(rows[0].token_hash).toBe(createHash('sha256').update(token).digest('hex'));
    expect(JSON.stringify(rows)).not.toContain(token);

    // A weak password is refused without using the link up.
    const weak = await anon()
      .post('/api/portal/auth/set-password', { token, password: 'password123' })
      .expect(400);
    expect(weak.body.fields).toHaveProperty('password');
    await anon().post('/api/portal/auth/set-password', { token, password: 'short' }).expect(400);
    expect(
      (
        await anon()
          .post('/api/portal/auth/set-password', { token, password: 'kaki-no-tane-2026' })
          .expect(200)
      ).body,
    ).toEqual({ email: `yamada-${kind}@example.jp` });
    // One time only.
    const again = await anon()
      .post('/api/portal/auth/set-password', { token, password: 'another-good-one-77' })
      .expect(400);
    expect(again.body.error).toBe('PORTAL_TOKEN_INVALID');
    expect((await admin.get(`/api/customers/${c.id}/portal-access`).expect(200)).body).toMatchObject({
      state: 'active',
      invitationExpiresAt: null,
      lastLoginAt: null,
    });
    // Inviting an account that is already in use is refused.
    expect((await admin.post(`/api/customers/${c.id}/portal-invitation`).expect(409)).body.error).toBe(
      'PORTAL_ACCOUNT_ACTIVE',
    );
  });

  it('refuses an invitation link after 72 h, and an older link once a new invitation replaced it', async () => {
    const c = await customer('佐藤', `sato-${kind}@example.jp`);
    await admin.post(`/api/customers/${c.id}/portal-invitation`).expect(201);
    const [first] = await mails(1);
    sink.clear();
    await admin.post(`/api/customers/${c.id}/portal-invitation`).expect(201);
    const [second] = await mails(1);
    const old = await anon()
      .post('/api/portal/auth/set-password', {
        token: tokenOf(first.parsed.text),
        password: 'kaki-no-tane-2026',
      })
      .expect(400);
    expect(old.body.error).toBe('PORTAL_TOKEN_INVALID');
    const clock = t.app.get(Clock);
    const now = Date.now();
    jest.spyOn(clock, 'now').mockReturnValue(new Date(now + 72 * 3600_000 + 60_000));
    const late = await anon()
      .post('/api/portal/auth/set-password', {
        token: tokenOf(second.parsed.text),
        password: 'kaki-no-tane-2026',
      })
      .expect(400);
    expect(late.body.error).toBe('PORTAL_TOKEN_INVALID');
    jest.spyOn(clock, 'now').mockReturnValue(new Date(now + 71 * 3600_000));
    await anon()
      .post('/api/portal/auth/set-password', {
        token: tokenOf(second.parsed.text),
        password: 'kaki-no-tane-2026',
      })
      .expect(200);
  });

  it('needs the mypage right to invite or change access, answers 404 for an unknown customer and 400 for one without an address', async () => {
    const group = (
      await admin
        .post('/api/groups', {
          name: `顧客のみ-${kind}`,
          rights: ['customers.read', 'customers.write'],
          mailboxRights: [],
        })
        .expect(201)
    ).body.id;
    await admin
      .post('/api/users', {
        email: `clerk-${kind}@test.local`,
        name: '事務 太郎',
        password: 'clerk-pass-12345',
        groupIds: [group],
      })
      .expect(201);
    const clerk = await t.login(`clerk-${kind}@test.local`, 'clerk-pass-12345');
    const c = await customer('鈴木', `suzuki-${kind}@example.jp`);
    expect((await clerk.post(`/api/customers/${c.id}/portal-invitation`).expect(403)).body.error).toBe(
      'RIGHT_REQUIRED',
    );
    await clerk.get(`/api/customers/${c.id}/portal-access`).expect(403);
    await clerk.put(`/api/customers/${c.id}/portal-access`, { enabled: false }).expect(403);
    expect((await admin.post('/api/customers/999999/portal-invitation').expect(404)).body.error).toBe(
      'CUSTOMER_NOT_FOUND',
    );
    await admin.get('/api/customers/999999/portal-access').expect(404);
    await admin.put('/api/customers/999999/portal-access', { enabled: false }).expect(404);
    await admin.post('/api/customers/abc/portal-invitation').expect(400);
    const noMail = await customer('高橋', null);
    expect((await admin.post(`/api/customers/${noMail.id}/portal-invitation`).expect(400)).body.error).toBe(
      'CUSTOMER_HAS_NO_EMAIL',
    );
    await admin.put(`/api/customers/${c.id}/portal-access`, { enabled: 'no' }).expect(400);
    await admin.put(`/api/customers/${c.id}/portal-access`, {}).expect(400);
    await dispatchAll();
    await settle();
    expect(sink.messages()).toHaveLength(0);
  });

  it('signs in with its own cookies and shows the customer only what is theirs', async () => {
    const c = await inviteAndActivate('伊藤', `ito-${kind}@example.jp`, 'kaki-no-tane-2026');
    const p = await portalLogin(`ITO-${kind}@example.jp `, 'kaki-no-tane-2026');
    const session = p.cookies.find((x) => x.startsWith('madoguchi_portal_session='))!;
    const xsrf = p.cookies.find((x) => x.startsWith('PORTAL-XSRF-TOKEN='))!;
    expect(session).toMatch(/HttpOnly/i);
    expect(session).toMatch(/SameSite=Lax/i);
    expect(session).toMatch(/Path=\//);
    expect(xsrf).not.toMatch(/HttpOnly/i);
    expect(p.cookies.some((x) => x.startsWith('madoguchi_session=') || x.startsWith('XSRF-TOKEN='))).toBe(
      false,
    );
    const me = (await p.agent.get('/api/portal/auth/me').expect(200)).body;
    expect(me).toEqual({
      customer: { id: c.id, code: c.code, name: '伊藤' },
      email: `ito-${kind}@example.jp`,
    });
    expect(
      (await admin.get(`/api/customers/${c.id}/portal-access`).expect(200)).body.lastLoginAt,
    ).not.toBeNull();
    const wrong = await anon()
      .post('/api/portal/auth/login', { email: `ito-${kind}@example.jp`, password: 'not-the-password-1' })
      .expect(401);
    const unknown = await anon()
      .post('/api/portal/auth/login', { email: `nobody-${kind}@example.jp`, password: 'not-the-password-1' })
      .expect(401);
    expect(unknown.body).toEqual(wrong.body);
  });

  it('keeps the realms apart: a staff cookie or bearer token on portal routes and a portal cookie on staff routes are 401', async () => {
    await inviteAndActivate('渡辺', `watanabe-${kind}@example.jp`, 'kaki-no-tane-2026');
    const p = await portalLogin(`watanabe-${kind}@example.jp`, 'kaki-no-tane-2026');
    // Staff → portal.
    await admin.get('/api/portal/auth/me').expect(401);
    await admin.post('/api/portal/auth/logout').expect(401);
    const bearer = (
      await t.http
        .post('/api/auth/tokens')
        .send({ email: 'admin@test.local', password: 'admin-password-123', name: 'script' })
        .expect(201)
    ).body.token as string;
    await t.http.get('/api/portal/auth/me').set('Authorization', `Bearer ${bearer}`).expect(401);
    const staffToken = /madoguchi_session=([^;]+)/.exec(
      (
        (
          await t.http
            .post('/api/auth/login')
            .send({ email: 'admin@test.local', password: 'admin-password-123' })
            .expect(200)
        ).headers['set-cookie'] as unknown as string[]
      ).join(';'),
    )![1];
    await t.http
      .get('/api/portal/auth/me')
      .set('Cookie', `madoguchi_portal_session=${staffToken}`)
      .expect(401);
    // Portal → staff.
    await p.agent.get('/api/auth/me').expect(401);
    await p.agent.get('/api/customers').expect(401);
    await p.agent.post('/api/customers').set('X-XSRF-TOKEN', p.csrf).send({ lastName: 'x' }).expect(401);
    const portalToken = /madoguchi_portal_session=([^;]+)/.exec(p.cookies.join(';'))![1];
    await t.http.get('/api/auth/me').set('Cookie', `madoguchi_session=${portalToken}`).expect(401);
    await t.http.get('/api/customers').set('Authorization', `Bearer ${portalToken}`).expect(401);
    // Still signed in on its own side.
    await p.agent.get('/api/portal/auth/me').expect(200);
  });

  it('demands the PORTAL-XSRF-TOKEN echo on unsafe portal requests, and signs out', async () => {
    await inviteAndActivate('中村', `nakamura-${kind}@example.jp`, 'kaki-no-tane-2026');
    const p = await portalLogin(`nakamura-${kind}@example.jp`, 'kaki-no-tane-2026');
    expect((await p.agent.post('/api/portal/auth/logout').expect(403)).body.error).toBe('XSRF_TOKEN_INVALID');
    await p.agent.post('/api/portal/auth/logout').set('X-XSRF-TOKEN', 'wrong').expect(403);
    await p.agent.post('/api/portal/auth/logout').set('X-XSRF-TOKEN', admin.csrf).expect(403);
    await p.agent.get('/api/portal/auth/me').expect(200);
    await p.agent.post('/api/portal/auth/logout').set('X-XSRF-TOKEN', p.csrf).expect(204);
    await p.agent.get('/api/portal/auth/me').expect(401);
  });

  it('limits failed sign-ins like staff, counted in the database', async () => {
    const email = `kobayashi-${kind}@example.jp`;
    await inviteAndActivate('小林', email, 'kaki-no-tane-2026');
    for (let i = 0; i < 3; i++)
      await anon()
        .post('/api/portal/auth/login', { email, password: `guess-number-${i}` })
        .expect(401);
    const limited = await anon()
      .post('/api/portal/auth/login', { email, password: 'kaki-no-tane-2026' })
      .expect(429);
    expect(limited.body.error).toBe('TOO_MANY_ATTEMPTS');
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    const [{ n }] = await db.query(
      "SELECT COUNT(*) AS n FROM portal_login_attempt WHERE kind = 'login' AND email = ? AND success = ?",
      [email, kind === 'sqlite' ? 0 : false],
    );
    expect(Number(n)).toBe(3);
    // Nothing of it in the staff realm's table.
    const [{ m }] = await db.query('SELECT COUNT(*) AS m FROM login_attempt WHERE email = ?', [email]);
    expect(Number(m)).toBe(0);
    // From another address the owner still gets in.
    nextIp();
    await portalLogin(email, 'kaki-no-tane-2026');
  });

  it('answers a reset request the same whether the address exists or not, and the reset ends the other sessions', async () => {
    const email = `kato-${kind}@example.jp`;
    await inviteAndActivate('加藤', email, 'kaki-no-tane-2026');
    const p = await portalLogin(email, 'kaki-no-tane-2026');
    const none = await anon()
      .post('/api/portal/auth/password-reset', { email: `no-such-${kind}@example.jp` })
      .expect(202);
    await dispatchAll();
    await settle();
    expect(sink.messages()).toHaveLength(0);
    const known = await anon()
      .post('/api/portal/auth/password-reset', { email: email.toUpperCase() })
      .expect(202);
    expect(known.body).toEqual(none.body);
    const [mail] = await mails(1);
    expect(mail.to).toEqual([email]);
    await anon()
      .post('/api/portal/auth/set-password', {
        token: tokenOf(mail.parsed.text),
        password: 'new-kaki-no-tane-9',
      })
      .expect(200);
    await p.agent.get('/api/portal/auth/me').expect(401);
    await anon().post('/api/portal/auth/login', { email, password: 'kaki-no-tane-2026' }).expect(401);
    await portalLogin(email, 'new-kaki-no-tane-9');
  });

  it('signs up with email verification: a new address becomes a 仮登録 customer, a known one links to its customer', async () => {
    const fresh = `newcomer-${kind}@example.jp`;
    const res = await anon().post('/api/portal/auth/signup', { email: fresh, name: '新規 花子' }).expect(202);
    const [mail] = await mails(1);
    expect(mail.to).toEqual([fresh]);
    sink.clear();
    // Not signed up until the link is followed.
    expect(
      Number((await db.query('SELECT COUNT(*) AS n FROM portal_account WHERE email = ?', [fresh]))[0].n),
    ).toBe(0);
    await anon()
      .post('/api/portal/auth/set-password', {
        token: tokenOf(mail.parsed.text),
        password: 'kaki-no-tane-2026',
      })
      .expect(200);
    const p = await portalLogin(fresh, 'kaki-no-tane-2026');
    const me = (await p.agent.get('/api/portal/auth/me').expect(200)).body;
    const made = (await admin.get(`/api/customers/${me.customer.id}`).expect(200)).body;
    expect(made).toMatchObject({ email: fresh, registrationState: 'provisional', lastName: '新規 花子' });

    const existing = await customer('木村', `kimura-${kind}@example.jp`);
    const known = await anon()
      .post('/api/portal/auth/signup', { email: `kimura-${kind}@example.jp` })
      .expect(202);
    expect(known.body).toEqual(res.body);
    const [verify] = await mails(1);
    sink.clear();
    await anon()
      .post('/api/portal/auth/set-password', {
        token: tokenOf(verify.parsed.text),
        password: 'kaki-no-tane-2026',
      })
      .expect(200);
    const k = await portalLogin(`kimura-${kind}@example.jp`, 'kaki-no-tane-2026');
    expect((await k.agent.get('/api/portal/auth/me').expect(200)).body.customer.id).toBe(existing.id);
    expect((await admin.get(`/api/customers/${existing.id}/portal-access`).expect(200)).body.state).toBe(
      'active',
    );

    // Signing up again with an address in use answers the same and mails a reset link instead.
    const dup = await anon().post('/api/portal/auth/signup', { email: fresh }).expect(202);
    expect(dup.body).toEqual(res.body);
    const [already] = await mails(1);
    expect(already.parsed.subject).toContain('すでにご登録があります');
    await anon()
      .post('/api/portal/auth/set-password', {
        token: tokenOf(already.parsed.text),
        password: 'yet-another-pass-42',
      })
      .expect(200);
    await portalLogin(fresh, 'yet-another-pass-42');
  });

  it('disables access from the karte: sessions end at once, sign-in and mails stop, enabling gives it back', async () => {
    const email = `yoshida-${kind}@example.jp`;
    const c = await inviteAndActivate('吉田', email, 'kaki-no-tane-2026');
    const p = await portalLogin(email, 'kaki-no-tane-2026');
    const off = await admin.put(`/api/customers/${c.id}/portal-access`, { enabled: false }).expect(200);
    expect(off.body).toMatchObject({ state: 'disabled' });
    expect(off.body.disabledAt).not.toBeNull();
    await p.agent.get('/api/portal/auth/me').expect(401);
    expect(
      Number(
        (
          await db.query(
            'SELECT COUNT(*) AS n FROM portal_session WHERE account_id IN (SELECT id FROM portal_account WHERE customer_id = ?)',
            [c.id],
          )
        )[0].n,
      ),
    ).toBe(0);
    await anon().post('/api/portal/auth/login', { email, password: 'kaki-no-tane-2026' }).expect(401);
    await anon().post('/api/portal/auth/password-reset', { email }).expect(202);
    await anon().post('/api/portal/auth/signup', { email }).expect(202);
    await dispatchAll();
    await settle();
    expect(sink.messages()).toHaveLength(0);
    expect((await admin.post(`/api/customers/${c.id}/portal-invitation`).expect(409)).body.error).toBe(
      'PORTAL_ACCESS_DISABLED',
    );
    const on = await admin.put(`/api/customers/${c.id}/portal-access`, { enabled: true }).expect(200);
    expect(on.body).toMatchObject({ state: 'active', disabledAt: null });
    await portalLogin(email, 'kaki-no-tane-2026');
    // A customer never invited can be shut out before they sign up.
    const other = await customer('山本', `yamamoto-${kind}@example.jp`);
    expect(
      (await admin.put(`/api/customers/${other.id}/portal-access`, { enabled: false }).expect(200)).body
        .state,
    ).toBe('disabled');
    await anon()
      .post('/api/portal/auth/signup', { email: `yamamoto-${kind}@example.jp` })
      .expect(202);
    await dispatchAll();
    await settle();
    expect(sink.messages()).toHaveLength(0);
    expect(
      (await admin.put(`/api/customers/${other.id}/portal-access`, { enabled: true }).expect(200)).body.state,
    ).toBe('none');
  });

  it('refuses out-of-limit input with 400', async () => {
    const long = `${'a'.repeat(250)}@example.jp`;
    await anon().post('/api/portal/auth/login', { email: long, password: 'x' }).expect(400);
    await anon()
      .post('/api/portal/auth/login', { email: 'a@example.jp', password: 'x'.repeat(201) })
      .expect(400);
    await anon().post('/api/portal/auth/login', { email: 'a@example.jp' }).expect(400);
    await anon().post('/api/portal/auth/signup', { email: 'not an address' }).expect(400);
    await anon().post('/api/portal/auth/signup', { email: long }).expect(400);
    await anon()
      .post('/api/portal/auth/signup', { email: 'a@example.jp', name: 'あ'.repeat(51) })
      .expect(400);
    await anon().post('/api/portal/auth/signup', { email: 'a@example.jp', customerId: 1 }).expect(400);
    await anon().post('/api/portal/auth/password-reset', { email: long }).expect(400);
    await anon()
      .post('/api/portal/auth/set-password', { token: 'x'.repeat(201), password: 'kaki-no-tane-2026' })
      .expect(400);
    await anon()
      .post('/api/portal/auth/set-password', { token: 'x', password: 'k'.repeat(201) })
      .expect(400);
    expect(
      (
        await anon()
          .post('/api/portal/auth/set-password', { token: 'no-such-token', password: 'kaki-no-tane-2026' })
          .expect(400)
      ).body.error,
    ).toBe('PORTAL_TOKEN_INVALID');
  });

  it('limits sign-up and reset mails per address and per client, counted in the database', async () => {
    const email = `flood-${kind}@example.jp`;
    for (let i = 0; i < 5; i++) await anon().post('/api/portal/auth/password-reset', { email }).expect(202);
    const limited = await anon().post('/api/portal/auth/password-reset', { email }).expect(429);
    expect(limited.body.error).toBe('PORTAL_MAIL_LIMIT');
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    // Per client: twenty sign-up or reset mails an hour over all addresses.
    nextIp();
    let status = 0;
    let sent = 0;
    for (let i = 0; i < 25 && status !== 429; i++) {
      status = (await anon().post('/api/portal/auth/signup', { email: `flood-${i}-${kind}@example.jp` }))
        .status;
      if (status === 202) sent++;
    }
    expect(status).toBe(429);
    expect(sent).toBe(20);
    const [{ n }] = await db.query(
      "SELECT COUNT(*) AS n FROM portal_login_attempt WHERE kind = 'signup' AND ip = ?",
      [ip],
    );
    expect(Number(n)).toBe(20);
  });
});

/**
 * The fresh-clone path: the only mailbox has no SMTP account (the embedded default), so the
 * invitation is captured locally, and its link, read in the console's captured mail, sets the password.
 */
describe.each(DB_KINDS)('MYPAGE invitation on the embedded default (%s)', (kind) => {
  let t: TestApp;
  let admin: Session;

  beforeAll(async () => {
    t = await startTestApp(kind);
    admin = await t.login();
  });
  afterAll(async () => {
    await t?.close();
  });

  it('refuses to invite while no mailbox can send, then captures the invitation of the first mailbox', async () => {
    const c = (
      await admin
        .post('/api/customers', { lastName: '松本', email: `matsumoto-${kind}@example.jp` })
        .expect(201)
    ).body as { id: number };
    expect((await admin.post(`/api/customers/${c.id}/portal-invitation`).expect(400)).body.error).toBe(
      'MYPAGE_CANNOT_SEND',
    );
    expect((await admin.get(`/api/customers/${c.id}/portal-access`).expect(200)).body.state).toBe('none');
    const mailboxId = (
      await admin
        .post('/api/mailboxes', { name: 'お問い合わせ窓口', address: `info-${kind}@example.jp` })
        .expect(201)
    ).body.id;
    await admin.post(`/api/customers/${c.id}/portal-invitation`).expect(201);
    while ((await t.app.get(OutboxDispatcher).dispatchDue()) > 0);
    const list = (await admin.get(`/api/mailboxes/${mailboxId}/captured`).expect(200)).body;
    expect(list.total).toBe(1);
    const read = (await admin.get(`/api/captured-mail/${list.items[0].id}`).expect(200)).body;
    expect(read.message.subject).toContain('[お客様マイページ]');
    const token = decodeURIComponent(
      /\/mypage\/set-password\?token=([A-Za-z0-9_%-]+)/.exec(read.message.text)![1],
    );
    await t.http
      .post('/api/portal/auth/set-password')
      .send({ token, password: 'kaki-no-tane-2026' })
      .expect(200);
    await t.http
      .post('/api/portal/auth/login')
      .send({ email: `matsumoto-${kind}@example.jp`, password: 'kaki-no-tane-2026' })
      .expect(200);
  });
});
