import { DB_KINDS } from '@test/support/databases';
import { Session, startTestApp, TestApp } from '@test/support/test-app';

jest.setTimeout(600_000);

type Schema = { $ref?: string; properties?: Record<string, Schema>; type?: string; items?: Schema };
type Operation = { parameters?: { name: string; in: string }[]; requestBody?: { content?: Record<string, { schema?: Schema }> }; responses?: Record<string, { content?: Record<string, unknown> }> };

/** Values a client chose to break things with: out of range, wrong type, control characters. */
const HOSTILE_IDS = ['1e20', '-1', '0', '1.5', 'abc', '%00', '99999999999999999999', '2147483648', '0x10', ' 1'];
const HOSTILE_VALUES: unknown[] = [1e20, -1, 1.5, 'x'.repeat(5_000), '\u0000', {}, [], null, true, '1e20', [[[[[]]]]]];
/** Routes the fuzzing leaves alone: the live stream never ends, logout would end the session the fuzzing uses. */
const SKIP = [/^GET \/api\/events$/, /^POST \/api\/auth\/logout$/, /^POST \/api\/auth\/password$/];

/** What an anonymous visitor may reach; a new public route is added here on purpose, or the sweep fails. */
const PUBLIC_ROUTES = [
  'GET /api/health',
  'GET /api/public/forms/{slug}',
  'GET /forms/{slug}',
  'GET /s/{code}',
  'POST /api/auth/login',
  'POST /api/portal/auth/login',
  'POST /api/portal/auth/password-reset',
  'POST /api/portal/auth/set-password',
  'POST /api/portal/auth/signup',
  'POST /api/public/forms/{slug}/check',
  'POST /api/public/forms/{slug}/submissions',
  'POST /api/sms/webhooks/{provider}/inbound',
  'POST /api/sms/webhooks/{provider}/status',
];

