import { OutboxDispatcher } from '@madoguchi/core';
import { IntakeService } from '@madoguchi/mail';
import { DB_KINDS } from '@test/support/databases';
import { rawMail } from '@test/support/mail-builder';
import { SmtpSink, startSmtpSink } from '@test/support/smtp-sink';
import { Session, startTestApp, TestApp } from '@test/support/test-app';
import { simpleParser } from 'mailparser';
import { DataSource } from 'typeorm';

jest.setTimeout(120_000);

const FIELDS = [
  { key: 'name', label: 'お名前', type: 'text', required: true, maxLength: 50 },
  { key: 'email', label: 'メールアドレス', type: 'email', required: true },
  { key: 'tel', label: '電話番号', type: 'tel', required: false },
  { key: 'topic', label: 'ご用件', type: 'select', required: true, options: ['見積', '資料請求', 'その他'] },
  { key: 'channels', label: 'ご希望の連絡方法', type: 'checkbox', required: false, options: ['メール', '電話'] },
  { key: 'visit', label: 'ご来店予定', type: 'radio', required: false, options: ['あり', 'なし'] },
  { key: 'day', label: 'ご希望日', type: 'date', required: false },
  { key: 'body', label: 'お問い合わせ内容', type: 'textarea', required: true, maxLength: 1000 },
];

/** A thank-you mail for forms of just a name and an email field. */
const SHORT_THANK_YOU = { enabled: true, subject: '{{form.name}}を受け付けました', body: '{{field.name}} 様\n\nありがとうございます。' };

const THANK_YOU = {
  enabled: true,
  subject: '【{{form.name}}】{{field.topic}}のお問い合わせを受け付けました',
  body: '{{ field.name }} 様\n\nお問い合わせありがとうございます。\nご用件: {{field.topic}}\n連絡方法: {{field.channels}}\n\n{{field.body}}',
};

