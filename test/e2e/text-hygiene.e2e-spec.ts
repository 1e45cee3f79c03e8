import { IntakeService } from '@madoguchi/mail';
import { DB_KINDS } from '@test/support/databases';
import { rawMail } from '@test/support/mail-builder';
import { Session, startTestApp, TestApp } from '@test/support/test-app';

jest.setTimeout(60_000);

/** User text is stored NFC; NUL, lone surrogates and bidi overrides are refused in names, subjects and codes; searches match literally. */
describe.each(DB_KINDS)('text hygiene on %s', (kind) => {
  let t: TestApp;
  let admin: Session;
  let mailboxId: number;

  beforeAll(async () => {
    t = await startTestApp(kind);
    admin = await t.login();
    for (const lastName of ['山田', '100%確実', 'A_B']) await admin.post('/api/customers', { lastName }).expect(201);
    mailboxId = (await admin.post('/api/mailboxes', { name: '検索', address: `search-${kind}@example.jp` }).expect(201)).body.id;
    await t.app.get(IntakeService).ingest({ id: mailboxId, address: `search-${kind}@example.jp` }, rawMail({ from: 'c@example.jp', to: `search-${kind}@example.jp`, subject: '見積のお願い', body: '本文', messageId: `search-${kind}@example.jp` }), { kind: 'smtp' });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('stores names NFC-normalised', async () => {
    // "が" as か + combining dakuten (NFD, as macOS file names and some IMEs send it).
    const c = await admin.post('/api/customers', { lastName: 'か\u3099わ', firstNameKana: 'カ\u3099' }).expect(201);
    expect(c.body.lastName).toBe('がわ');
    expect(c.body.lastName).toHaveLength(2);
  });

  it.each([
    ['NUL', 'abc\u0000def'],
    ['a lone surrogate', 'abc\uD800def'],
    ['a right-to-left override', 'invoice\u202Etxt.exe'],
    ['a bidi isolate', 'name\u2066x\u2069'],
  ])('refuses %s in a name with a clear 400 naming the field', async (_what, value) => {
    const res = await admin.post('/api/customers', { lastName: value }).expect(400);
    expect(res.body.error).toBe('VALIDATION_FAILED');
    expect(res.body.fields.lastName[0]).toMatch(/control|invisible|direction|surrogate/i);
    expect(res.body.fieldCodes.lastName[0].code).toMatch(/^TEXT_(CONTROL_CHARACTER|INVALID|DIRECTION_CONTROL)$/);
    const group = await admin.post('/api/groups', { name: value, rights: [], mailboxRights: [] }).expect(400);
    expect(Object.keys(group.body.fields)).toEqual(['name']);
  });

  it('refuses NUL anywhere in a body, and bidi controls in subjects', async () => {
    const box = (await admin.post('/api/mailboxes', { name: '衛生', address: `hygiene-${kind}@example.jp` }).expect(201)).body.id;
    const tpl = await admin.post('/api/templates', { kind: 'body', name: '定型', subject: '件名\u202E', body: '本文', mailboxId: box });
    expect(tpl.status).toBe(400);
    expect(Object.keys(tpl.body.fields)).toContain('subject');
    const nul = await admin.post('/api/templates', { kind: 'body', name: '定型', body: '本文\u0000', mailboxId: box });
    expect(nul.status).toBe(400);
    expect(Object.keys(nul.body.fields)).toContain('body');
  });

  it.each([
    ['%', ['100%確実']],
    ['_', ['A_B']],
    ['%確実', ['100%確実']],
    ['A_', ['A_B']],
    ['\u0000', []],
  ])('searches for %j literally', async (q, expected) => {
    const res = await admin.get('/api/customers').query({ q }).expect(200);
    expect(res.body.items.map((c: { lastName: string }) => c.lastName).sort()).toEqual(expected);
    const byName = await admin.get('/api/customers').query({ name: q }).expect(200);
    expect(byName.body.items.map((c: { lastName: string }) => c.lastName).sort()).toEqual(expected);
    const tickets = await admin.get('/api/tickets').query({ q, mailboxId }).expect(200);
    expect(tickets.body.total).toBe(0);
    expect((await admin.get('/api/tickets').query({ q: '見積', mailboxId }).expect(200)).body.total).toBe(1);
  });
});
