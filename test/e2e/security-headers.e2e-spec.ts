import { startTestApp, TestApp } from '@test/support/test-app';

jest.setTimeout(60_000);

/** The directives of a Content-Security-Policy header, by name. */
function csp(header: string | undefined): Map<string, string[]> {
  expect(header).toBeTruthy();
  return new Map(
    header!
      .split(';')
      .map((d) => d.trim().split(/\s+/))
      .filter((d) => d[0])
      .map(([name, ...values]) => [name.toLowerCase(), values]),
  );
}

/** What every response must carry: no inline or remote script, not framable, no sniffing, no referrer. */
function expectStrictHeaders(res: { headers: Record<string, string> }): Map<string, string[]> {
  const policy = csp(res.headers['content-security-policy']);
  const scripts = policy.get('script-src') ?? policy.get('default-src')!;
  expect(scripts).toEqual(["'self'"]);
  expect(policy.get('object-src')).toEqual(["'none'"]);
  expect(policy.get('frame-ancestors')).toEqual(["'none'"]);
  expect(policy.get('base-uri')).toEqual(["'self'"]);
  expect(policy.get('frame-src')).toEqual(["'none'"]);
  // Images only from the server (the image proxy, attachments) or embedded: a mail's remote image never loads directly.
  expect(policy.get('img-src')).toEqual(["'self'", 'data:']);
  expect(res.headers['x-frame-options']).toBe('DENY');
  expect(res.headers['x-content-type-options']).toBe('nosniff');
  expect(res.headers['referrer-policy']).toBe('no-referrer');
  return policy;
}

describe('security headers', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp('sqlite');
  });
  afterAll(async () => {
    await t?.close();
  });

  it('sends them with the console page', async () => {
    const res = await t.http.get('/');
    expectStrictHeaders(res);
    const deep = await t.http.get('/tickets/1');
    expectStrictHeaders(deep);
  });

  it('sends them with API answers, errors included', async () => {
    expectStrictHeaders(await t.http.get('/api/health').expect(200));
    expectStrictHeaders(await t.http.get('/api/customers').expect(401));
    expectStrictHeaders(
      await t.http.post('/api/auth/login').send({ email: 'nobody@test.local', password: 'x' }),
    );
  });

  describe('the public form page', () => {
    let slug: string;

    beforeAll(async () => {
      const admin = await t.login();
      const mailbox = (
        await admin
          .post('/api/mailboxes', { name: 'ヘッダー確認', address: 'headers@example.jp' })
          .expect(201)
      ).body;
      const fields = [
        { key: 'name', label: 'お名前', type: 'text', required: true },
        { key: 'email', label: 'メール', type: 'email', required: true },
      ];
      slug = (
        await admin
          .post(`/api/mailboxes/${mailbox.id}/forms`, {
            name: 'お問い合わせ',
            fields,
            replyEmailField: 'email',
          })
          .expect(201)
      ).body.slug;
    });

    it('is served with the strict policy and keeps no inline script or style', async () => {
      const res = await t.http.get(`/forms/${slug}`).expect(200);
      const policy = expectStrictHeaders(res);
      expect(policy.get('style-src')).not.toContain("'unsafe-inline'");
      const html = res.text;
      // The only <script> without src is the JSON data block, which a browser never runs.
      const inline = [...html.matchAll(/<script(?![^>]*\ssrc=)([^>]*)>/g)].map((m) => m[1]);
      expect(inline).toEqual([' type="application/json" id="form-config"']);
      expect(html).not.toMatch(/<style[\s>]/);
      expect(html).not.toMatch(/\son[a-z]+=/i);
      expectStrictHeaders(await t.http.get('/forms/no-such-form').expect(404));
    });

    it('serves its script and style sheet from the server, typed and not sniffable', async () => {
      const html = (await t.http.get(`/forms/${slug}`).expect(200)).text;
      const script = /<script src="([^"]+)"/.exec(html)?.[1];
      const sheet = /<link rel="stylesheet" href="([^"]+)"/.exec(html)?.[1];
      expect(script).toMatch(/^\/api\//);
      expect(sheet).toMatch(/^\/api\//);
      const js = await t.http.get(script!).expect(200);
      expect(js.headers['content-type']).toMatch(/^(?:text|application)\/javascript/);
      expect(js.headers['x-content-type-options']).toBe('nosniff');
      expect(js.text).toContain("getElementById('form-config')");
      const css = await t.http.get(sheet!).expect(200);
      expect(css.headers['content-type']).toMatch(/^text\/css/);
      expect(css.text).toContain('.card{');
    });
  });

  describe('API docs', () => {
    it('are hidden from anonymous visitors by default', async () => {
      for (const path of [
        '/api/docs',
        '/api/docs/',
        '/api/docs-json',
        '/api/docs-yaml',
        '/api/docs/swagger-ui-init.js',
      ]) {
        const res = await t.http.get(path);
        expect([401, 404]).toContain(res.status);
        expect(res.text).not.toContain('/api/customers');
      }
      await t.http.get('/api/docs-json').set('Cookie', 'madoguchi_session=forged').expect(401);
    });

    it('are shown to signed-in staff, with a policy that still allows no remote or inline script', async () => {
      const s = await t.login();
      const page = await s.get('/api/docs').redirects(1).expect(200);
      expect(page.text).toContain('swagger-ui');
      const policy = csp(page.headers['content-security-policy']);
      expect(policy.get('script-src')).toEqual(["'self'"]);
      expect(policy.get('frame-ancestors')).toEqual(["'none'"]);
      const doc = await s.get('/api/docs-json').expect(200);
      expect(doc.body.paths['/api/customers']).toBeDefined();
    });

    it('are shown to scripts with a bearer token', async () => {
      const token = (
        await t.http
          .post('/api/auth/tokens')
          .send({ email: 'admin@test.local', password: 'admin-password-123', name: 'docs' })
          .expect(201)
      ).body.token;
      await t.http.get('/api/docs-json').set('Authorization', `Bearer ${token}`).expect(200);
      await t.http.get('/api/docs-json').set('Authorization', 'Bearer mdg_forged').expect(401);
    });
  });
});

describe('API docs with API_DOCS_PUBLIC', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp('sqlite', { API_DOCS_PUBLIC: true });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('are shown to anyone', async () => {
    await t.http.get('/api/docs').redirects(1).expect(200);
    const doc = await t.http.get('/api/docs-json').expect(200);
    expect(doc.body.paths['/api/customers']).toBeDefined();
  });
});
