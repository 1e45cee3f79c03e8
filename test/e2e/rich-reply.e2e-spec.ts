import { OutboxDispatcher } from '@madoguchi/core';
import { DB_KINDS } from '@test/support/databases';
import { SmtpSink, startSmtpSink } from '@test/support/smtp-sink';
import { Session, startTestApp, TestApp } from '@test/support/test-app';
import { simpleParser } from 'mailparser';

jest.setTimeout(120_000);

/**
 * Rich text replies and per-agent signatures (issue 13 point 11): `bodyHtml` is sanitised on the
 * server, the plain part derived from it when no text is given, both stored and sent as
 * multipart/alternative through the real SMTP path; `GET|PUT /api/me/signature`.
 */
describe.each(DB_KINDS)('rich replies and signatures on %s', (kind) => {
  let sink: SmtpSink;
  let t: TestApp;
  let admin: Session;
  let agent: Session;
  let mailboxId: number;
  const customer = `suzuki-${kind}@customer.example.jp`;
  const dispatch = () => t.app.get(OutboxDispatcher).dispatchDue();
  const newTicket = async () => (await agent.post('/api/tickets/outbound', { mailboxId, to: [customer], subject: 'お問い合わせの件', text: '鈴木様\n\nご連絡します。' }).expect(201)).body.ticketId as number;

  beforeAll(async () => {
    sink = await startSmtpSink();
    t = await startTestApp(kind);
    admin = await t.login();
    mailboxId = (await admin.post('/api/mailboxes', { name: '窓口', address: `rich-${kind}@example.jp`, smtp: { host: sink.host, port: sink.port, secure: false } }).expect(201)).body.id;
    const group = (await admin.post('/api/groups', { name: `担当-${kind}`, rights: [], mailboxRights: [{ mailboxId, view: true, reply: true, approve: false, manage: false }] }).expect(201)).body.id;
    await admin.post('/api/users', { email: `rich-agent-${kind}@test.local`, name: '佐藤 担当', password: 'rich-reply-pass-123', groupIds: [group] }).expect(201);
    agent = await t.login(`rich-agent-${kind}@test.local`, 'rich-reply-pass-123');
  });

  afterAll(async () => {
    await t?.close();
    await sink?.stop();
  });

  beforeEach(() => sink.clear());

  it('sends a hostile bodyHtml as multipart/alternative with a derived plain part and none of the hostile parts', async () => {
    const ticketId = await newTicket();
    await dispatch();
    await sink.waitFor(1);
    sink.clear();
    const bodyHtml =
      '<p>鈴木様</p><p><b>お見積り</b>をお送りします。<script>alert("x")</script></p><img src="x" onerror="alert(1)"><ul><li>見積書</li></ul><a href="javascript:alert(2)">危険</a> <a href="https://example.jp/q">詳細</a><p style="color:red" onclick="steal()">以上</p>';
    const reply = (await agent.post(`/api/tickets/${ticketId}/replies`, { to: [customer], bodyHtml }).expect(201)).body;
    expect(reply.html).toContain('<b>お見積り</b>');
    expect(reply.html).not.toMatch(/script|onerror|onclick|javascript:|style=|<img/i);
    expect(reply.html).toContain('rel="noopener noreferrer"');
    expect(reply.text).toContain('お見積りをお送りします。');
    expect(reply.text).toContain('* 見積書');
    expect(reply.text).not.toMatch(/</);

    await dispatch();
    const [sent] = await sink.waitFor(1);
    const raw = sent.raw.toString('latin1');
    expect(raw).toMatch(/Content-Type: multipart\/alternative/i);
    const parsed = await simpleParser(sent.raw);
    expect(parsed.text).toContain('お見積りをお送りします。');
    expect(parsed.text).toContain('詳細 [https://example.jp/q]');
    expect(parsed.html).toContain('<b>お見積り</b>');
    expect(parsed.html).toContain('href="https://example.jp/q"');
    for (const hostile of [/<script/i, /onerror/i, /onclick/i, /javascript:/i, /alert\(/, /style="color/i]) {
      expect(parsed.html).not.toMatch(hostile);
      expect(parsed.text).not.toMatch(hostile);
    }

    // The timeline shows the sanitised HTML on the outbound article.
    const ticket = (await agent.get(`/api/tickets/${ticketId}`).expect(200)).body;
    const article = (ticket.articles as { id: number; html: string | null; text: string | null }[]).find((a) => a.id === (reply.articleId ?? -1)) ?? ticket.articles[ticket.articles.length - 1];
    expect(article.html).toContain('<b>お見積り</b>');
    expect(article.html).not.toMatch(/script|onerror|javascript:/i);
  });

  it('keeps a given text as the plain part, and plain replies stay single-part', async () => {
    const ticketId = await newTicket();
    await dispatch();
    await sink.waitFor(1);
    sink.clear();
    await agent.post(`/api/tickets/${ticketId}/replies`, { to: [customer], text: '自分で書いた本文', bodyHtml: '<p><i>装飾した本文</i></p>' }).expect(201);
    await dispatch();
    const [rich] = await sink.waitFor(1);
    const parsed = await simpleParser(rich.raw);
    expect(parsed.text?.trim()).toBe('自分で書いた本文');
    expect(parsed.html).toContain('<i>装飾した本文</i>');
    sink.clear();

    const plain = (await agent.post(`/api/tickets/${ticketId}/replies`, { to: [customer], text: 'プレーンのみ' }).expect(201)).body;
    expect(plain.html).toBeNull();
    await dispatch();
    const [sent] = await sink.waitFor(1);
    expect(sent.raw.toString('latin1')).not.toMatch(/multipart\/alternative/i);
    expect((await simpleParser(sent.raw)).html).toBeFalsy();
  });

  it('refuses HTML with nothing readable left after sanitising, and a reply with neither text nor HTML', async () => {
    const ticketId = await newTicket();
    const empty = await agent.post(`/api/tickets/${ticketId}/replies`, { to: [customer], bodyHtml: '<script>alert(1)</script><img src=x onerror=alert(1)>' }).expect(400);
    expect(empty.body.error).toBe('VALIDATION_FAILED');
    expect(empty.body.fieldCodes.bodyHtml[0].code).toBe('REQUIRED');
    const none = await agent.post(`/api/tickets/${ticketId}/replies`, { to: [customer] }).expect(400);
    expect(none.body.fieldCodes.text).toBeDefined();
    const long = await agent.post(`/api/tickets/${ticketId}/replies`, { to: [customer], bodyHtml: 'a'.repeat(200_001) }).expect(400);
    expect(long.body.fieldCodes.bodyHtml[0]).toMatchObject({ code: 'MAX_LENGTH' });
  });

  it('keeps each user their own signature, up to 2,000 characters', async () => {
    expect((await agent.get('/api/me/signature').expect(200)).body).toEqual({ signature: '' });
    const signature = '--\n株式会社まどぐち\nサポート 佐藤';
    expect((await agent.put('/api/me/signature', { signature: `${signature}\n\n` }).expect(200)).body).toEqual({ signature });
    expect((await agent.get('/api/me/signature').expect(200)).body).toEqual({ signature });
    // Another user's signature is theirs alone.
    expect((await admin.get('/api/me/signature').expect(200)).body).toEqual({ signature: '' });
    await admin.put('/api/me/signature', { signature: '管理者' }).expect(200);
    expect((await agent.get('/api/me/signature').expect(200)).body).toEqual({ signature });

    await agent.put('/api/me/signature', { signature: 'あ'.repeat(2000) }).expect(200);
    const tooLong = await agent.put('/api/me/signature', { signature: 'あ'.repeat(2001) }).expect(400);
    expect(tooLong.body.fieldCodes.signature[0]).toMatchObject({ code: 'MAX_LENGTH', params: { max: 2000 } });
    expect((await agent.put('/api/me/signature', { signature: 5 }).expect(400)).body.error).toBe('VALIDATION_FAILED');
    expect((await agent.get('/api/me/signature').expect(200)).body.signature).toHaveLength(2000);
    // Emptied: none.
    expect((await agent.put('/api/me/signature', { signature: '' }).expect(200)).body).toEqual({ signature: '' });
  });

  it('answers 401 without sign-in', async () => {
    await t.http.get('/api/me/signature').expect(401);
    await t.http.put('/api/me/signature').send({ signature: 'x' }).expect(401);
  });
});
