import { readCsv } from '@madoguchi/core';
import { CustomerImportJob } from '@madoguchi/customers';
import { DB_KINDS } from '@test/support/databases';
import { Session, startTestApp, TestApp } from '@test/support/test-app';

jest.setTimeout(60_000);

/** Issue #17 points 7 and 7a: 会社名/部署, the completed customer search, the CSV's chosen columns and the karte CSV. */
describe.each(DB_KINDS)('customer search, completed, on %s', (kind) => {
  let t: TestApp;
  let admin: Session;
  let adminId: number;
  const ids: Record<string, number> = {};

  const csvOf = async (url: string, query: Record<string, string> = {}) => {
    const res = await admin
      .get(url)
      .query(query)
      .buffer(true)
      .parse((r, cb) => {
        const chunks: Buffer[] = [];
        r.on('data', (c: Buffer) => chunks.push(c));
        r.on('end', () => cb(null, Buffer.concat(chunks)));
      });
    return res;
  };

  beforeAll(async () => {
    t = await startTestApp(kind);
    admin = await t.login();
    const staff = await admin.get('/api/staff').expect(200);
    adminId = staff.body[0].id;
    const people = {
      company: {
        lastName: '法人',
        firstName: '一郎',
        companyName: '株式会社さくら工務店',
        department: '営業部',
        mobile: '090-1000-2000',
        birthday: '1980-04-15',
        assigneeIds: [adminId],
      },
      consent: {
        lastName: '同意',
        firstName: '花子',
        tel: '03-1111-2222',
        birthday: '1990-12-01',
        smsConsent: true,
      },
      plain: { lastName: '普通', firstName: '次郎', birthday: '1975-04-30' },
    };
    for (const [k, p] of Object.entries(people))
      ids[k] = (await admin.post('/api/customers', p).expect(201)).body.id;
  });
  afterAll(async () => {
    await t?.close();
  });

  const idsOf = async (query: Record<string, string | number | boolean>) => {
    const res = await admin.get('/api/customers').query(query).expect(200);
    return (res.body.items as { id: number }[]).map((c) => c.id).sort((a, b) => a - b);
  };
  const sorted = (...xs: number[]) => xs.sort((a, b) => a - b);

  it('keeps 会社名 and 部署 and finds the customer by either, in the free text and in their own filter', async () => {
    const c = await admin.get(`/api/customers/${ids.company}`).expect(200);
    expect(c.body).toMatchObject({ companyName: '株式会社さくら工務店', department: '営業部' });
    expect(await idsOf({ q: 'さくら工務' })).toEqual([ids.company]);
    expect(await idsOf({ q: '営業' })).toEqual([ids.company]);
    expect(await idsOf({ company: '営業部' })).toEqual([ids.company]);
    expect(await idsOf({ company: 'さくら' })).toEqual([ids.company]);
    const tooLong = await admin
      .post('/api/customers', { lastName: 'x', companyName: 'あ'.repeat(101) })
      .expect(400);
    expect(tooLong.body.fields.companyName).toBeDefined();
    // Cleared with an empty string, like every optional field.
    const other = await admin
      .post('/api/customers', { lastName: '消去', companyName: '一時', department: '一時' })
      .expect(201);
    const cleared = await admin
      .patch(`/api/customers/${other.body.id}`, { companyName: '', department: '' })
      .expect(200);
    expect(cleared.body).toMatchObject({ companyName: null, department: null });
    await admin.delete(`/api/customers/${other.body.id}`).expect(204);
  });

  it('narrows by registration and update date, birthday month, SMS consent, mobile and 担当', async () => {
    const today = new Date().toLocaleDateString('sv-SE', { timeZone: 'Asia/Tokyo' });
    const all = sorted(ids.company, ids.consent, ids.plain);
    expect(await idsOf({ registeredFrom: today })).toEqual(all);
    expect(await idsOf({ registeredTo: '2000-01-01' })).toEqual([]);
    expect(await idsOf({ registeredFrom: '2000-01-01', registeredTo: today })).toEqual(all);
    expect(await idsOf({ updatedFrom: today, updatedTo: today })).toEqual(all);
    expect(await idsOf({ updatedFrom: '2999-01-01' })).toEqual([]);
    expect(await idsOf({ birthdayMonth: 4 })).toEqual(sorted(ids.company, ids.plain));
    expect(await idsOf({ birthdayMonth: 12 })).toEqual([ids.consent]);
    expect(await idsOf({ smsConsent: 'true' })).toEqual([ids.consent]);
    expect(await idsOf({ smsConsent: 'false' })).toEqual(sorted(ids.company, ids.plain));
    expect(await idsOf({ hasMobile: 'true' })).toEqual([ids.company]);
    expect(await idsOf({ hasMobile: 'false' })).toEqual(sorted(ids.consent, ids.plain));
    expect(await idsOf({ assigneeId: adminId })).toEqual([ids.company]);
    expect(await idsOf({ birthdayMonth: 4, hasMobile: 'false' })).toEqual([ids.plain]);
  });

  it('finds by 姓, 名 (kanji or kana, one character too) and the MOBILE number alone', async () => {
    const kana = (
      await admin
        .post('/api/customers', {
          lastName: '田中',
          firstName: '一郎',
          lastNameKana: 'タナカ',
          firstNameKana: 'イチロウ',
          tel: '090-5555-0000',
        })
        .expect(201)
    ).body.id;
    try {
      expect(await idsOf({ lastName: '田' })).toEqual([kana]);
      expect(await idsOf({ lastName: 'たな' })).toEqual([kana]);
      expect(await idsOf({ lastName: 'ﾀﾅｶ' })).toEqual([kana]);
      // 名 is its own field: 一郎 is the 名 of two customers, and 姓 narrows.
      expect(await idsOf({ firstName: '一郎' })).toEqual(sorted(ids.company, kana));
      expect(await idsOf({ firstName: '一郎', lastName: '法' })).toEqual([ids.company]);
      expect(await idsOf({ lastName: '一郎' })).toEqual([]);
      // MOBILE alone: not a TEL that looks like one; `tel` matches both.
      expect(await idsOf({ mobile: '1000-2000' })).toEqual([ids.company]);
      expect(await idsOf({ mobile: '０９０５５５５' })).toEqual([]);
      expect(await idsOf({ tel: '0905555' })).toEqual([kana]);
      // A LIKE wildcard is a character like any other.
      expect(await idsOf({ lastName: '%' })).toEqual([]);
      expect(await idsOf({ mobile: '_' })).toEqual([]);
    } finally {
      await admin.delete(`/api/customers/${kana}`).expect(204);
    }
  });

  it('refuses a bad filter with a message naming it', async () => {
    for (const [query, field] of [
      [{ registeredFrom: '2026-13-01' }, 'registeredFrom'],
      [{ updatedTo: 'yesterday' }, 'updatedTo'],
      [{ birthdayMonth: '13' }, 'birthdayMonth'],
      [{ smsConsent: 'maybe' }, 'smsConsent'],
      [{ hasMobile: 'yes please' }, 'hasMobile'],
    ] as const) {
      const res = await admin.get('/api/customers').query(query).expect(400);
      expect(res.body.fields[field]).toBeDefined();
    }
  });

  it('exports the chosen columns only, in the file order, and refuses unknown ones', async () => {
    const res = await csvOf('/api/customers/export.csv', {
      company: 'さくら',
      columns: 'email,companyName,code,department',
    });
    expect(res.status).toBe(200);
    const rows = readCsv(res.body as Buffer);
    expect(rows[0]).toEqual(['顧客コード', '会社名', '部署', 'メールアドレス']);
    expect(rows.slice(1)).toEqual([[expect.stringMatching(/^\d+$/), '株式会社さくら工務店', '営業部', '']]);
    const full = readCsv((await csvOf('/api/customers/export.csv', { company: 'さくら' })).body as Buffer);
    expect(full[0]).toContain('会社名');
    expect(full[0].length).toBeGreaterThan(20);
    const bad = await admin.get('/api/customers/export.csv').query({ columns: 'code,password' }).expect(400);
    expect(bad.body.fields.columns).toBeDefined();
  });

  it('downloads the karte as one CSV: fields, visits with totals, history; an unknown customer is 404', async () => {
    const id = ids.company;
    await admin
      .post(`/api/customers/${id}/visits`, {
        visitedAt: '2026-11-01T10:00:00+09:00',
        amount: 12000,
        serviceMemo: '=1+1 点検',
        branch: '本店',
      })
      .expect(201);
    await admin
      .post(`/api/customers/${id}/visits`, {
        visitedAt: '2026-11-20T15:30:00+09:00',
        amount: 8000,
        proposalMemo: '次回は車検',
      })
      .expect(201);
    await admin.post(`/api/customers/${id}/history`, { title: '見積のご相談', state: 'done' }).expect(201);
    const res = await csvOf(`/api/customers/${id}/karte.csv`);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/text\/csv/);
    expect([...(res.body as Buffer).subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const rows = readCsv(res.body as Buffer);
    const at = (title: string) => rows.findIndex((r) => r[0] === title);
    expect(at('【顧客情報】')).toBe(0);
    expect(rows).toContainEqual(['会社名', '株式会社さくら工務店']);
    expect(rows).toContainEqual(['担当', expect.any(String)]);
    const visits = at('【来店・利用金額】');
    expect(visits).toBeGreaterThan(0);
    expect(rows[visits + 1]).toEqual(['来店回数', '2']);
    expect(rows[visits + 3]).toEqual(['合計金額', '20000']);
    expect(rows[visits + 4]).toEqual(['平均金額', '10000']);
    expect(rows[visits + 5][0]).toBe('来店日時');
    // Newest first; the memo that looks like a formula reads back as written (escaped in the file).
    expect(rows[visits + 6]).toEqual(['2026/11/20 15:30', '', expect.any(String), '8000', '', '次回は車検']);
    expect(rows[visits + 7]).toEqual([
      '2026/11/01 10:00',
      '本店',
      expect.any(String),
      '12000',
      '=1+1 点検',
      '',
    ]);
    const raw = (res.body as Buffer).toString('utf8');
    expect(raw).toContain("'=1+1 点検");
    const history = at('【対応履歴】');
    expect(history).toBeGreaterThan(visits);
    expect(rows[history + 1][0]).toBe('履歴ID');
    expect(rows.slice(history + 2).map((r) => r[3])).toContain('見積のご相談');
    await admin.get('/api/customers/999999/karte.csv').expect(404);
  });

  it('guesses 会社名 and 部署 columns on import, stores them, and writes the registration history entry', async () => {
    const csv =
      '姓,名,会社名,部署,メールアドレス\r\n輸入,太郎,有限会社インポート,経理課,import-co@example.jp\r\n';
    const file = Buffer.from(csv);
    const preview = await admin
      .upload('/api/customers/import/preview', 'file', file, 'c.csv', 'text/csv')
      .expect(200);
    expect(preview.body.mapping).toMatchObject({ 会社名: 'companyName', 部署: 'department' });
    const started = await admin
      .upload('/api/customers/import', 'file', file, 'c.csv', 'text/csv')
      .field('mapping', JSON.stringify(preview.body.mapping))
      .field('mode', 'run')
      .field('matchBy', 'email')
      .field('atomic', 'true')
      .expect(202);
    await t.app.get(CustomerImportJob).tick();
    const state = (await admin.get(`/api/customers/import/${started.body.id}`).expect(200)).body.state;
    expect(state).toBe('done');
    const found = await admin.get('/api/customers').query({ company: 'インポート' }).expect(200);
    expect(found.body.items).toHaveLength(1);
    expect(found.body.items[0]).toMatchObject({ companyName: '有限会社インポート', department: '経理課' });
    // 自動履歴保存: an imported customer's karte starts with 「顧客が登録されました。」, as one registered by hand.
    const history = await admin.get(`/api/customers/${found.body.items[0].id}/history`).expect(200);
    expect(history.body.items.map((e: { title: string }) => e.title)).toEqual(['顧客が登録されました。']);
  });
});