function deepJson(depth: number): string {
  return `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
}

/**
 * Every route of the OpenAPI document, called as an administrator (who reaches the most code)
 * with hostile path ids, query values and bodies: no answer may be a 500.
 */
describe.each(DB_KINDS)('hostile input on every route (%s)', (kind) => {
  let t: TestApp;
  let admin: Session;
  let doc: { paths: Record<string, Record<string, Operation>>; components?: { schemas?: Record<string, Schema> } };

  beforeAll(async () => {
    t = await startTestApp(kind);
    admin = await t.login();
    doc = (await admin.get('/api/docs-json').expect(200)).body;
  });
  afterAll(async () => {
    await t?.close();
  });

  const properties = (schema: Schema | undefined): string[] => {
    if (!schema) return [];
    const resolved = schema.$ref ? doc.components?.schemas?.[schema.$ref.split('/').pop()!] : schema;
    return Object.keys(resolved?.properties ?? {});
  };

  const operations = () =>
    Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.entries(ops)
        .filter(([method]) => ['get', 'post', 'put', 'patch', 'delete'].includes(method))
        .map(([method, op]) => ({ method, path, op }))
        .filter(({ method, path }) => !SKIP.some((r) => r.test(`${method.toUpperCase()} ${path}`))),
    );

  const call = (method: string, url: string) => {
    const agent = admin as unknown as Record<string, (u: string, b?: object) => import('supertest').Test>;
    return agent[method](url);
  };

  it('answers every route that is not public with 401 to a caller who is not signed in', async () => {
    const open: string[] = [];
    for (const { method, path } of operations()) {
      const url = path.replace(/\{[^}]+\}/g, '1');
      const req = (t.http as unknown as Record<string, (u: string) => import('supertest').Test>)[method](url);
      const res = await (method === 'get' || method === 'delete' ? req : req.send({}));
      expect(res.status).toBeLessThan(500);
      if (res.status !== 401) open.push(`${method.toUpperCase()} ${path}`);
    }
    // The only routes an anonymous visitor reaches: health, signing in and the public inquiry forms.
    expect(open.sort()).toEqual(PUBLIC_ROUTES);
  });

  it('answers hostile path ids and query values with 4xx, never 500', async () => {
    const failures: string[] = [];
    for (const { method, path, op } of operations()) {
      const queryNames = (op.parameters ?? []).filter((p) => p.in === 'query').map((p) => p.name);
      const hasPathParams = /\{[^}]+\}/.test(path);
      for (const value of hasPathParams ? HOSTILE_IDS : ['1e20', '-1', 'abc', '%00', '%', '_']) {
        const url = path.replace(/\{[^}]+\}/g, encodeURIComponent(value));
        const query = Object.fromEntries(queryNames.map((n) => [n, value]));
        const res = await (method === 'get' || method === 'delete' ? call(method, url).query(query) : call(method, url).query(query).send({}));
        if (res.status >= 500) failures.push(`${method.toUpperCase()} ${url}?${new URLSearchParams(query)} → ${res.status} ${JSON.stringify(res.body).slice(0, 200)}`);
      }
    }
    expect(failures).toEqual([]);
  });

  it('answers hostile bodies (wrong types, huge, deep, not JSON) with 4xx, never 500', async () => {
    const failures: string[] = [];
    for (const { method, path, op } of operations()) {
      if (!['post', 'put', 'patch'].includes(method)) continue;
      const url = path.replace(/\{[^}]+\}/g, '1');
      const props = properties(op.requestBody?.content?.['application/json']?.schema);
      const bodies: { label: string; send: (r: import('supertest').Test) => import('supertest').Test }[] = [
        ...HOSTILE_VALUES.map((v) => ({ label: `every field ${JSON.stringify(v).slice(0, 20)}`, send: (r: import('supertest').Test) => r.send(Object.fromEntries((props.length ? props : ['id', 'page']).map((p) => [p, v]))) })),
        { label: 'a JSON array', send: (r) => r.send([1, 2, 3]) },
        { label: 'deeply nested JSON', send: (r) => r.set('Content-Type', 'application/json').send(deepJson(5_000)) },
        { label: 'JSON over the size limit', send: (r) => r.set('Content-Type', 'application/json').send(JSON.stringify({ text: 'あ'.repeat(3_000_000) })) },
        { label: 'broken JSON', send: (r) => r.set('Content-Type', 'application/json').send('{"a":') },
        { label: 'plain text', send: (r) => r.set('Content-Type', 'text/plain').send('hello') },
        { label: 'a form body', send: (r) => r.set('Content-Type', 'application/x-www-form-urlencoded').send('a[b][c][d][e][f][g][h][i][j][k]=1&page=1e20') },
        { label: 'broken multipart', send: (r) => r.set('Content-Type', 'multipart/form-data; boundary=xyz').send('--xyz\r\nContent-Disposition: form-data; name="file"; filename="a.txt"\r\n\r\nabc') },
      ];
      for (const b of bodies) {
        const res = await b.send(call(method, url));
        if (res.status >= 500) failures.push(`${method.toUpperCase()} ${url} with ${b.label} → ${res.status} ${JSON.stringify(res.body).slice(0, 200)}`);
      }
    }
    expect(failures).toEqual([]);
    // Still alive and answering.
    await t.http.get('/api/health').expect(200);
  });

  it('says what is wrong: 413 for a body over the limit, 400 for nesting too deep', async () => {
    const big = await admin.post('/api/customers').set('Content-Type', 'application/json').send(JSON.stringify({ lastName: 'あ'.repeat(3_000_000) }));
    expect(big.status).toBe(413);
    expect(big.body).toMatchObject({ error: 'PAYLOAD_TOO_LARGE', message: expect.stringMatching(/too large/i) });
    const deep = await admin.post('/api/customers').set('Content-Type', 'application/json').send(deepJson(1_000));
    expect(deep.status).toBe(400);
    expect(deep.body).toMatchObject({ error: 'JSON_TOO_DEEP' });
    const broken = await admin.post('/api/customers').set('Content-Type', 'application/json').send('{"lastName":');
    expect(broken.status).toBe(400);
    expect(broken.body).toMatchObject({ error: 'INVALID_JSON' });
    const page = await admin.get('/api/customers').query({ page: '1e20' });
    expect(page.status).toBe(400);
    expect(page.body.fields).toHaveProperty('page');
    const id = await admin.get('/api/customers/99999999999999999999');
    expect(id.status).toBe(400);
    expect(id.body).toMatchObject({ error: 'INVALID_ID' });
  });
});
