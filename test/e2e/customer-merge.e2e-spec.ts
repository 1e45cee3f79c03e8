import { CustomerMergeRegistry, CustomersService } from '@madoguchi/customers';
import { DB_KINDS } from '@test/support/databases';
import { Session, startTestApp, TestApp } from '@test/support/test-app';
import { DataSource } from 'typeorm';

jest.setTimeout(180_000);

const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
  'base64',
);

/**
 * Every column of the schema that references a customer: a foreign key to `customer`, or a
 * column named `customer_id` / `…_customer_id` (some tables keep the id without a constraint).
 * Read from the database itself, so a table added later is in this list without anyone
 * remembering to add it — and the merge test below fails until the merge moves it.
 */
async function customerReferences(ds: DataSource): Promise<string[]> {
  const found = new Set<string>();
  if (ds.options.type === 'mysql') {
    const db = ds.driver.database;
    const fks = (await ds.query(
      'SELECT TABLE_NAME AS t, COLUMN_NAME AS c FROM information_schema.KEY_COLUMN_USAGE WHERE TABLE_SCHEMA = ? AND REFERENCED_TABLE_NAME = ?',
      [db, 'customer'],
    )) as { t: string; c: string }[];
    const named = (await ds.query(
      "SELECT TABLE_NAME AS t, COLUMN_NAME AS c FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ? AND (COLUMN_NAME = 'customer_id' OR COLUMN_NAME LIKE '%\\_customer\\_id')",
      [db],
    )) as { t: string; c: string }[];
    for (const r of [...fks, ...named]) found.add(`${r.t}.${r.c}`);
  } else {
    const tables = (await ds.query(
      "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'",
    )) as { name: string }[];
    for (const { name } of tables) {
      for (const f of (await ds.query(`PRAGMA foreign_key_list("${name}")`)) as {
        table: string;
        from: string;
      }[]) {
        if (f.table === 'customer') found.add(`${name}.${f.from}`);
      }
      for (const c of (await ds.query(`PRAGMA table_info("${name}")`)) as { name: string }[]) {
        if (c.name === 'customer_id' || c.name.endsWith('_customer_id')) found.add(`${name}.${c.name}`);
      }
    }
  }
  return [...found].sort();
}

