import { Customer } from '@madoguchi/customers';
import { DB_KINDS } from '@test/support/databases';
import { Session, startTestApp, TestApp } from '@test/support/test-app';
import { DataSource } from 'typeorm';

jest.setTimeout(120_000);

type Entry = { id: number; title: string; state: string; kind: string; staffId: number | null; batchId: number | null; createdAt: string };

describe.each(DB_KINDS)('bulk registration (一括登録) on %s', (kind) => {
  let t: TestApp;
  let admin: Session;
  let adminId: number;
  let staffA: number;
  let staffB: number;
  const tokyo: number[] = [];
  let osaka: number;
  let unassigned: number;

  const history = async (customerId: number): Promise<Entry[]> => (await admin.get(`/api/customers/${customerId}/history`).query({ pageSize: 200 }).expect(200)).body.items;
  const base = { title: '車検案内ハガキ発送', state: 'waiting', createdAt: '2026-11-20T09:00:00.000+09:00', staff: { mode: 'assignee' } };

  beforeAll(async () => {
    t = await startTestApp(kind);
    admin = await t.login();
    adminId = (await admin.get('/api/auth/me').expect(200)).body.id;
    const user = async (n: string, groupIds: number[] = []) =>
      (await admin.post('/api/users', { email: `${n}-${kind}@test.local`, name: `担当${n}`, password: 'batch-password-123', groupIds }).expect(201)).body.id as number;
    staffA = await user('a');
    staffB = await user('b');
    // Several 担当: the first by user id is the entry's.
    tokyo.push((await admin.post('/api/customers', { lastName: '東京', firstName: '一', branch: '東京本店', assigneeIds: [staffB, staffA] }).expect(201)).body.id);
    tokyo.push((await admin.post('/api/customers', { lastName: '東京', firstName: '二', branch: '東京本店', assigneeIds: [staffB] }).expect(201)).body.id);
    osaka = (await admin.post('/api/customers', { lastName: '大阪', firstName: '三', branch: '大阪支店', assigneeIds: [staffA] }).expect(201)).body.id;
    unassigned = (await admin.post('/api/customers', { lastName: '名古屋', firstName: '四', branch: '名古屋支店' }).expect(201)).body.id;
  });
  afterAll(async () => {
    await t?.close();
  });

  it('writes the entry for each ticked customer with one fixed 担当, authored by the caller', async () => {
    const res = await admin.post('/api/history/batches', { ...base, customerIds: [tokyo[0], osaka, osaka], staff: { mode: 'fixed', staffId: staffA } }).expect(201);
    expect(res.body).toEqual({ id: expect.any(Number), count: 2 });
    for (const id of [tokyo[0], osaka]) {
      const entries = (await history(id)).filter((e) => e.batchId === res.body.id);
      expect(entries).toHaveLength(1);
      expect(entries[0]).toMatchObject({ title: '車検案内ハガキ発送', state: 'waiting', kind: 'note', staffId: staffA });
      expect(new Date(entries[0].createdAt).toISOString()).toBe('2026-11-20T00:00:00.000Z');
      const full = (await admin.get(`/api/history/${entries[0].id}`).expect(200)).body;
      expect(full.authorId).toBe(adminId);
    }
    expect((await history(tokyo[1])).filter((e) => e.batchId === res.body.id)).toHaveLength(0);
  });

  it("writes for every customer matching the search, each with its own first 担当 (none → no 担当)", async () => {
    const res = await admin.post('/api/history/batches', { ...base, title: '年末のご挨拶', search: { branch: '東京' } }).expect(201);
    expect(res.body.count).toBe(2);
    const first = (await history(tokyo[0])).find((e) => e.batchId === res.body.id)!;
    const second = (await history(tokyo[1])).find((e) => e.batchId === res.body.id)!;
    expect(first.staffId).toBe(staffA);
    expect(second.staffId).toBe(staffB);
    expect((await history(osaka)).some((e) => e.batchId === res.body.id)).toBe(false);

    const all = await admin.post('/api/history/batches', { ...base, title: '全員へ案内', state: 'done', search: { q: '' } }).expect(201);
    expect(all.body.count).toBe(4);
    const none = (await history(unassigned)).find((e) => e.batchId === all.body.id)!;
    expect(none).toMatchObject({ staffId: null, state: 'done' });
  });

  it('finds bulk entries by their title in the karte search', async () => {
    const found = (await admin.get(`/api/customers/${osaka}/history`).query({ q: 'ハガキ' }).expect(200)).body.items as Entry[];
    expect(found.map((e) => e.title)).toEqual(['車検案内ハガキ発送']);
  });

  it('writes a batch larger than one statement and one progress chunk, every customer once', async () => {
    const ds = t.app.get(DataSource);
    const now = new Date();
    const rows = Array.from({ length: 2500 }, (_, i) => ({
      code: String(900001 + i),
      lastName: '大量',
      branch: '一括テスト支店',
      registrationState: 'registered' as const,
      listFlag: 'normal' as const,
      smsConsent: false,
      createdAt: now,
      updatedAt: now,
    }));
    // Straight into the table: 2,500 customers through the API would take most of the test's time.
    for (let i = 0; i < rows.length; i += 500) await ds.getRepository(Customer).insert(rows.slice(i, i + 500));
    const res = await admin.post('/api/history/batches', { ...base, title: '大量登録', search: { branch: '一括テスト' } }).expect(201);
    expect(res.body.count).toBe(2500);
    const [written] = await ds.query('SELECT COUNT(*) AS n, COUNT(DISTINCT customer_id) AS c FROM history_entry WHERE batch_id = ?', [res.body.id]);
    expect([Number(written.n), Number(written.c)]).toEqual([2500, 2500]);
    await admin.delete(`/api/history/batches/${res.body.id}`).expect(204);
    const [left] = await ds.query('SELECT COUNT(*) AS n FROM history_entry WHERE batch_id = ?', [res.body.id]);
    expect(Number(left.n)).toBe(0);
  });

  it('shows up in 作業管理 for the staff it was given to', async () => {
    const work = (await admin.get('/api/work').query({ staffId: staffA, pageSize: 200 }).expect(200)).body.items as (Entry & { customer: { id: number } })[];
    expect(work.filter((w) => w.title === '車検案内ハガキ発送').map((w) => w.customer.id).sort()).toEqual([tokyo[0], osaka].sort());
  });

  it('lists batches newest first with who, how many, the title and the source', async () => {
    const res = await admin.get('/api/history/batches').expect(200);
    expect(res.body.total).toBe(3);
    expect(res.body.items.map((b: { title: string }) => b.title)).toEqual(['全員へ案内', '年末のご挨拶', '車検案内ハガキ発送']);
    const [everyone, search, ids] = res.body.items;
    expect(ids).toMatchObject({ count: 2, state: 'waiting', staffMode: 'fixed', staffId: staffA, staffName: '担当a', createdById: adminId, source: { type: 'ids', customerCount: 2 } });
    expect(typeof ids.createdByName).toBe('string');
    expect(search).toMatchObject({ count: 2, staffMode: 'assignee', staffId: null, source: { type: 'search', search: { branch: '東京' } } });
    expect(everyone.count).toBe(4);
    const paged = await admin.get('/api/history/batches').query({ page: 2, pageSize: 2 }).expect(200);
    expect(paged.body.items.map((b: { title: string }) => b.title)).toEqual(['車検案内ハガキ発送']);
  });

  it('deletes a batch with exactly its entries: other batches and hand-made entries stay', async () => {
    const handMade = (await admin.post(`/api/customers/${tokyo[0]}/history`, { title: '電話で案内', state: 'in_progress', details: [{ content: '折り返し希望' }] }).expect(201)).body.id;
    const target = (await admin.post('/api/history/batches', { ...base, title: '消す一括', customerIds: [tokyo[0], tokyo[1], osaka] }).expect(201)).body.id;
    const entry = (await history(tokyo[0])).find((e) => e.batchId === target)!;
    // A detail line added since goes with its entry.
    await admin.post(`/api/history/${entry.id}/details`, { content: '発送済み' }).expect(201);
    const before = await Promise.all([tokyo[0], tokyo[1], osaka, unassigned].map(history));

    await admin.delete(`/api/history/batches/${target}`).expect(204);

    const after = await Promise.all([tokyo[0], tokyo[1], osaka, unassigned].map(history));
    after.forEach((list, i) => expect(list.map((e) => e.id)).toEqual(before[i].filter((e) => e.batchId !== target).map((e) => e.id)));
    expect(after[0].some((e) => e.id === handMade)).toBe(true);
    await admin.get(`/api/history/${entry.id}`).expect(404);
    const listed = (await admin.get('/api/history/batches').expect(200)).body.items.map((b: { id: number }) => b.id);
    expect(listed).not.toContain(target);
    await admin.delete(`/api/history/batches/${target}`).expect(404);

    const audit = await t.app.get(DataSource).query(`SELECT entity_id FROM audit_entry WHERE entity = 'history_batch' AND action = 'delete'`);
    expect(audit.map((a: { entity_id: number | string }) => Number(a.entity_id))).toContain(target);
  });

  it('streams progress lines, then the result, when asked for NDJSON', async () => {
    const res = await admin
      .post('/api/history/batches', { ...base, title: '進捗つき', customerIds: [osaka, unassigned] })
      .set('Accept', 'application/x-ndjson')
      .buffer(true)
      .parse((r, cb) => {
        let text = '';
        r.setEncoding('utf8');
        r.on('data', (c: string) => (text += c));
        r.on('end', () => cb(null, text));
      })
      .expect(201);
    expect(res.headers['content-type']).toMatch(/application\/x-ndjson/);
    const lines = (res.body as string).trim().split('\n').map((l) => JSON.parse(l));
    expect(lines[0]).toEqual({ progress: { done: 0, total: 2 } });
    expect(lines.at(-2)).toEqual({ progress: { done: 2, total: 2 } });
    expect(lines.at(-1)).toEqual({ result: { id: expect.any(Number), count: 2 } });
  });

  it('refuses bad requests with 400 and writes nothing', async () => {
    const count = async () => (await admin.get('/api/history/batches').expect(200)).body.total as number;
    const before = await count();
    const codes = async (body: object) => (await admin.post('/api/history/batches', body).expect(400)).body.fieldCodes as Record<string, { code: string }[]>;
    expect((await codes({ ...base, customerIds: [osaka], search: { branch: '大阪' } })).customerIds).toEqual([{ code: 'IDS_OR_SEARCH' }]);
    expect((await codes({ ...base })).customerIds).toEqual([{ code: 'IDS_OR_SEARCH' }]);
    const tooMany = Array.from({ length: 10_001 }, (_, i) => i + 1);
    expect((await codes({ ...base, customerIds: tooMany })).customerIds).toContainEqual({ code: 'ARRAY_MAX_SIZE', params: { max: 10_000 } });
    expect((await codes({ ...base, customerIds: [osaka], staff: { mode: 'fixed', staffId: 999_999 } }))['staff.staffId'][0].code).toBe('UNKNOWN_ID');
    expect((await codes({ ...base, customerIds: [osaka], staff: { mode: 'fixed' } }))['staff.staffId']).toBeDefined();
    expect((await codes({ ...base, customerIds: [osaka], staff: { mode: 'someone' } }))['staff.mode'][0].code).toBe('ONE_OF');
    expect((await codes({ ...base, customerIds: [osaka, 999_999] })).customerIds[0].code).toBe('UNKNOWN_ID');
    expect((await codes({ ...base, search: { branch: '存在しない支店' } })).search[0].code).toBe('BATCH_EMPTY');
    expect((await codes({ ...base, search: { page: 2 } }))['search.page'][0].code).toBe('UNKNOWN_FIELD');
    const { title: _t, ...noTitle } = base;
    expect((await codes({ ...noTitle, customerIds: [osaka] })).title).toBeDefined();
    expect((await codes({ ...base, title: 'あ'.repeat(101), customerIds: [osaka] })).title).toContainEqual({ code: 'MAX_LENGTH', params: { max: 100 } });
    const { state: _s, ...noState } = base;
    expect((await codes({ ...noState, customerIds: [osaka] })).state).toBeDefined();
    const { createdAt: _c, ...noCreatedAt } = base;
    expect((await codes({ ...noCreatedAt, customerIds: [osaka] })).createdAt).toBeDefined();
    const { staff: _st, ...noStaff } = base;
    expect((await codes({ ...noStaff, customerIds: [osaka] })).staff).toBeDefined();
    expect(await count()).toBe(before);
  });

  it('needs the history.bulk right (admin implies it); anonymous callers get 401', async () => {
    const writers = (await admin.post('/api/groups', { name: `書き込み-${kind}`, rights: ['customers.read', 'customers.write'] }).expect(201)).body.id;
    const bulkers = (await admin.post('/api/groups', { name: `一括-${kind}`, rights: ['history.bulk'] }).expect(201)).body.id;
    await admin.post('/api/users', { email: `writer-${kind}@test.local`, name: '書き込み係', password: 'batch-password-123', groupIds: [writers] }).expect(201);
    await admin.post('/api/users', { email: `bulker-${kind}@test.local`, name: '一括係', password: 'batch-password-123', groupIds: [bulkers] }).expect(201);
    const writer = await t.login(`writer-${kind}@test.local`, 'batch-password-123');
    const bulker = await t.login(`bulker-${kind}@test.local`, 'batch-password-123');

    await writer.post('/api/history/batches', { ...base, customerIds: [osaka] }).expect(403);
    await writer.get('/api/history/batches').expect(403);
    const own = (await bulker.post('/api/history/batches', { ...base, title: '権限あり', customerIds: [osaka] }).expect(201)).body.id;
    await writer.delete(`/api/history/batches/${own}`).expect(403);
    expect((await bulker.get('/api/history/batches').expect(200)).body.items[0]).toMatchObject({ id: own, createdByName: '一括係' });
    await bulker.delete(`/api/history/batches/${own}`).expect(204);

    await t.http.get('/api/history/batches').expect(401);
    await t.http.post('/api/history/batches').send({ ...base, customerIds: [osaka] }).expect(401);
    await t.http.delete('/api/history/batches/1').expect(401);
  });
});
