import { OutboxDispatcher } from '@madoguchi/core';
import { IntakeService } from '@madoguchi/mail';
import { DB_KINDS } from '@test/support/databases';
import { rawMail } from '@test/support/mail-builder';
import { SmtpSink, startSmtpSink } from '@test/support/smtp-sink';
import { Session, startTestApp, TestApp } from '@test/support/test-app';

jest.setTimeout(120_000);

interface Entry {
  id: number;
  customerId: number | null;
  title: string;
  state: string;
  kind: string;
  staffId: number | null;
  requestedToId: number | null;
  nextScheduledAt: string | null;
  ticketId: number | null;
  createdAt: string;
  details: { id: number; content: string; staffId: number | null; state: string | null }[];
}

/** 対応履歴 (issue #12 points 1–4, 6, 8–10): entries and details, the karte's search, 作業管理, automatic history, settings. */
describe.each(DB_KINDS)('response history on %s', (kind) => {
  let t: TestApp;
  let sink: SmtpSink;
  let admin: Session;
  let agent: Session;
  let reader: Session;
  let stranger: Session;
  let approver: Session;
  let adminId: number;
  let agentId: number;
  let mailboxId: number;
  let customerId: number;
  let seq = 0;
  const address = `history-${kind}@example.jp`;
  const customerMail = `hanako-${kind}@customer.example.jp`;

  const dispatch = () => t.app.get(OutboxDispatcher).dispatchDue();
  const inbound = async (subject: string, extra: { from?: string; headers?: Record<string, string>; messageId?: string } = {}) => {
    const messageId = extra.messageId ?? `history-${kind}-${++seq}@customer.example.jp`;
    const filed = await t.app.get(IntakeService).ingest(
      { id: mailboxId, address },
      rawMail({ from: extra.from ?? customerMail, to: address, subject, body: `${subject}の本文`, messageId, headers: extra.headers }),
      { kind: 'smtp' },
    );
    return { ticketId: (filed as { ticketId: number }).ticketId, messageId };
  };
  const history = async (id: number, query: Record<string, string | number | boolean> = {}) =>
    (await admin.get(`/api/customers/${id}/history`).query(query).expect(200)).body as { items: Entry[]; total: number };
  const newCustomer = async (lastName: string, extra: object = {}) => (await admin.post('/api/customers', { lastName, ...extra }).expect(201)).body.id as number;

  beforeAll(async () => {
    sink = await startSmtpSink();
    t = await startTestApp(kind);
    admin = await t.login();
    adminId = (await admin.get('/api/auth/me').expect(200)).body.id;
    mailboxId = (await admin.post('/api/mailboxes', { name: '対応履歴', address, smtp: { host: sink.host, port: sink.port, secure: false } }).expect(201)).body.id;
    const group = async (name: string, rights: string[], reply: boolean, approve = false) =>
      (await admin.post('/api/groups', { name: `${name}-${kind}`, rights, mailboxRights: [{ mailboxId, view: true, reply, approve, manage: false }] }).expect(201)).body.id as number;
    const agents = await group('履歴担当', ['customers.read', 'customers.write'], true);
    const readers = await group('履歴閲覧', ['customers.read'], false);
    const strangers = await group('履歴なし', [], true);
    const approvers = await group('履歴承認', ['customers.read'], true, true);
    const user = async (email: string, name: string, groupIds: number[]) =>
      (await admin.post('/api/users', { email, name, password: 'history-pass-123', groupIds, active: true }).expect(201)).body.id as number;
    agentId = await user(`h-agent-${kind}@test.local`, '佐藤 花子', [agents]);
    await user(`h-reader-${kind}@test.local`, '閲覧 一郎', [readers]);
    await user(`h-stranger-${kind}@test.local`, '部外 次郎', [strangers]);
    await user(`h-approver-${kind}@test.local`, '鈴木 課長', [approvers]);
    agent = await t.login(`h-agent-${kind}@test.local`, 'history-pass-123');
    reader = await t.login(`h-reader-${kind}@test.local`, 'history-pass-123');
    stranger = await t.login(`h-stranger-${kind}@test.local`, 'history-pass-123');
    approver = await t.login(`h-approver-${kind}@test.local`, 'history-pass-123');
    customerId = await newCustomer('山田', { firstName: '花子', email: customerMail, tel: '090-4169-1658' });
  });
  afterAll(async () => {
    await t?.close();
    await sink?.stop();
  });

  it('creates an entry with detail lines, edits and removes them, and refuses bad input with a message', async () => {
    const created = await agent
      .post(`/api/customers/${customerId}/history`, {
        title: '車検の見積もり依頼',
        state: 'waiting',
        kind: 'call',
        requestedToId: adminId,
        nextScheduledAt: '2026-12-10T10:00:00+09:00',
        details: [{ content: '見積もりを今週中に送る', state: 'waiting' }],
      })
      .expect(201);
    const entry = created.body as Entry;
    expect(entry).toMatchObject({ customerId, title: '車検の見積もり依頼', state: 'waiting', kind: 'call', staffId: agentId, requestedToId: adminId, ticketId: null });
    expect(entry.nextScheduledAt).toBe('2026-12-10T01:00:00.000Z');
    expect(entry.details).toEqual([expect.objectContaining({ content: '見積もりを今週中に送る', state: 'waiting' })]);

    const added = (await agent.post(`/api/history/${entry.id}/details`, { content: '電話で日程を確認した', staffId: agentId, workedAt: '2026-12-04T09:30:00+09:00' }).expect(201)).body as Entry;
    expect(added.details.map((d) => d.content)).toEqual(['見積もりを今週中に送る', '電話で日程を確認した']);
    const second = added.details[1].id;
    const edited = (await agent.patch(`/api/history/${entry.id}/details/${second}`, { content: '電話で日程を確認した（12/10）', state: 'done' }).expect(200)).body as Entry;
    expect(edited.details[1]).toMatchObject({ content: '電話で日程を確認した（12/10）', state: 'done' });
    const removed = (await agent.delete(`/api/history/${entry.id}/details/${added.details[0].id}`).expect(200)).body as Entry;
    expect(removed.details.map((d) => d.id)).toEqual([second]);

    const patched = (await agent.patch(`/api/history/${entry.id}`, { state: 'in_progress', title: '車検の見積もり（送付待ち）' }).expect(200)).body as Entry;
    expect(patched).toMatchObject({ state: 'in_progress', title: '車検の見積もり（送付待ち）' });
    expect((await reader.get(`/api/history/${entry.id}`).expect(200)).body.title).toBe('車検の見積もり（送付待ち）');

    const tooLong = await agent.post(`/api/customers/${customerId}/history`, { title: 'あ'.repeat(101), state: 'waiting' }).expect(400);
    expect(JSON.stringify(tooLong.body)).toMatch(/title must be at most 100 characters/);
    expect((await agent.post(`/api/customers/${customerId}/history`, { title: '件名', state: 'later' }).expect(400)).body.message).toBeDefined();
    await agent.post(`/api/customers/${customerId}/history`, { state: 'done' }).expect(400);
    const longDetail = await agent.post(`/api/history/${entry.id}/details`, { content: 'x'.repeat(2001) }).expect(400);
    expect(JSON.stringify(longDetail.body)).toMatch(/2,000/);
    const unknownStaff = await agent.post(`/api/customers/${customerId}/history`, { title: '件名', state: 'done', staffId: 999999 }).expect(400);
    expect(unknownStaff.body.fieldCodes?.staffId ?? JSON.stringify(unknownStaff.body)).toBeTruthy();
    await agent.post('/api/customers/999999/history', { title: '件名', state: 'done' }).expect(404);
    await agent.get('/api/history/999999').expect(404);
    await agent.patch(`/api/history/${entry.id}/details/999999`, { content: 'x' }).expect(404);
    await agent.get('/api/history/abc').expect(400);
    await agent.get('/api/customers/999999/history.csv').expect(404);
    // Moving an entry onto a customer: the customer must exist, the id must be one.
    await agent.post(`/api/history/${entry.id}/link`, { customerId: 999999 }).expect(404);
    expect((await agent.post(`/api/history/${entry.id}/link`, { customerId: 'x' }).expect(400)).body.message).toBeDefined();
    await agent.post('/api/history/999999/link', { customerId }).expect(404);
    await reader.post(`/api/history/${entry.id}/link`, { customerId }).expect(403);
    expect((await agent.post(`/api/history/${entry.id}/link`, { customerId }).expect(200)).body.customerId).toBe(customerId);

    // Rights: reading follows customers.read, writing needs customers.write.
    await reader.post(`/api/customers/${customerId}/history`, { title: '閲覧者の記録', state: 'done' }).expect(403);
    await reader.patch(`/api/history/${entry.id}`, { state: 'done' }).expect(403);
    await stranger.get(`/api/customers/${customerId}/history`).expect(403);
    await stranger.get('/api/work').expect(403);
    await t.http.get(`/api/customers/${customerId}/history`).expect(401);

    const gone = (await agent.post(`/api/customers/${customerId}/history`, { title: '消す記録', state: 'done' }).expect(201)).body.id;
    await agent.delete(`/api/history/${gone}`).expect(204);
    await agent.get(`/api/history/${gone}`).expect(404);
  });

  it('searches one customer’s history by dates, staff, state, kind, content and open-only, newest first, with totals', async () => {
    const id = await newCustomer('検索', { firstName: '太郎' });
    // Registering wrote its own automatic entry; this test is about the three below.
    for (const e of (await history(id)).items) await admin.delete(`/api/history/${e.id}`).expect(204);
    const add = (body: object) => admin.post(`/api/customers/${id}/history`, body).expect(201);
    await add({ title: 'オイル交換のご案内', state: 'done', kind: 'mail', createdAt: '2026-11-01T10:00:00+09:00', staffId: adminId });
    await add({ title: 'タイヤ交換', state: 'waiting', kind: 'visit', createdAt: '2026-11-15T10:00:00+09:00', staffId: agentId, nextScheduledAt: '2026-12-20T10:00:00+09:00', details: [{ content: 'スタッドレスタイヤの在庫を確認する' }] });
    await add({ title: '点検予約', state: 'in_progress', kind: 'call', createdAt: '2026-12-01T23:30:00+09:00', requestedToId: agentId, nextScheduledAt: '2026-12-05T10:00:00+09:00' });

    const all = await history(id);
    expect(all.total).toBe(3);
    expect(all.items.map((e) => e.title)).toEqual(['点検予約', 'タイヤ交換', 'オイル交換のご案内']);
    // A bare date is that whole day in the company's time zone (23:30 JST on 12/1 is on 12/1).
    expect((await history(id, { createdFrom: '2026-12-01', createdTo: '2026-12-01' })).items.map((e) => e.title)).toEqual(['点検予約']);
    expect((await history(id, { createdFrom: '2026-11-02', createdTo: '2026-11-30' })).items.map((e) => e.title)).toEqual(['タイヤ交換']);
    expect((await history(id, { nextFrom: '2026-12-01', nextTo: '2026-12-10' })).items.map((e) => e.title)).toEqual(['点検予約']);
    expect((await history(id, { staffId: agentId })).items.map((e) => e.title)).toEqual(['点検予約', 'タイヤ交換']);
    expect((await history(id, { state: 'done' })).items.map((e) => e.title)).toEqual(['オイル交換のご案内']);
    expect((await history(id, { kind: 'visit' })).items.map((e) => e.title)).toEqual(['タイヤ交換']);
    expect((await history(id, { openOnly: true })).total).toBe(2);
    // Content: any substring of the title or a detail line, hiragana finds katakana, full-width folds.
    expect((await history(id, { q: 'すたっどれす' })).items.map((e) => e.title)).toEqual(['タイヤ交換']);
    expect((await history(id, { q: '在庫' })).items.map((e) => e.title)).toEqual(['タイヤ交換']);
    expect((await history(id, { q: 'オイル　案内' })).items.map((e) => e.title)).toEqual(['オイル交換のご案内']);
    expect((await history(id, { q: '100%' })).total).toBe(0);
    const paged = await history(id, { pageSize: 2, page: 2 });
    expect(paged).toMatchObject({ total: 3 });
    expect(paged.items.map((e) => e.title)).toEqual(['オイル交換のご案内']);
    await admin.get(`/api/customers/${id}/history`).query({ createdFrom: 'yesterday' }).expect(400);
    await admin.get(`/api/customers/${id}/history`).query({ pageSize: 1000 }).expect(400);
    await admin.get(`/api/customers/${id}/history`).query({ kind: 'telegram' }).expect(400);
    await admin.get('/api/customers/999999/history').expect(404);

    const csv = await admin.get(`/api/customers/${id}/history.csv`).expect(200);
    expect(csv.headers['content-type']).toMatch(/text\/csv/);
    expect(csv.text.charCodeAt(0)).toBe(0xfeff);
    expect(csv.text).toContain('スタッドレスタイヤの在庫を確認する');
    expect(csv.text.split('\r\n').filter(Boolean)).toHaveLength(4);
  });

  it('writes no CSV cell a spreadsheet would run as a formula', async () => {
    const id = await newCustomer('数式');
    await admin.post(`/api/customers/${id}/history`, { title: '=HYPERLINK("http://evil.example")', state: 'done', details: [{ content: '+1+1' }] }).expect(201);
    const csv = (await admin.get(`/api/customers/${id}/history.csv`).expect(200)).text;
    expect(csv).toContain(`'=HYPERLINK`);
    expect(csv).toContain(`'+1+1`);
  });

  it('shows a ticket’s history notes on the karte, and they follow the ticket to the customer it is linked to', async () => {
    const { ticketId } = await inbound('電話で問い合わせた件');
    const note = await agent.post(`/api/tickets/${ticketId}/history-notes`, { kind: 'phone', text: '折り返しの電話をした\n来週の来店を約束' }).expect(201);
    expect(note.body).toMatchObject({ kind: 'history', historyKind: 'phone' });
    const entries = (await history(customerId, { q: '折り返し' })).items;
    expect(entries).toEqual([expect.objectContaining({ ticketId, kind: 'call', state: 'done', staffId: agentId, title: '電話対応: 折り返しの電話をした' })]);
    expect(entries[0].details.map((d) => d.content)).toEqual(['折り返しの電話をした\n来週の来店を約束']);
    // 対応済 with a note writes one too.
    const handled = await agent.post(`/api/tickets/${ticketId}/mark-handled`, { note: { kind: 'visit', text: '来店で説明した' } });
    expect([handled.status, handled.body.error]).toEqual([200, undefined]);
    expect((await history(customerId, { q: '来店で説明' })).items.map((e) => e.title)).toEqual(['来店対応: 来店で説明した']);

    // A ticket without a customer: the note waits on the ticket and moves when a customer is linked.
    const { ticketId: loose } = await inbound('知らない人から', { from: `stranger-${kind}@elsewhere.example.jp` });
    await agent.post(`/api/tickets/${loose}/history-notes`, { kind: 'fax', text: 'FAXで資料を送った' }).expect(201);
    const later = await newCustomer('後で紐付け');
    expect((await history(later, { kind: 'fax' })).total).toBe(0);
    await agent.patch(`/api/tickets/${loose}`, { customerId: later }).expect(200);
    expect((await history(later, { kind: 'fax' })).items.map((e) => ({ title: e.title, ticketId: e.ticketId, kind: e.kind }))).toEqual([{ title: 'FAX対応: FAXで資料を送った', ticketId: loose, kind: 'fax' }]);
  });

  it('writes automatic history once per event: inquiry, reply sent, reply rejected, customer registered; none for spam, auto-replies or a redelivery', async () => {
    const id = await newCustomer('自動', { email: `auto-${kind}@customer.example.jp` });
    const registered = (await history(id)).items;
    expect(registered).toEqual([expect.objectContaining({ kind: 'system', state: 'done', title: '顧客が登録されました。' })]);

    const from = `auto-${kind}@customer.example.jp`;
    const first = await inbound('見積もりのお願い', { from, messageId: `auto-first-${kind}@customer.example.jp` });
    // The same message delivered again (a retried IMAP fetch) files nothing new.
    await inbound('見積もりのお願い', { from, messageId: `auto-first-${kind}@customer.example.jp` });
    const inquiries = (await history(id, { kind: 'mail' })).items;
    expect(inquiries).toEqual([expect.objectContaining({ title: 'メールでお問い合わせがありました。', state: 'waiting', ticketId: first.ticketId })]);
    // Automatic replies and bounces are not inquiries.
    await inbound('自動応答: 不在です', { from, headers: { 'Auto-Submitted': 'auto-replied' } });
    expect((await history(id, { kind: 'mail' })).total).toBe(1);
    // Spam is not either.
    await admin.post(`/api/mailboxes/${mailboxId}/blocked-senders`, { pattern: `spam-${kind}@customer.example.jp` }).expect(201);
    const spamCustomer = await newCustomer('迷惑', { email: `spam-${kind}@customer.example.jp` });
    await inbound('当選しました', { from: `spam-${kind}@customer.example.jp` });
    expect((await history(spamCustomer, { kind: 'mail' })).total).toBe(0);

    // A reply sent: one entry, however often the delivery is reported.
    await admin.post(`/api/tickets/${first.ticketId}/replies`, { to: [from], text: 'お見積もりをお送りします。' }).expect(201);
    await dispatch();
    await dispatch();
    const sent = (await history(id, { q: 'メールを送信しました' })).items;
    expect(sent).toEqual([expect.objectContaining({ kind: 'mail', state: 'done', ticketId: first.ticketId, staffId: adminId })]);

    // Settings: a custom title and state, then switched off.
    const settings = (await admin.get('/api/settings/auto-history').expect(200)).body.events as { event: string; enabled: boolean; state: string; title: string }[];
    expect(settings.map((s) => s.event)).toEqual(expect.arrayContaining(['inquiry_mail', 'inquiry_form', 'reply_sent', 'reply_rejected', 'ticket_note', 'incoming_call', 'customer_registered', 'customers_merged', 'mypage_customer_post', 'mypage_staff_post', 'sms_sent', 'sms_received']));
    expect(settings.find((s) => s.event === 'sms_sent')?.title).toBe('SMSが送信されました。');
    await admin.put('/api/settings/auto-history', { events: [{ event: 'inquiry_mail', enabled: true, state: 'in_progress', title: '受信: {subject}' }] }).expect(200);
    await inbound('二件目のお願い', { from });
    expect((await history(id, { q: '受信' })).items).toEqual([expect.objectContaining({ title: '受信: 二件目のお願い', state: 'in_progress' })]);
    await admin.put('/api/settings/auto-history', { events: [{ event: 'inquiry_mail', enabled: false, state: 'waiting', title: 'x' }] }).expect(200);
    await inbound('三件目のお願い', { from });
    expect((await history(id, { kind: 'mail', q: '受信' })).total).toBe(1);
    expect((await history(id, { kind: 'mail' })).total).toBe(3);
    await agent.put('/api/settings/auto-history', { events: [] }).expect(403);
    await admin.put('/api/settings/auto-history', { events: [{ event: 'nope', enabled: true, state: 'done', title: 'x' }] }).expect(400);
    await admin.put('/api/settings/auto-history', { events: [{ event: 'inquiry_mail', enabled: true, state: 'waiting', title: 'メールでお問い合わせがありました。' }] }).expect(200);

    // A rejected reply: one entry per rejection, for the reply's author.
    const approverGroup = (await admin.get('/api/groups').expect(200)).body.find((g: { name: string }) => g.name === `履歴承認-${kind}`).id;
    await admin.put(`/api/mailboxes/${mailboxId}/approval-policy`, { mode: 'all', steps: [{ approverGroupIds: [approverGroup] }] }).expect(200);
    const reply = (await agent.post(`/api/tickets/${first.ticketId}/replies`, { to: [from], text: '確認をお願いします。' }).expect(201)).body;
    await approver.post(`/api/replies/${reply.id}/reject`, { reason: '金額を明記してください', step: 1 }).expect(200);
    await admin.put(`/api/mailboxes/${mailboxId}/approval-policy`, { mode: 'off' }).expect(200);
    const rejected = (await history(id, { q: '非承認' })).items;
    expect(rejected).toEqual([expect.objectContaining({ kind: 'system', state: 'in_progress', staffId: agentId })]);
    expect(rejected[0].details.map((d) => d.content)).toEqual(['金額を明記してください']);
  });

  it('lists my open work across customers by next scheduled, marks overdue work, and filters by staff, state and dates', async () => {
    const a = await newCustomer('作業', { firstName: '一郎' });
    const b = await newCustomer('作業', { firstName: '二郎' });
    const past = new Date(Date.now() - 86400_000).toISOString();
    const soon = new Date(Date.now() + 86400_000).toISOString();
    const later = new Date(Date.now() + 5 * 86400_000).toISOString();
    const mk = async (customer: number, body: object) => (await admin.post(`/api/customers/${customer}/history`, body).expect(201)).body.id as number;
    const overdue = await mk(a, { title: '期限切れの折り返し', state: 'waiting', staffId: agentId, nextScheduledAt: past });
    const next = await mk(b, { title: '明日の見積もり', state: 'in_progress', staffId: null, requestedToId: agentId, nextScheduledAt: soon });
    const undated = await mk(a, { title: '日付なしの作業', state: 'waiting', staffId: agentId });
    const farther = await mk(b, { title: '来週の点検', state: 'waiting', staffId: agentId, nextScheduledAt: later });
    await mk(a, { title: '完了した作業', state: 'done', staffId: agentId, nextScheduledAt: soon });
    await mk(a, { title: '他人の作業', state: 'waiting', staffId: adminId, nextScheduledAt: soon });

    const mine = (await agent.get('/api/work').expect(200)).body as { items: (Entry & { customer: { id: number; code: string; name: string } | null; overdue: boolean })[]; total: number };
    const ids = mine.items.map((e) => e.id);
    for (const x of [overdue, next, farther, undated]) expect(ids).toContain(x);
    // Ordered by next scheduled, undated last; overdue marked; each with its customer.
    const pos = (x: number) => ids.indexOf(x);
    expect(pos(overdue)).toBeLessThan(pos(next));
    expect(pos(next)).toBeLessThan(pos(farther));
    expect(pos(farther)).toBeLessThan(pos(undated));
    expect(mine.items.find((e) => e.id === overdue)).toMatchObject({ overdue: true, customer: { id: a, name: '作業 一郎' } });
    expect(mine.items.find((e) => e.id === next)).toMatchObject({ overdue: false, customer: { id: b } });
    expect(mine.items.some((e) => e.title === '完了した作業' || e.title === '他人の作業')).toBe(false);
    expect(mine.total).toBe(mine.items.length);

    const page = (await agent.get('/api/work').query({ pageSize: 2, page: 1 }).expect(200)).body;
    expect(page.total).toBe(mine.total);
    expect(page.items.map((e: Entry) => e.id)).toEqual(ids.slice(0, 2));
    const page2 = (await agent.get('/api/work').query({ pageSize: 2, page: 2 }).expect(200)).body;
    expect(page2.items.map((e: Entry) => e.id)).toEqual(ids.slice(2, 4));
    expect((await agent.get('/api/work').query({ overdue: true }).expect(200)).body.items.map((e: Entry) => e.id)).toEqual([overdue]);
    const inProgress = (await agent.get('/api/work').query({ state: 'in_progress' }).expect(200)).body.items as Entry[];
    expect(inProgress.map((e) => e.id)).toContain(next);
    expect(inProgress.every((e) => e.state === 'in_progress')).toBe(true);
    expect((await agent.get('/api/work').query({ state: 'done' }).expect(200)).body.items.map((e: Entry) => e.title)).toContain('完了した作業');
    const ranged = (await agent.get('/api/work').query({ nextFrom: soon.slice(0, 10), nextTo: later }).expect(200)).body.items.map((e: Entry) => e.id);
    expect(ranged.filter((x: number) => [overdue, next, undated, farther].includes(x))).toEqual([next, farther]);
    expect((await agent.get('/api/work').query({ staffId: adminId }).expect(200)).body.items.map((e: Entry) => e.title)).toContain('他人の作業');
    await agent.get('/api/work').query({ state: 'soon' }).expect(400);
    // Work nobody has (no 担当, no 依頼先): its own view, so an unassigned call is not lost.
    const nobodys = await mk(b, { title: '誰のものでもない作業', state: 'waiting', staffId: null, nextScheduledAt: soon });
    const unassigned = (await agent.get('/api/work').query({ unassigned: true }).expect(200)).body as { items: Entry[]; total: number };
    expect(unassigned.items.map((e) => e.id)).toContain(nobodys);
    expect(unassigned.items.every((e) => e.staffId === null && e.requestedToId === null && e.state !== 'done')).toBe(true);
    expect(unassigned.total).toBe(unassigned.items.length);
    expect((await agent.get('/api/work').expect(200)).body.items.map((e: Entry) => e.id)).not.toContain(nobodys);

    // Completing an entry takes it off the list.
    await agent.patch(`/api/history/${overdue}`, { state: 'done' }).expect(200);
    expect((await agent.get('/api/work').expect(200)).body.items.map((e: Entry) => e.id)).not.toContain(overdue);
  });

  it('keeps at most ten fixed phrases, set by an administrator', async () => {
    expect((await agent.get('/api/settings/history-phrases').expect(200)).body).toEqual({ phrases: [] });
    const phrases = ['車検案内ハガキ発送', '点検のご案内', ' 来店予約 '];
    expect((await admin.put('/api/settings/history-phrases', { phrases }).expect(200)).body).toEqual({ phrases: ['車検案内ハガキ発送', '点検のご案内', '来店予約'] });
    expect((await agent.get('/api/settings/history-phrases').expect(200)).body.phrases).toHaveLength(3);
    const eleven = await admin.put('/api/settings/history-phrases', { phrases: Array.from({ length: 11 }, (_, i) => `定型文${i}`) }).expect(400);
    expect(JSON.stringify(eleven.body)).toMatch(/at most 10/);
    await admin.put('/api/settings/history-phrases', { phrases: ['あ'.repeat(101)] }).expect(400);
    await agent.put('/api/settings/history-phrases', { phrases: [] }).expect(403);
  });

  it('lists the mail sent to a customer by kind, and send-later replies still waiting', async () => {
    const id = await newCustomer('送信', { email: `sent-${kind}@customer.example.jp` });
    const from = `sent-${kind}@customer.example.jp`;
    const { ticketId } = await inbound('送信履歴の確認', { from });
    await admin.post(`/api/tickets/${ticketId}/replies`, { to: [from], subject: 'ご回答', text: 'ご回答します。' }).expect(201);
    await dispatch();
    const sendAt = new Date(Date.now() + 3 * 86400_000).toISOString();
    await admin.post(`/api/tickets/${ticketId}/replies`, { to: [from], subject: '予約送信', text: 'あとで送ります。', sendAt }).expect(201);
    const sent = (await admin.get(`/api/customers/${id}/sent-mail`).expect(200)).body;
    expect(sent.total).toBe(1);
    expect(sent.items[0]).toMatchObject({ ticketId, kind: 'reply', status: 'sent', to: [from] });
    expect(sent.items[0].subject).toContain('ご回答');
    expect((await admin.get(`/api/customers/${id}/sent-mail`).query({ kind: 'form_thanks' }).expect(200)).body.total).toBe(0);
    const scheduled = (await admin.get(`/api/customers/${id}/scheduled-mail`).expect(200)).body;
    expect(scheduled.items).toEqual([expect.objectContaining({ ticketId, to: [from], sendAt: new Date(sendAt).toISOString() })]);
    expect(scheduled.items[0].subject).toContain('予約送信');
    await admin.get(`/api/customers/${id}/sent-mail`).query({ kind: 'fax' }).expect(400);
    await admin.get('/api/customers/999999/sent-mail').expect(404);
    await stranger.get(`/api/customers/${id}/sent-mail`).expect(403);
  });
});