describe.each(DB_KINDS)('重複会員統合: duplicates and merge (%s)', (kind) => {
  let t: TestApp;
  let admin: Session;
  let reader: Session;
  let adminId: number;
  let mailboxId: number;
  const ds = () => t.app.get(DataSource);
  const customer = async (fields: object) =>
    (await admin.post('/api/customers', fields).expect(201)).body as { id: number; code: string };
  const rowsOf = async (ref: string, customerId: number) => {
    const [table, column] = ref.split('.');
    const q =
      kind === 'mariadb'
        ? `SELECT COUNT(*) AS n FROM \`${table}\` WHERE \`${column}\` = ?`
        : `SELECT COUNT(*) AS n FROM "${table}" WHERE "${column}" = ?`;
    return Number(((await ds().query(q, [customerId])) as { n: number | string }[])[0].n);
  };

  beforeAll(async () => {
    t = await startTestApp(kind);
    admin = await t.login();
    adminId = (await admin.get('/api/auth/me').expect(200)).body.id;
    mailboxId = (
      await admin
        .post('/api/mailboxes', { name: '統合窓口', address: `merge-${kind}@example.jp` })
        .expect(201)
    ).body.id;
    const readers = (
      await admin
        .post('/api/groups', { name: `顧客閲覧-${kind}`, rights: ['customers.read'], mailboxRights: [] })
        .expect(201)
    ).body.id;
    await admin
      .post('/api/users', {
        email: `merge-reader-${kind}@test.local`,
        name: '閲覧のみ',
        password: 'merge-password-1',
        groupIds: [readers],
      })
      .expect(201);
    reader = await t.login(`merge-reader-${kind}@test.local`, 'merge-password-1');
    await admin
      .put('/api/mypage/settings', { mailboxId, customersMayStartThreads: false, fallbackRecipients: [] })
      .expect(200);
    await admin.put('/api/sms/settings', { provider: 'local', mailboxId }).expect(200);
  });
  afterAll(async () => t?.close());

  it('finds duplicate groups by each key: phone across hyphens and TEL vs MOBILE, kana full- vs half-width, names however split', async () => {
    const a = await customer({
      lastName: '重複',
      firstName: '一郎',
      lastNameKana: 'ジュウフク',
      firstNameKana: 'イチロウ',
      email: 'dup1@example.jp',
      tel: '03-1111-2222',
      birthday: '1980-01-02',
    });
    const b = await customer({
      lastName: '重複一郎',
      lastNameKana: 'ｼﾞｭｳﾌｸ',
      firstNameKana: 'ｲﾁﾛｳ',
      email: 'DUP1@example.jp',
      mobile: '0311112222',
    });
    const c = await customer({ lastName: '重複', firstName: '一郎', tel: '090-3333-4444' });
    const d = await customer({
      lastName: '別人',
      firstName: '花子',
      mobile: '09033334444',
      birthday: '1990-05-06',
    });
    const groupOf = async (key: string, id: number, extra = '') => {
      const body = (await reader.get(`/api/customers/duplicates?key=${key}&pageSize=100${extra}`).expect(200))
        .body as {
        items: { key: string; customers: { id: number; related: Record<string, number> }[] }[];
        total: number;
      };
      expect(body.total).toBeGreaterThanOrEqual(body.items.length);
      return body.items
        .find((g) => g.customers.some((x) => x.id === id))
        ?.customers.map((x) => x.id)
        .sort((x, y) => x - y);
    };
    expect(await groupOf('email', a.id)).toEqual([a.id, b.id]);
    expect(await groupOf('phone', a.id)).toEqual([a.id, b.id]); // TEL 03-1111-2222 and MOBILE 0311112222
    expect(await groupOf('phone', c.id)).toEqual([c.id, d.id]); // 090-3333-4444 and 09033334444
    expect(await groupOf('fullName', a.id)).toEqual([a.id, b.id, c.id]); // 姓名 together, however split
    expect(await groupOf('kanjiName', a.id)).toEqual([a.id, c.id]); // 姓 and 名 each
    expect(await groupOf('kanaName', a.id)).toEqual([a.id, b.id]); // ｼﾞｭｳﾌｸ was stored as ジュウフク
    expect(await groupOf('phone', c.id, '&birthdayOnly=true')).toBeUndefined(); // c has no birthday: d alone is no group
    // Old and variant kanji are one name, as the search treats them: 髙橋 = 高橋, 渡邊 = 渡辺, 𠮷田 = 吉田.
    const e = await customer({ lastName: '髙橋', firstName: '健太' });
    const f = await customer({ lastName: '高橋', firstName: '健太' });
    const g = await customer({ lastName: '渡邊𠮷', firstName: '﨑子' });
    const h = await customer({ lastName: '渡辺吉', firstName: '崎子' });
    expect(await groupOf('fullName', e.id)).toEqual([e.id, f.id]);
    expect(await groupOf('kanjiName', e.id)).toEqual([e.id, f.id]);
    expect(await groupOf('kanjiName', g.id)).toEqual([g.id, h.id]);
    expect(await groupOf('email', d.id)).toBeUndefined();

    const counted = (
      await admin.get('/api/customers/duplicates?key=email&pageSize=100').expect(200)
    ).body.items.find((g: { key: string }) => g.key === 'dup1@example.jp');
    expect(counted.customers[0].related).toMatchObject({
      tickets: 0,
      threads: 0,
      smsMessages: 0,
      historyEntries: 1,
    }); // 顧客登録
    for (const bad of [
      'key=nickname',
      'key=email&pageSize=0',
      'key=email&page=x',
      'key=email&birthdayOnly=perhaps',
    ]) {
      const res = await admin.get(`/api/customers/duplicates?${bad}`).expect(400);
      expect(res.body.error).toBe('VALIDATION_FAILED');
    }
    expect((await t.http.get('/api/customers/duplicates?key=email')).status).toBe(401);
  });

  it('moves the rows of every table that references a customer, keeps the chosen values, and leaves the merged code resolving', async () => {
    const refs = await customerReferences(ds());
    const moved = t.app.get(CustomerMergeRegistry).references();
    // The schema's references, every one moved by some lib's participant: a new table is caught here.
    expect(moved).toEqual(refs);
    expect(refs.length).toBeGreaterThanOrEqual(11);

    const staff2 = (
      await admin
        .post('/api/users', {
          email: `merge-staff-${kind}@test.local`,
          name: '担当 次郎',
          password: 'merge-password-2',
          groupIds: [],
        })
        .expect(201)
    ).body.id as number;
    const survivor = await customer({
      lastName: '山田',
      firstName: '太郎',
      email: 'taro@example.jp',
      tel: '03-5555-0001',
      branch: '本店',
      assigneeIds: [adminId],
    });
    const other = await customer({
      lastName: '山田',
      firstName: '太郎',
      lastNameKana: 'ヤマダ',
      email: 'yamada.t@example.jp',
      mobile: '090-5555-0002',
      address: '東京都港区1-2-3',
      branch: '港支店',
      assigneeIds: [staff2],
    });

    // A row in every referencing table for the customer merged away, through the product's own routes.
    await admin
      .post(`/api/customers/${other.id}/history`, { title: '電話で相談', state: 'done' })
      .expect(201);
    await admin
      .post(`/api/customers/${other.id}/visits`, { visitedAt: '2026-03-01T10:00:00+09:00', amount: 5000 })
      .expect(201);
    await admin.upload(`/api/customers/${other.id}/images`, 'file', PNG, 'card.png', 'image/png').expect(201);
    await admin.put(`/api/customers/${other.id}/sms-consent`, { optIn: true, method: 'paper' }).expect(200);
    await admin
      .post('/api/sms/messages', {
        customerId: other.id,
        body: 'ご来店ありがとうございました。',
        purpose: 'transactional',
      })
      .expect(201);
    await admin
      .put(`/api/customers/${survivor.id}/sms-consent`, { optIn: false, method: 'phone' })
      .expect(200);
    await admin.put(`/api/customers/${other.id}/sms-consent`, { optIn: true, method: 'phone' }).expect(200); // the newest record of all
    const tpl = (
      await admin
        .post('/api/sms/templates', {
          name: `統合-${kind}`,
          subject: '案内',
          body: '[[%氏名%]]様 ご案内です。配信停止は「停止」と返信してください。',
        })
        .expect(201)
    ).body;
    await admin
      .post('/api/sms/bulk', { customerIds: [other.id], templateId: tpl.id, purpose: 'marketing' })
      .expect(201);
    const thread = (
      await admin
        .post('/api/mypage/threads', {
          customerId: other.id,
          title: '見積もりの件',
          post: { text: '見積もりをお送りします。' },
        })
        .expect(201)
    ).body as { id: number; code: string };
    await admin.post(`/api/customers/${other.id}/portal-invitation`).expect(201);

    const before = new Map<string, [number, number]>();
    for (const ref of refs) {
      before.set(ref, [await rowsOf(ref, survivor.id), await rowsOf(ref, other.id)]);
      // Seeded above: if this fails, a new table references customers and this test must give it a row.
      expect({ ref, rows: await rowsOf(ref, other.id) }).not.toEqual({ ref, rows: 0 });
    }

    const merged = (
      await admin
        .post('/api/customers/merge', {
          survivorId: survivor.id,
          mergedIds: [other.id],
          fields: { email: other.id, lastNameKana: other.id, branch: other.id },
        })
        .expect(200)
    ).body;
    expect(merged).toMatchObject({
      id: survivor.id,
      code: survivor.code,
      email: 'yamada.t@example.jp',
      lastNameKana: 'ヤマダ',
      branch: '港支店',
      tel: '03-5555-0001',
      mobile: '090-5555-0002',
      address: '東京都港区1-2-3',
      smsConsent: true,
    });
    expect(merged.assigneeIds).toEqual([adminId, staff2].sort((x, y) => x - y));
    // The survivor's own address did not survive in its field: it is kept in 備考, not lost.
    expect(merged.comment).toContain('taro@example.jp');

    for (const ref of refs) {
      const [s, o] = before.get(ref)!;
      expect({ ref, left: await rowsOf(ref, other.id) }).toEqual({ ref, left: 0 });
      const now = await rowsOf(ref, survivor.id);
      if (ref === 'customer_search.customer_id' || ref === 'portal_account.customer_id')
        expect({ ref, now }).toEqual({ ref, now: 1 });
      else if (ref === 'customer_assignee.customer_id') expect(now).toBe(2);
      else if (ref === 'history_entry.customer_id')
        expect(now).toBe(s + o + 1); // + 「顧客を統合しました」
      else expect({ ref, now }).toEqual({ ref, now: s + o });
    }

    // The merged-away code still resolves, and says where it went.
    const gone = (await admin.get(`/api/customers/${other.id}`).expect(200)).body;
    expect(gone).toMatchObject({
      code: other.code,
      mergedInto: { id: survivor.id, code: survivor.code },
      email: null,
      mobile: null,
    });
    // … but is no longer listed, searched or matched.
    expect((await admin.get(`/api/customers?q=${other.code}`).expect(200)).body.items).toEqual([]);
    expect(
      (await admin.get('/api/customers?name=山田太郎').expect(200)).body.items.map(
        (c: { id: number }) => c.id,
      ),
    ).toEqual([survivor.id]);
    expect(await t.app.get(CustomersService).findByMobile('09055550002')).toBe(survivor.id);
    expect(
      (await admin.get('/api/customers/duplicates?key=fullName&pageSize=100').expect(200)).body.items.find(
        (g: { key: string }) => g.key === '山田太郎',
      ),
    ).toBeUndefined();
    // Editing or merging it again is refused with a reason.
    expect((await admin.patch(`/api/customers/${other.id}`, { branch: 'x' }).expect(409)).body.error).toBe(
      'CUSTOMER_MERGED',
    );
    expect(
      (
        await admin
          .post('/api/customers/merge', { survivorId: survivor.id, mergedIds: [other.id] })
          .expect(409)
      ).body.error,
    ).toBe('CUSTOMER_ALREADY_MERGED');

    // Its thread, SMS and history are found on the survivor's karte.
    const threads = (await admin.get(`/api/customers/${survivor.id}/mypage-threads`).expect(200)).body;
    expect(JSON.stringify(threads)).toContain(thread.code);
    const history = (await admin.get(`/api/customers/${survivor.id}/history?pageSize=50`).expect(200)).body
      .items as { title: string }[];
    expect(history.map((h) => h.title)).toEqual(
      expect.arrayContaining(['電話で相談', `顧客を統合しました（${other.code}）`]),
    );
    const sms = (await admin.get(`/api/sms/messages?customerId=${survivor.id}`).expect(200)).body;
    expect(JSON.stringify(sms)).toContain('ご来店ありがとうございました。');

    // Audited with both customers' before state.
    const audit = (await ds().query(
      'SELECT action, before_json AS b FROM audit_entry WHERE entity = ? AND entity_id = ? ORDER BY id',
      ['customer', String(survivor.id)],
    )) as { action: string; b: string }[];
    const record = audit.find((a) => a.action === 'merge')!;
    expect(record).toBeDefined();
    expect(record.b).toContain('yamada.t@example.jp');
    expect(record.b).toContain('taro@example.jp');
  });

  it('refuses bad merges with a reason and changes nothing', async () => {
    const a = await customer({ lastName: '拒否', email: 'refuse-a@example.jp' });
    const b = await customer({ lastName: '拒否', email: 'refuse-b@example.jp' });
    const cases: [object, number, string][] = [
      [{ survivorId: a.id, mergedIds: [] }, 400, 'VALIDATION_FAILED'],
      [{ survivorId: a.id, mergedIds: [a.id] }, 400, 'VALIDATION_FAILED'],
      [{ survivorId: a.id, mergedIds: [b.id], fields: { password: b.id } }, 400, 'VALIDATION_FAILED'],
      [{ survivorId: a.id, mergedIds: [b.id], fields: { email: 424242 } }, 400, 'VALIDATION_FAILED'],
      [{ survivorId: a.id, mergedIds: [b.id], fields: 'email' }, 400, 'VALIDATION_FAILED'],
      [
        { survivorId: a.id, mergedIds: Array.from({ length: 21 }, (_, i) => 900000 + i) },
        400,
        'VALIDATION_FAILED',
      ],
      [{ survivorId: a.id, mergedIds: [987654] }, 404, 'CUSTOMER_NOT_FOUND'],
      [{ survivorId: 987654, mergedIds: [b.id] }, 404, 'CUSTOMER_NOT_FOUND'],
    ];
    for (const [body, status, code] of cases) {
      const res = await admin.post('/api/customers/merge', body);
      expect({ body, status: res.status, code: res.body.error }).toEqual({ body, status, code });
    }
    expect((await reader.post('/api/customers/merge', { survivorId: a.id, mergedIds: [b.id] })).status).toBe(
      403,
    );
    expect((await admin.get(`/api/customers/${b.id}`).expect(200)).body).toMatchObject({
      email: 'refuse-b@example.jp',
      mergedInto: null,
    });
  });
});