/** Inquiry forms on a real database: the builder's checks, the public page and submissions, spam protection, the thank-you mail. */
describe.each(DB_KINDS)('inquiry forms on %s', (kind) => {
  let sink: SmtpSink;
  let t: TestApp;
  let admin: Session;
  let mailboxId: number;
  let formId: number;
  let ipSeq = 0;
  const address = `forms-${kind}@example.jp`;
  /** Every test its own client address, so the rate limit only bites where a test wants it. */
  const client = () => `203.0.113.${++ipSeq}`;
  const submit = (slug: string, body: object, ip = client()) => t.http.post(`/api/public/forms/${slug}/submissions`).set('X-Forwarded-For', ip).send(body);
  const dispatchAll = async () => {
    while ((await t.app.get(OutboxDispatcher).dispatchDue()) > 0);
  };
  const ticketCount = async () => (await admin.get('/api/tickets').query({ mailboxId, pageSize: 1, spam: 'all' }).expect(200)).body.total as number;
  const outboxCount = async () => Number((await t.app.get(DataSource).query('SELECT COUNT(*) AS n FROM outbox'))[0].n);
  const valid = {
    name: '山田 花子',
    email: `hanako-${kind}@example.co.jp`,
    tel: '０３－１２３４－５６７８',
    topic: '見積',
    channels: ['電話', 'メール'],
    visit: 'あり',
    day: '2026-12-01',
    body: '外壁塗装の見積をお願いします。\n<b>2階建て</b>です。',
  };

  beforeAll(async () => {
    sink = await startSmtpSink();
    // supertest connects from loopback: here it plays the site's reverse proxy, whose X-Forwarded-For is believed.
    t = await startTestApp(kind, { TRUSTED_PROXIES: 'loopback' });
    admin = await t.login();
    mailboxId = (await admin.post('/api/mailboxes', { name: '窓口サポート', address, smtp: { host: sink.host, port: sink.port, secure: false } }).expect(201)).body.id;
  });
  afterAll(async () => {
    await t?.close();
    await sink?.stop();
  });

  it('refuses a second email field, a missing reply field, a bad slug and an unknown placeholder, each under its field', async () => {
    const url = `/api/mailboxes/${mailboxId}/forms`;
    const twoEmails = await admin.post(url, { name: 'x', fields: [...FIELDS, { key: 'email2', label: '確認用', type: 'email', required: true }], replyEmailField: 'email' }).expect(400);
    expect(twoEmails.body.fields['fields.8.type'].join()).toMatch(/exactly one email field/);
    const noReply = await admin.post(url, { name: 'x', fields: FIELDS }).expect(400);
    expect(noReply.body.fields.replyEmailField.join()).toMatch(/replyEmailField is required/);
    const notEmail = await admin.post(url, { name: 'x', fields: FIELDS, replyEmailField: 'name' }).expect(400);
    expect(notEmail.body.fields.replyEmailField.join()).toMatch(/must name an email field/);
    const badSlug = await admin.post(url, { name: 'x', slug: 'お問い合わせ Form', fields: FIELDS, replyEmailField: 'email' }).expect(400);
    expect(badSlug.body.fields.slug.join()).toMatch(/a-z, 0-9/);
    const placeholder = await admin.post(url, { name: 'x', fields: FIELDS, replyEmailField: 'email', thankYou: { enabled: true, subject: '{{form.name}}', body: '{{customer.name}} 様 {{field.nmae}}' } }).expect(400);
    expect(placeholder.body.fields['thankYou.body']).toEqual([expect.stringMatching(/unknown placeholder \{\{customer\.name\}\}/), expect.stringMatching(/unknown placeholder \{\{field\.nmae\}\}/)]);
    const noOptions = await admin.post(url, { name: 'x', fields: [...FIELDS.slice(0, 3), { key: 'topic', label: 'ご用件', type: 'radio', required: true }], replyEmailField: 'email' }).expect(400);
    expect(noOptions.body.fields['fields.3.options'].join()).toMatch(/at least one option/);
    const badType = await admin.post(url, { name: 'x', fields: [{ key: 'email', label: 'メール', type: 'url', required: true }], replyEmailField: 'email' }).expect(400);
    expect(badType.body.fields['fields.0.type'].join()).toMatch(/type must be one of/);
    expect((await admin.get(url).expect(200)).body).toEqual([]);
  });

  it('creates forms with a unique slug made from the name when none is given, lists, reads, updates and deletes them', async () => {
    const url = `/api/mailboxes/${mailboxId}/forms`;
    const created = await admin.post(url, { name: 'お問い合わせ', description: '24時間受け付けています。\n<注意>返信は営業日に。', fields: FIELDS, replyEmailField: 'email', thankYou: THANK_YOU }).expect(201);
    formId = created.body.id;
    expect(created.body).toMatchObject({ slug: 'form', path: '/forms/form', mailboxId, active: true, replyEmailField: 'email' });
    expect(created.body.fields.map((f: { key: string }) => f.key)).toEqual(FIELDS.map((f) => f.key));
    expect(created.body.publicUrl).toMatch(/\/forms\/form$/);
    // Another Japanese name: the next free slug; an English one: its words.
    const second = await admin.post(url, { name: '資料請求', fields: FIELDS.slice(0, 2), replyEmailField: 'email' }).expect(201);
    expect(second.body.slug).toBe('form-2');
    const english = await admin.post(url, { name: 'Quote Request', fields: FIELDS.slice(0, 2), replyEmailField: 'email' }).expect(201);
    expect(english.body.slug).toBe('quote-request');
    const taken = await admin.post(url, { name: 'x', slug: 'quote-request', fields: FIELDS.slice(0, 2), replyEmailField: 'email' }).expect(400);
    expect(taken.body.fields.slug.join()).toMatch(/already used/);
    expect(taken.body.fieldCodes.slug).toEqual([{ code: 'TAKEN' }]);

    expect((await admin.get(url).expect(200)).body.map((f: { name: string }) => f.name)).toEqual(['Quote Request', 'お問い合わせ', '資料請求']);
    expect((await admin.get(`${url}/${formId}`).expect(200)).body.thankYou).toEqual(THANK_YOU);

    const renamed = await admin.patch(`${url}/${second.body.id}`, { name: '資料請求フォーム', slug: `catalog-${kind}` }).expect(200);
    expect(renamed.body).toMatchObject({ name: '資料請求フォーム', slug: `catalog-${kind}` });
    // An update is checked as a whole: dropping the email field leaves replyEmailField pointing nowhere.
    const broken = await admin.patch(`${url}/${second.body.id}`, { fields: FIELDS.slice(0, 1) }).expect(400);
    expect(broken.body.fields.replyEmailField.join()).toMatch(/names no field/);

    await admin.delete(`${url}/${english.body.id}`).expect(204);
    await admin.get(`${url}/${english.body.id}`).expect(404);
    await t.http.get('/forms/quote-request').expect(404);
  });

  it('lets only managers change forms, and hides mailboxes a user cannot view', async () => {
    const other = (await admin.post('/api/mailboxes', { name: '人事', address: `hr-${kind}@example.jp` }).expect(201)).body.id;
    const group = await admin.post('/api/groups', { name: `閲覧のみ-${kind}`, rights: [], mailboxRights: [{ mailboxId, view: true, reply: true, approve: false, manage: false }] }).expect(201);
    await admin.post('/api/users', { email: `viewer-${kind}@test.local`, name: '閲覧者', password: 'viewer-pass-1', groupIds: [group.body.id] }).expect(201);
    const viewer = await t.login(`viewer-${kind}@test.local`, 'viewer-pass-1');
    await viewer.get(`/api/mailboxes/${mailboxId}/forms`).expect(200);
    await viewer.post(`/api/mailboxes/${mailboxId}/forms`, { name: 'x', fields: FIELDS, replyEmailField: 'email' }).expect(403);
    await viewer.patch(`/api/mailboxes/${mailboxId}/forms/${formId}`, { name: 'x' }).expect(403);
    await viewer.get(`/api/mailboxes/${other}/forms`).expect(404);
    await viewer.post(`/api/mailboxes/${other}/forms`, { name: 'x', fields: FIELDS, replyEmailField: 'email' }).expect(404);
  });

  it('serves the public page without sign-in, escaped, and 404 for an unknown slug', async () => {
    const page = await t.http.get('/forms/form').expect(200);
    expect(page.headers['content-type']).toMatch(/text\/html/);
    expect(page.text).toContain('<html lang="ja">');
    expect(page.text).toContain('&lt;注意&gt;返信は営業日に。');
    expect(page.text).toContain('data-testid="field-email"');
    expect(page.text).toContain('確認');
    const missing = await t.http.get('/forms/no-such-form').expect(404);
    expect(missing.headers['content-type']).toMatch(/text\/html/);
    await submit('no-such-form', { fields: valid }).expect(404);
    await t.http.post('/api/public/forms/no-such-form/check').send({ fields: valid }).expect(404);
  });

  it('files a submission as a ticket of channel form with the fields as a table, and mails the thank-you with the fields filled in', async () => {
    sink.clear();
    const check = await t.http.post('/api/public/forms/form/check').send({ fields: valid }).expect(200);
    expect(check.body.fields.find((f: { key: string }) => f.key === 'channels').value).toBe('メール、電話');
    expect(await ticketCount()).toBe(0);

    const res = await submit('form', { fields: valid, website: '' }).expect(201);
    expect(res.body).toEqual({ ok: true, code: expect.stringMatching(/^IQ\d{6}$/) });
    const list = (await admin.get('/api/tickets').query({ mailboxId }).expect(200)).body.items;
    expect(list).toHaveLength(1);
    const ticket = (await admin.get(`/api/tickets/${list[0].id}`).expect(200)).body;
    expect(ticket).toMatchObject({ code: res.body.code, channel: 'form', subject: 'お問い合わせ: 見積', state: 'unhandled', from: { address: valid.email, name: '山田 花子' } });
    const first = ticket.articles[0];
    expect(first).toMatchObject({ kind: 'form', direction: 'inbound', sender: 'customer' });
    expect(first.html).toContain('<table');
    expect(first.html).toContain('<th>お問い合わせ内容</th>');
    expect(first.html).toContain('&lt;b&gt;2階建て&lt;/b&gt;');
    expect(first.html).toContain('<td>メール、電話</td>');
    expect(first.html).toContain('<td>03-1234-5678</td>');
    expect(first.html).toContain('<td>2026/12/01</td>');
    expect(first.text).toContain('ご用件: 見積');

    await dispatchAll();
    const [mail] = await sink.waitFor(1);
    expect(mail.envelope.rcptTo).toEqual([valid.email]);
    const parsed = await simpleParser(mail.raw);
    expect(parsed.subject).toBe('【お問い合わせ】見積のお問い合わせを受け付けました');
    expect(parsed.from?.value[0]).toMatchObject({ address, name: '窓口サポート' });
    expect(parsed.text).toContain('山田 花子 様');
    expect(parsed.text).toContain('連絡方法: メール、電話');
    expect(parsed.text).toContain('<b>2階建て</b>です。');
    // Sending the thank-you mail does not touch the ticket.
    expect((await admin.get(`/api/tickets/${ticket.id}`).expect(200)).body).toMatchObject({ state: 'unhandled', articles: [expect.anything()] });

    // The customer answering the thank-you mail writes onto the same ticket.
    await t.app.get(IntakeService).ingest(
      { id: mailboxId, address },
      rawMail({ from: valid.email, to: address, subject: `Re: ${parsed.subject}`, body: '追記です', messageId: `re-thanks-${kind}@example.co.jp`, inReplyTo: parsed.messageId!.replace(/^<|>$/g, '') }),
      { kind: 'smtp' },
    );
    expect(await ticketCount()).toBe(1);
    expect((await admin.get(`/api/tickets/${ticket.id}`).expect(200)).body.articles).toHaveLength(2);
  });

  it('answers an invalid submission with a message per field and files nothing', async () => {
    const before = { tickets: await ticketCount(), outbox: await outboxCount() };
    const res = await submit('form', { fields: { ...valid, name: '', email: 'hanako@', topic: '不明', day: '2026-02-30', body: 'あ'.repeat(1001) } }).expect(400);
    expect(res.body.fields).toEqual({
      name: ['必須項目です'],
      email: ['メールアドレスの形式が正しくありません'],
      topic: ['選択肢から選んでください'],
      day: [expect.stringMatching(/日付/)],
      body: [expect.stringMatching(/1000文字以内/)],
    });
    await submit('form', { fields: 'not an object' }).expect(400);
    expect({ tickets: await ticketCount(), outbox: await outboxCount() }).toEqual(before);
  });

  it('answers a filled honeypot as if all went well, and files nothing', async () => {
    const before = { tickets: await ticketCount(), outbox: await outboxCount() };
    const res = await submit('form', { fields: valid, website: 'http://spam.example' }).expect(201);
    expect(res.body).toEqual({ ok: true, code: null });
    expect({ tickets: await ticketCount(), outbox: await outboxCount() }).toEqual(before);
  });

  it('refuses the sixth submission from one client within ten minutes with a 429, per form and per client', async () => {
    const ip = client();
    for (let i = 0; i < 5; i++) await submit('form', { fields: { ...valid, body: `連投 ${i}` } }, ip).expect(201);
    const refused = await submit('form', { fields: valid }, ip).expect(429);
    expect(refused.body.message).toMatch(/短時間に送信が繰り返された/);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(500);
    // Bots caught by the honeypot are limited too; other clients and other forms are not.
    await submit('form', { fields: valid, website: 'x' }, ip).expect(429);
    await submit('form', { fields: valid }).expect(201);
    await submit(`catalog-${kind}`, { fields: { name: '佐藤', email: 'sato@example.jp' } }, ip).expect(201);
  });

  it('sends the thank-you mail only to the field the form names as the sender\'s email, never to a text field', async () => {
    // A form stored before the builder's checks (or edited in the database) naming a text field:
    // whatever is typed there must not become a recipient, nor the ticket's contact.
    const url = `/api/mailboxes/${mailboxId}/forms`;
    const legacy = (await admin.post(url, { name: '旧フォーム', slug: `legacy-${kind}`, fields: FIELDS.slice(0, 2), replyEmailField: 'email', thankYou: SHORT_THANK_YOU }).expect(201)).body;
    await t.app.get(DataSource).query('UPDATE inquiry_form SET reply_email_field = ? WHERE id = ?', ['name', legacy.id]);
    const before = await outboxCount();
    const res = await submit(`legacy-${kind}`, { fields: { name: 'victim@example.net', email: `sender-${kind}@example.co.jp` } }).expect(201);
    expect(res.body.code).toMatch(/^IQ\d{6}$/);
    expect(await outboxCount()).toBe(before);
    const list = (await admin.get('/api/tickets').query({ mailboxId, q: res.body.code }).expect(200)).body.items;
    const ticket = (await admin.get(`/api/tickets/${list.find((x: { code: string }) => x.code === res.body.code).id}`).expect(200)).body;
    expect(ticket.contact.address).not.toBe('victim@example.net');
  });

  it('sends at most three thank-you mails an hour to one address, over all forms; later submissions are filed without one and the ticket says so', async () => {
    const url = `/api/mailboxes/${mailboxId}/forms`;
    await admin.post(url, { name: '別のフォーム', slug: `other-${kind}`, fields: FIELDS.slice(0, 2), replyEmailField: 'email', thankYou: SHORT_THANK_YOU }).expect(201);
    const victim = `victim-${kind}@example.net`;
    const counts: number[] = [];
    const codes: string[] = [];
    const send = async (slug: string, email: string, fields: object = valid) => {
      const before = await outboxCount();
      const res = await submit(slug, { fields: { ...fields, email } }).expect(201);
      codes.push(res.body.code);
      counts.push((await outboxCount()) - before);
    };
    await send('form', victim);
    await send('form', victim);
    await send(`other-${kind}`, victim, { name: '宣伝' });
    await send('form', victim);
    await send(`other-${kind}`, victim.toUpperCase(), { name: '宣伝' });
    // Someone else is not held up.
    await send('form', `someone-${kind}@example.net`);
    expect(counts).toEqual([1, 1, 1, 0, 0, 1]);
    // Every submission is a ticket; the skipped ones carry a note saying why there was no mail.
    for (const [i, code] of codes.entries()) {
      const item = (await admin.get('/api/tickets').query({ q: code, spam: 'all' }).expect(200)).body.items.find((x: { code: string }) => x.code === code);
      expect(item).toBeDefined();
      const articles = (await admin.get(`/api/tickets/${item.id}`).expect(200)).body.articles as { kind: string; sender: string; text: string }[];
      const note = articles.find((a) => a.kind === 'note');
      if (counts[i]) expect(note).toBeUndefined();
      else expect(note).toMatchObject({ sender: 'system', text: expect.stringMatching(/thank-you mail was not sent.*3 per hour/i) });
    }
  });

  it('documents the routes in the OpenAPI description', async () => {
    const doc = (await admin.get('/api/docs-json').expect(200)).body;
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(['/api/mailboxes/{id}/forms', '/api/mailboxes/{id}/forms/{formId}', '/forms/{slug}', '/api/public/forms/{slug}/submissions', '/api/public/forms/{slug}/check']),
    );
  });

  it('closes the page and the submissions of an inactive form', async () => {
    await admin.patch(`/api/mailboxes/${mailboxId}/forms/${formId}`, { active: false }).expect(200);
    await t.http.get('/forms/form').expect(404);
    await submit('form', { fields: valid }).expect(404);
    await admin.patch(`/api/mailboxes/${mailboxId}/forms/${formId}`, { active: true }).expect(200);
    await t.http.get('/forms/form').expect(200);
  });
});

