import { randomUUID } from 'node:crypto';
import { OutboxDispatcher } from '@madoguchi/core';
import { IntakeService } from '@madoguchi/mail';
import { fromFormSubmission } from '@madoguchi/forms';
import { TicketsService } from '@madoguchi/tickets';
import { DataSource } from 'typeorm';
import { DB_KINDS } from '@test/support/databases';
import { rawMail } from '@test/support/mail-builder';
import { SmtpSink, startSmtpSink } from '@test/support/smtp-sink';
import { Session, startTestApp, TestApp } from '@test/support/test-app';
import { simpleParser } from 'mailparser';

jest.setTimeout(120_000);

/** Folders, routing rules and journal mail on a real database and a real SMTP server. */
describe.each(DB_KINDS)('mailbox automation on %s', (kind) => {
  let sink: SmtpSink;
  let t: TestApp;
  let admin: Session;
  let mailboxId: number;
  let estimates: number;
  let complaints: number;
  let sub: number;
  const address = `info-${kind}@example.jp`;
  let seq = 0;

  const dispatchAll = async () => {
    while ((await t.app.get(OutboxDispatcher).dispatchDue()) > 0);
  };
  const ingest = (opts: Partial<Parameters<typeof rawMail>[0]> & { subject: string }) =>
    t.app.get(IntakeService).ingest({ id: mailboxId, address }, rawMail({ from: 'customer@example.co.jp', to: address, body: '本文です', messageId: `auto-${kind}-${++seq}@example.co.jp`, ...opts }), { kind: 'smtp' });
  const ticketBySubject = async (subject: string, spam = 'all') =>
    (await admin.get('/api/tickets').query({ mailboxId, pageSize: 200, spam }).expect(200)).body.items.find((x: { subject: string }) => x.subject === subject);

  beforeAll(async () => {
    sink = await startSmtpSink();
    t = await startTestApp(kind);
    admin = await t.login();
    mailboxId = (await admin.post('/api/mailboxes', { name: '問い合わせ', address, smtp: { host: sink.host, port: sink.port, secure: false } }).expect(201)).body.id;
  });
  afterAll(async () => {
    await t?.close();
    await sink?.stop();
  });

  it('creates nested folders and refuses duplicates and loops', async () => {
    estimates = (await admin.post(`/api/mailboxes/${mailboxId}/folders`, { name: '見積' }).expect(201)).body.id;
    complaints = (await admin.post(`/api/mailboxes/${mailboxId}/folders`, { name: 'クレーム' }).expect(201)).body.id;
    sub = (await admin.post(`/api/mailboxes/${mailboxId}/folders`, { name: '外壁', parentId: estimates }).expect(201)).body.id;
    const dup = await admin.post(`/api/mailboxes/${mailboxId}/folders`, { name: '見積' }).expect(400);
    expect(JSON.stringify(dup.body)).toMatch(/already a folder 「見積」/);
    const loop = await admin.patch(`/api/mailboxes/${mailboxId}/folders/${estimates}`, { parentId: sub }).expect(400);
    expect(JSON.stringify(loop.body)).toMatch(/into itself or one of its subfolders/);
    const list = (await admin.get(`/api/mailboxes/${mailboxId}/folders`).expect(200)).body;
    expect(list.map((f: { name: string; parentId: number | null; count: number }) => [f.name, f.parentId, f.count])).toEqual([
      ['見積', null, 0],
      ['クレーム', null, 0],
      ['外壁', estimates, 0],
    ]);
  });

  it('saves rules in order and refuses a bad regex, an unknown field and a foreign folder', async () => {
    const bad = await admin
      .post(`/api/mailboxes/${mailboxId}/rules`, { name: '壊れた', match: 'all', conditions: [{ field: 'body', op: 'regex', value: '([a-z' }], actions: [{ type: 'stop' }] })
      .expect(400);
    expect(JSON.stringify(bad.body)).toMatch(/invalid regular expression/);
    const field = await admin.post(`/api/mailboxes/${mailboxId}/rules`, { name: 'x', match: 'all', conditions: [{ field: 'sender', op: 'contains', value: 'a' }], actions: [{ type: 'stop' }] }).expect(400);
    expect(field.body.message).toMatch(/unknown field "sender"/);
    const folder = await admin.post(`/api/mailboxes/${mailboxId}/rules`, { name: 'x', match: 'all', conditions: [], actions: [{ type: 'moveToFolder', folderId: 99999 }] }).expect(400);
    expect(JSON.stringify(folder.body)).toMatch(/folderId of this mailbox/);

    await admin
      .post(`/api/mailboxes/${mailboxId}/rules`, { name: '見積依頼', match: 'any', conditions: [{ field: 'subject', op: 'contains', value: '見積' }, { field: 'body', op: 'regex', value: '御?見積(書|依頼)' }], actions: [{ type: 'moveToFolder', folderId: estimates }, { type: 'addLabel', label: '見積' }] })
      .expect(201);
    await admin
      .post(`/api/mailboxes/${mailboxId}/rules`, { name: '苦情', match: 'all', conditions: [{ field: 'subject', op: 'contains', value: '苦情' }], actions: [{ type: 'moveToFolder', folderId: complaints }, { type: 'stop' }] })
      .expect(201);
    // Inserted first: spam from a known domain.
    await admin
      .post(`/api/mailboxes/${mailboxId}/rules`, { name: '迷惑', match: 'all', position: 1, conditions: [{ field: 'from', op: 'endsWith', value: '@spam.example' }], actions: [{ type: 'markSpam' }, { type: 'stop' }] })
      .expect(201);
    const rules = (await admin.get(`/api/mailboxes/${mailboxId}/rules`).expect(200)).body;
    expect(rules.map((r: { name: string; position: number }) => [r.position, r.name])).toEqual([
      [1, '迷惑'],
      [2, '見積依頼'],
      [3, '苦情'],
    ]);
  });

  it('files mail where the rules say, logs each rule on the ticket, and sends one journal mail per recipient — none for spam or auto-replies', async () => {
    await admin.put(`/api/mailboxes/${mailboxId}/journal`, { enabled: true, recipients: ['not-an-address'] }).expect(400);
    await admin.put(`/api/mailboxes/${mailboxId}/journal`, { enabled: true, recipients: [`boss-${kind}@example.jp`, `team-${kind}@example.jp`] }).expect(200);
    sink.clear();

    await ingest({ subject: '外壁塗装の見積をお願いします', fromName: '山田 花子' });
    await ingest({ subject: '苦情：配送が遅い' });
    await ingest({ subject: '今すぐ儲かる', from: 'bulk@spam.example' });
    await ingest({ subject: '自動応答: 不在です', headers: { 'Auto-Submitted': 'auto-replied' } });
    await ingest({ subject: 'その他のお問い合わせ' });

    const est = await ticketBySubject('外壁塗装の見積をお願いします');
    expect(est).toMatchObject({ folderId: estimates, labels: [expect.objectContaining({ name: '見積' })], spam: false });
    const detail = (await admin.get(`/api/tickets/${est.id}`).expect(200)).body;
    expect(detail.ruleLog).toEqual([expect.objectContaining({ ruleName: '見積依頼', position: 2, actions: expect.arrayContaining([expect.objectContaining({ type: 'moveToFolder', folderName: '見積' })]) })]);
    expect(await ticketBySubject('苦情：配送が遅い')).toMatchObject({ folderId: complaints });
    expect(await ticketBySubject('今すぐ儲かる')).toMatchObject({ spam: true });
    // Spam stays out of the normal list.
    expect(await ticketBySubject('今すぐ儲かる', 'false')).toBeUndefined();
    expect(await ticketBySubject('その他のお問い合わせ')).toMatchObject({ folderId: null });

    await dispatchAll();
    await dispatchAll();
    const mails = sink.messages();
    const parsed = await Promise.all(mails.map((m) => simpleParser(m.raw)));
    const subjects = parsed.map((p) => p.subject ?? '');
    // Three real inquiries × two recipients; nothing for spam or the auto-reply.
    expect(mails).toHaveLength(6);
    expect(mails.flatMap((m) => m.envelope.rcptTo).filter((r) => r.startsWith('boss-'))).toHaveLength(3);
    expect(subjects.some((s) => s.includes('今すぐ儲かる') || s.includes('不在'))).toBe(false);
    const journal = parsed.find((p) => p.subject?.includes('外壁塗装'))!;
    expect(journal.text).toContain('フォルダ: 見積');
    expect(journal.text).toContain('山田 花子');
    expect(journal.text).toContain(`/tickets/${est.id}`);
  });

  it('sends journal mail only for the chosen folders', async () => {
    await admin.put(`/api/mailboxes/${mailboxId}/journal`, { enabled: true, recipients: [`boss-${kind}@example.jp`], folderIds: [complaints] }).expect(200);
    sink.clear();
    await ingest({ subject: '見積の件 2' });
    await ingest({ subject: '苦情 2' });
    await dispatchAll();
    const parsed = await Promise.all(sink.messages().map((m) => simpleParser(m.raw)));
    expect(parsed.map((p) => p.subject)).toEqual([expect.stringContaining('苦情 2')]);
  });

  it('moves tickets, counts them per folder, asks where a non-empty folder’s tickets go, and re-applies rules on demand', async () => {
    const other = await ticketBySubject('その他のお問い合わせ');
    await admin.post('/api/tickets/move', { ticketIds: [other.id], folderId: sub }).expect(200);
    await admin.post('/api/tickets/move', { ticketIds: [other.id], folderId: 99999 }).expect(400);
    let folders = (await admin.get(`/api/mailboxes/${mailboxId}/folders`).expect(200)).body;
    expect(folders.find((f: { id: number }) => f.id === sub).count).toBe(1);
    expect((await admin.get('/api/tickets').query({ folderId: sub }).expect(200)).body.items.map((x: { id: number }) => x.id)).toEqual([other.id]);

    const refused = await admin.delete(`/api/mailboxes/${mailboxId}/folders/${sub}`).expect(409);
    expect(refused.body.message).toMatch(/holds 1 ticket: say where they go/);
    const inUse = await admin.delete(`/api/mailboxes/${mailboxId}/folders/${complaints}?moveTo=root`).expect(409);
    expect(inUse.body.message).toMatch(/「苦情」/);
    await admin.delete(`/api/mailboxes/${mailboxId}/folders/${sub}?moveTo=root`).expect(200);
    expect((await ticketBySubject('その他のお問い合わせ')).folderId).toBeNull();

    // A new rule, then re-applied to the top level.
    await admin.post(`/api/mailboxes/${mailboxId}/rules`, { name: 'その他', match: 'all', conditions: [{ field: 'subject', op: 'contains', value: 'その他' }], actions: [{ type: 'addLabel', label: '一般' }] }).expect(201);
    const res = await admin.post(`/api/mailboxes/${mailboxId}/rules/reapply`, { folderId: null }).expect(200);
    expect(res.body.changed).toBeGreaterThanOrEqual(1);
    expect((await ticketBySubject('その他のお問い合わせ')).labels.map((l: { name: string }) => l.name)).toEqual(['一般']);
    folders = (await admin.get(`/api/mailboxes/${mailboxId}/folders`).expect(200)).body;
    expect(folders.map((f: { name: string }) => f.name)).toEqual(['見積', 'クレーム']);
  });

  it('links inquiries to the customer database: finds by email or phone, creates 仮登録 customers, fills only empty fields', async () => {
    const bad = await admin.put(`/api/mailboxes/${mailboxId}/customer-link`, { enabled: true, matchBy: 'phone', fieldMap: { name: 'nickname' } }).expect(400);
    expect(bad.body.message).toMatch(/unknown customer field "nickname"/);
    await admin.put(`/api/mailboxes/${mailboxId}/customer-link`, { enabled: true, matchBy: 'phone', fieldMap: { sei: 'lastName', mei: 'firstName', tel: 'tel', addr: 'address' } }).expect(200);
    await admin.post(`/api/mailboxes/${mailboxId}/rules`, { name: 'リフォーム', match: 'all', conditions: [{ field: 'form.kind', op: 'equals', value: 'リフォーム' }], actions: [{ type: 'moveToFolder', folderId: estimates }] }).expect(201);

    const submit = (email: string, tel: string, addr: string) =>
      t.app.get(DataSource).transaction((m) =>
        t.app.get(TicketsService).receive(m, [fromFormSubmission({
          mailboxId,
          formId: 1,
          formName: '資料請求フォーム',
          subject: '資料請求フォーム',
          fields: [
            { key: 'sei', label: '姓', type: 'text', value: '佐々木' },
            { key: 'mei', label: '名', type: 'text', value: '一郎' },
            { key: 'email', label: 'メール', type: 'email', value: email },
            { key: 'tel', label: '電話', type: 'tel', value: tel },
            { key: 'addr', label: '住所', type: 'text', value: addr },
            { key: 'kind', label: '種別', type: 'select', value: 'リフォーム' },
          ],
          replyEmail: email,
          senderName: '佐々木 一郎',
          submittedAt: new Date(),
        }, randomUUID())]).then(([filed]) => filed),
      );
    const first = await submit(`sasaki-${kind}@example.jp`, '090-1111-2222', '東京都港区1-2-3');
    expect(first.customerId).not.toBeNull();
    const customer = (await admin.get(`/api/customers/${first.customerId}`).expect(200)).body;
    expect(customer).toMatchObject({ lastName: '佐々木', firstName: '一郎', registrationState: 'provisional', address: '東京都港区1-2-3', email: `sasaki-${kind}@example.jp` });
    expect(customer.mobile ?? customer.tel).toMatch(/090-?1111-?2222/);
    const ticket = (await admin.get(`/api/tickets/${first.ticketId}`).expect(200)).body;
    expect(ticket).toMatchObject({ channel: 'form', folderId: estimates, customerId: first.customerId });
    expect(ticket.articles[0]).toMatchObject({ kind: 'form', text: expect.stringContaining('種別: リフォーム') });
    expect(ticket.articles[0].html).toContain('<th>住所</th>');

    // The same phone, written differently and with another email: the same customer; filled fields are kept.
    const second = await submit(`other-${kind}@example.jp`, '09011112222', '大阪府');
    expect(second.customerId).toBe(first.customerId);
    expect((await admin.get(`/api/customers/${first.customerId}`).expect(200)).body.address).toBe('東京都港区1-2-3');
    const theirs = (await admin.get('/api/tickets').query({ customerId: first.customerId }).expect(200)).body.items;
    expect(theirs.map((x: { id: number }) => x.id).sort()).toEqual([first.ticketId, second.ticketId].sort());

    // Email: matched by sender address, created from the display name when unknown.
    await admin.put(`/api/mailboxes/${mailboxId}/customer-link`, { enabled: true, matchBy: 'email', fieldMap: {} }).expect(200);
    await ingest({ subject: '初めての問い合わせ', from: `new-${kind}@example.net`, fromName: '中村 美咲' });
    const mailTicket = await ticketBySubject('初めての問い合わせ');
    const created = (await admin.get(`/api/customers/${mailTicket.customerId}`).expect(200)).body;
    expect(created).toMatchObject({ lastName: '中村', firstName: '美咲', email: `new-${kind}@example.net`, registrationState: 'provisional' });
    await ingest({ subject: '二通目', from: `new-${kind}@example.net` });
    expect((await ticketBySubject('二通目')).customerId).toBe(mailTicket.customerId);
    await ingest({ subject: '迷惑な勧誘', from: `x@spam.example` });
    expect((await ticketBySubject('迷惑な勧誘')).customerId).toBeNull();
  });

  it('turns public form submissions into tickets sorted by form-field rules, a 仮登録 customer (the same one for the same email) and a thank-you mail', async () => {
    await admin.put(`/api/mailboxes/${mailboxId}/customer-link`, { enabled: true, matchBy: 'email', fieldMap: { sei: 'lastName', mei: 'firstName', tel: 'tel' } }).expect(200);
    await admin.put(`/api/mailboxes/${mailboxId}/journal`, { enabled: true, recipients: [`boss-${kind}@example.jp`] }).expect(200);
    const form = await admin
      .post(`/api/mailboxes/${mailboxId}/forms`, {
        name: '来場予約',
        slug: `visit-${kind}`,
        fields: [
          { key: 'sei', label: '姓', type: 'text', required: true, maxLength: 20 },
          { key: 'mei', label: '名', type: 'text', required: false },
          { key: 'email', label: 'メールアドレス', type: 'email', required: true },
          { key: 'tel', label: '電話番号', type: 'tel', required: false },
          { key: 'kind', label: 'ご用件', type: 'select', required: true, options: ['リフォーム', '新築'] },
        ],
        replyEmailField: 'email',
        thankYou: { enabled: true, subject: '{{form.name}}を受け付けました', body: '{{field.sei}} 様\nご予約ありがとうございます。' },
      })
      .expect(201);
    const post = (fields: object, ip: string) => t.http.post(`/api/public/forms/${form.body.slug}/submissions`).set('X-Forwarded-For', ip).send({ fields });
    const bad = await post({ sei: '', email: 'not-an-email', kind: 'リフォーム' }, '10.9.0.1').expect(400);
    expect(Object.keys(bad.body.fields).sort()).toEqual(['email', 'sei']);

    sink.clear();
    const one = await post({ sei: '松本', mei: '健', email: `matsumoto-${kind}@example.jp`, tel: '03-5555-0001', kind: 'リフォーム' }, '10.9.0.2').expect(201);
    const two = await post({ sei: '松本', email: `Matsumoto-${kind}@example.jp`, kind: '新築' }, '10.9.0.3').expect(201);
    const tickets = (await admin.get('/api/tickets').query({ mailboxId, pageSize: 200 }).expect(200)).body.items.filter((x: { code: string }) => [one.body.code, two.body.code].includes(x.code));
    expect(tickets).toHaveLength(2);
    const byCode = (code: string) => tickets.find((x: { code: string }) => x.code === code);
    // The リフォーム rule from the previous test matches form.kind.
    expect(byCode(one.body.code)).toMatchObject({ channel: 'form', folderId: estimates });
    expect(byCode(two.body.code).folderId).toBeNull();
    expect(byCode(one.body.code).customerId).not.toBeNull();
    expect(byCode(two.body.code).customerId).toBe(byCode(one.body.code).customerId);
    const customer = (await admin.get(`/api/customers/${byCode(one.body.code).customerId}`).expect(200)).body;
    expect(customer).toMatchObject({ lastName: '松本', firstName: '健', registrationState: 'provisional', tel: '03-5555-0001' });

    await dispatchAll();
    const parsed = await Promise.all(sink.messages().map((m) => simpleParser(m.raw)));
    const thanks = parsed.filter((p) => p.subject === '来場予約を受け付けました');
    expect(thanks.map((p) => p.to && 'value' in p.to ? (p.to.value[0].address ?? '').toLowerCase() : '').sort()).toEqual([`matsumoto-${kind}@example.jp`, `matsumoto-${kind}@example.jp`]);
    expect(thanks[0].text).toContain('松本 様');
    expect(parsed.filter((p) => p.subject?.includes('新しい問い合わせ'))).toHaveLength(2);
  });
  it('files mail against a catastrophic-backtracking rule at once, and refuses back-references and look-around when saved (ReDoS)', async () => {
    const lookAround = await admin.post(`/api/mailboxes/${mailboxId}/rules`, { name: 'x', match: 'all', conditions: [{ field: 'body', op: 'regex', value: '(?=a)(a)\\1' }], actions: [{ type: 'stop' }] }).expect(400);
    expect(lookAround.body.error).toBe('VALIDATION_FAILED');
    expect(JSON.stringify(lookAround.body.fields)).toMatch(/conditions.*invalid regular expression/);
    const rule = await admin.post(`/api/mailboxes/${mailboxId}/rules`, { name: 'ReDoS', match: 'all', conditions: [{ field: 'body', op: 'regex', value: '^(a+)+$' }], actions: [{ type: 'addLabel', label: 'redos' }] }).expect(201);
    const started = Date.now();
    const filing = ingest({ subject: 'ReDoS の本文', body: `${'a'.repeat(5_000)}!` });
    // The process stays responsive while the mail is filed.
    const health = Date.now();
    await t.http.get('/api/health').expect(200);
    expect(Date.now() - health).toBeLessThan(1_000);
    await filing;
    expect(Date.now() - started).toBeLessThan(5_000);
    const ticket = await ticketBySubject('ReDoS の本文');
    expect(ticket).toBeDefined();
    expect(ticket.labels.map((l: { name: string }) => l.name)).not.toContain('redos');
    await admin.delete(`/api/mailboxes/${mailboxId}/rules/${rule.body.id}`).expect(204);
  });
});