/**
 * Behind no trusted proxy (the default), X-Forwarded-For is the client's own say: a client that
 * sends a new one with every request is still one client to the rate limit.
 */
describe.each(DB_KINDS)('the form rate limit with a forged X-Forwarded-For on %s', (kind) => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp(kind, { TRUSTED_PROXIES: '' });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('counts the connecting address, not the header, when the peer is not a trusted proxy', async () => {
    const admin = await t.login();
    const mailboxId = (await admin.post('/api/mailboxes', { name: '偽装', address: `forged-${kind}@example.jp` }).expect(201)).body.id;
    await admin.post(`/api/mailboxes/${mailboxId}/forms`, { name: '偽装テスト', slug: 'forged', fields: FIELDS.slice(0, 2), replyEmailField: 'email' }).expect(201);
    const fields = { name: '連投', email: 'bot@example.net' };
    for (let i = 0; i < 5; i++) await t.http.post('/api/public/forms/forged/submissions').set('X-Forwarded-For', `198.51.100.${i + 1}`).send({ fields }).expect(201);
    const refused = await t.http.post('/api/public/forms/forged/submissions').set('X-Forwarded-For', '198.51.100.99').set('X-Real-IP', '198.51.100.98').send({ fields }).expect(429);
    expect(refused.body.error).toBe('TOO_MANY_ATTEMPTS');
  });
});
