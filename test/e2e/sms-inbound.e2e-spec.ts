import { OutboxDispatcher } from '@madoguchi/core';
import { DB_KINDS } from '@test/support/databases';
import { GatewaySimulator, startGatewaySimulator, startTwilioSimulator, TwilioSimulator, WebhookTarget } from '@test/support/sms-simulators';
import { Session, startTestApp, TestApp } from '@test/support/test-app';
import { createHmac } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { DataSource } from 'typeorm';

jest.setTimeout(180_000);

const SID = 'AC0123456789abcdef0123456789abcdef';
const TOKEN = 'twilio-auth-token-inbound';
const GW_TOKEN = 'gateway-token-inbound';
const PUBLIC_URL = 'https://madoguchi.example.jp';
const CUSTOMER_MOBILE = '+819012345678';
const STRANGER_MOBILE = '+818099990000';

interface Article {
  id: number;
  kind: string;
  direction: string;
  sender: string;
  status: string | null;
  text: string | null;
  from: { address: string };
  to: { address: string }[];
}

/**
 * SMS as a ticket channel (issue #16 points 7, 9 and 11), against the local Twilio and gateway
 * simulators posting to the app as the providers do (the app listens on 127.0.0.1; the
 * signature is for `{PUBLIC_URL}/api/sms/webhooks/…`, the URL the settings show): forged and
 * garbage webhooks first, then inbound SMS on the right ticket, replays, delivery reports, a
 * reply through approval and the 「停止」/STOP opt-out.
 */
describe.each(DB_KINDS)('SMS webhooks and SMS tickets (%s)', (kind) => {
  let t: TestApp;
  let admin: Session;
  let agent: Session;
  let approver: Session;
  let twilio: TwilioSimulator;
  let gateway: GatewaySimulator;
  let deliverTo: string;
  let mailboxId: number;
  let customerId: number;
  const db = () => t.app.get(DataSource);
  const dispatch = () => t.app.get(OutboxDispatcher).dispatchDue();
  const inboundUrl = `${PUBLIC_URL}/api/sms/webhooks/twilio/inbound`;
  const statusUrl = `${PUBLIC_URL}/api/sms/webhooks/twilio/status`;
  const target = (o: Partial<WebhookTarget> = {}): WebhookTarget => ({ deliverTo, signFor: inboundUrl, ...o });
  const gwTarget = (kind: 'inbound' | 'status', o: Partial<WebhookTarget> & { timestamp?: number } = {}) => ({ deliverTo, signFor: `${PUBLIC_URL}/api/sms/webhooks/gateway/${kind}`, ...o });
  const count = async (sql: string, params: unknown[] = []) => Number((await db().query(sql, params))[0].n);
  const smsTickets = () => count("SELECT COUNT(*) AS n FROM ticket WHERE channel = 'sms'");
  const ticketsOf = async (customer: number) => (await admin.get('/api/tickets').query({ customerId: customer }).expect(200)).body.items as { id: number; channel: string; state: string; customerId: number | null; from: { address: string } }[];
  const articles = async (ticketId: number) => (await admin.get(`/api/tickets/${ticketId}`).expect(200)).body.articles as Article[];
  const ticketOfNumber = async (number: string) => Number((await db().query("SELECT id FROM ticket WHERE channel = 'sms' AND contact_address = ? ORDER BY id", [number]))[0]?.id);

  beforeAll(async () => {
    [twilio, gateway] = await Promise.all([startTwilioSimulator({ accountSid: SID, authToken: TOKEN }), startGatewaySimulator({ token: GW_TOKEN })]);
    // The public address is https behind a proxy; the test talks plain HTTP to the app, so its session cookie is not Secure here.
    t = await startTestApp(kind, { PUBLIC_URL, COOKIE_SECURE: false });
    await t.app.listen(0, '127.0.0.1');
    deliverTo = `http://127.0.0.1:${(t.app.getHttpServer().address() as AddressInfo).port}`;
    admin = await t.login();
    mailboxId = (await admin.post('/api/mailboxes', { name: 'SMS受付', address: `sms-in-${kind}@example.jp` }).expect(201)).body.id;
    customerId = (await admin.post('/api/customers', { lastName: '山田', firstName: '花子', mobile: '090-1234-5678' }).expect(201)).body.id;
    const settings = (await admin
      .put('/api/sms/settings', { provider: 'twilio', twilio: { accountSid: SID, authToken: TOKEN, from: '+815012345678', baseUrl: twilio.baseUrl }, gateway: { baseUrl: gateway.baseUrl, token: GW_TOKEN, sender: 'MADOGUCHI' }, mailboxId })
      .expect(200)).body;
    // The URLs Twilio is given are the ones the signature is checked against.
    expect(settings.twilio).toMatchObject({ inboundWebhookUrl: inboundUrl, statusWebhookUrl: statusUrl });
    expect(settings.gateway).toMatchObject({ inboundWebhookUrl: `${PUBLIC_URL}/api/sms/webhooks/gateway/inbound`, statusWebhookUrl: `${PUBLIC_URL}/api/sms/webhooks/gateway/status` });

    const group = async (name: string, approve: boolean) => (await admin.post('/api/groups', { name, rights: ['customers.read'], mailboxRights: [{ mailboxId, view: true, reply: true, approve, manage: false }] }).expect(201)).body.id as number;
    const agents = await group('SMS担当', false);
    const approvers = await group('SMS承認', true);
    const user = async (email: string, name: string, groupIds: number[]) => {
      await admin.post('/api/users', { email, name, password: 'sms-pass-12345', groupIds }).expect(201);
      return t.login(email, 'sms-pass-12345');
    };
    agent = await user(`sms-agent-${kind}@test.local`, '佐藤 担当', [agents]);
    approver = await user(`sms-approver-${kind}@test.local`, '鈴木 承認', [approvers]);
    await admin.put(`/api/mailboxes/${mailboxId}/approval-policy`, { mode: 'all', groupIds: [], steps: [{ approverGroupIds: [approvers] }], notifyByMail: false }).expect(200);
  });
  afterAll(async () => {
    await t?.close();
    await Promise.all([twilio?.stop(), gateway?.stop()]);
  });

  it('refuses a forged, unsigned or misdirected Twilio webhook and another account with 403, filing nothing', async () => {
    const before = await smsTickets();
    const keys = await count('SELECT COUNT(*) AS n FROM thread_key');
    const inboundPath = '/api/sms/webhooks/twilio/inbound';
    for (const [label, o] of [
      ['signed with another token', { key: 'not-the-auth-token' }],
      ['no signature', { signature: null }],
      ['a signature that is no signature', { signature: 'AAAA' }],
      ['signed for another URL', { signFor: 'https://evil.example/api/sms/webhooks/twilio/inbound' }],
      ['signed for the status URL', { signFor: statusUrl, postTo: inboundPath }],
      ['signed for the app address instead of PUBLIC_URL', { signFor: `${deliverTo}${inboundPath}` }],
    ] as [string, Partial<WebhookTarget>][]) {
      const res = await twilio.inbound(target(o), { From: CUSTOMER_MOBILE, Body: `forged: ${label}` });
      expect([label, res.status, JSON.parse(res.body).error]).toEqual([label, 403, 'SMS_WEBHOOK_SIGNATURE']);
    }
    const otherAccount = await twilio.inbound(target(), { From: CUSTOMER_MOBILE, Body: 'another account', AccountSid: 'AC99999999999999999999999999999999' });
    expect(otherAccount.status).toBe(403);
    expect(JSON.parse(otherAccount.body).error).toBe('SMS_WEBHOOK_ACCOUNT');
    expect(await smsTickets()).toBe(before);
    expect(await count('SELECT COUNT(*) AS n FROM thread_key')).toBe(keys);
  });

  it('answers garbage, huge bodies, wrong content types, unknown providers and stale gateway webhooks with 4xx, never 500', async () => {
    const post = (path: string, body: string | Buffer, headers: Record<string, string>) => fetch(`${deliverTo}${path}`, { method: 'POST', headers, body });
    const form = { 'Content-Type': 'application/x-www-form-urlencoded' };
    const cases: [string, Promise<Response>, number, string?][] = [
      ['local capture has no webhooks', post('/api/sms/webhooks/local/inbound', 'Body=x', form), 404, 'SMS_WEBHOOK_NOT_FOUND'],
      ['an unknown provider', post('/api/sms/webhooks/nexmo/status', 'Body=x', form), 404, 'SMS_WEBHOOK_NOT_FOUND'],
      ['JSON to Twilio', post('/api/sms/webhooks/twilio/inbound', '{"From":"+819012345678"}', { 'Content-Type': 'application/json' }), 415, 'SMS_WEBHOOK_CONTENT_TYPE'],
      ['no content type', post('/api/sms/webhooks/twilio/status', Buffer.from([0, 1, 2, 255]), {}), 415],
      ['a form to the gateway', post('/api/sms/webhooks/gateway/inbound', 'a=b', form), 415, 'SMS_WEBHOOK_CONTENT_TYPE'],
      ['garbage form', post('/api/sms/webhooks/twilio/inbound', '%%%&&&==&a[b][c]=1', form), 403, 'SMS_WEBHOOK_SIGNATURE'],
      ['a huge body', post('/api/sms/webhooks/twilio/inbound', `Body=${'あ'.repeat(100_000)}`, form), 413],
      ['a repeated field', post('/api/sms/webhooks/twilio/inbound', 'From=1&From=2', form), 400, 'SMS_WEBHOOK_BODY'],
      ['not UTF-8', post('/api/sms/webhooks/twilio/inbound', Buffer.from([0x42, 0x6f, 0x64, 0x79, 0x3d, 0xff, 0xfe]), form), 400, 'SMS_WEBHOOK_BODY'],
      ['an unsigned gateway webhook', post('/api/sms/webhooks/gateway/inbound', '{"id":"x","from":"09012345678","body":"x"}', { 'Content-Type': 'application/json' }), 403, 'SMS_WEBHOOK_SIGNATURE'],
    ];
    for (const [label, res, status, code] of cases) {
      const r = await res;
      const body = await r.text();
      expect([label, r.status]).toEqual([label, status]);
      if (code) expect([label, JSON.parse(body).error]).toEqual([label, code]);
    }
    // Signed correctly, but not what a provider sends.
    const signedTwilio = await twilio.inbound(target(), { From: 'not a number', Body: 'x' });
    expect([signedTwilio.status, JSON.parse(signedTwilio.body).error]).toEqual([400, 'SMS_WEBHOOK_BODY']);
    const badSid = await twilio.inbound(target(), { From: CUSTOMER_MOBILE, Body: 'x', MessageSid: '<script>' });
    expect(badSid.status).toBe(400);
    const notJson = await fetch(`${deliverTo}/api/sms/webhooks/gateway/inbound`, { method: 'POST', headers: { 'Content-Type': 'application/json', ...gatewayHeaders('{"id":', GW_TOKEN) }, body: '{"id":' });
    expect([notJson.status, ((await notJson.json()) as { error: string }).error]).toEqual([400, 'SMS_WEBHOOK_BODY']);
    for (const payload of [[1, 2, 3], { id: 'x' }, { id: { a: 1 }, from: '09012345678', body: 'x' }, { id: 'x', from: ['09012345678'], body: 'x' }]) {
      const r = await gateway.webhook(gwTarget('inbound'), payload as unknown as Record<string, unknown>);
      expect([JSON.stringify(payload), r.status]).toEqual([JSON.stringify(payload), 400]);
    }
    const stale = await gateway.webhook({ ...gwTarget('inbound'), timestamp: Math.floor(Date.now() / 1000) - 3600 }, { id: 'gw-in-stale', from: '09012345678', body: 'old' });
    expect([stale.status, JSON.parse(stale.body).error]).toEqual([403, 'SMS_WEBHOOK_EXPIRED']);
    const forged = await gateway.webhook({ ...gwTarget('inbound'), key: 'not-the-token' }, { id: 'gw-in-forged', from: '09012345678', body: 'forged' });
    expect([forged.status, JSON.parse(forged.body).error]).toEqual([403, 'SMS_WEBHOOK_SIGNATURE']);
    expect(await smsTickets()).toBe(0);
  });

  it("files inbound SMS on the customer's SMS ticket: the second joins it, a replay is ignored, a handled ticket reopens", async () => {
    const first = await twilio.inbound(target(), { From: CUSTOMER_MOBILE, Body: '予約の時間を変更できますか？' });
    expect(first.status).toBe(200);
    expect(first.contentType).toMatch(/^text\/xml/);
    // Nothing is answered automatically.
    expect(first.body).toBe('<?xml version="1.0" encoding="UTF-8"?><Response/>');
    const [ticket] = await ticketsOf(customerId);
    expect(ticket).toMatchObject({ channel: 'sms', customerId, state: 'unhandled', from: { address: CUSTOMER_MOBILE } });
    const [a1] = await articles(ticket.id);
    expect(a1).toMatchObject({ kind: 'sms', direction: 'inbound', sender: 'customer', text: '予約の時間を変更できますか？', from: { address: CUSTOMER_MOBILE }, to: [{ address: '+815012345678' }] });
    expect(await count("SELECT COUNT(*) AS n FROM history_entry WHERE customer_id = ? AND event_key LIKE 'sms_received:%'", [customerId])).toBe(1);

    // Twilio retries a webhook it thinks failed: the same MessageSid files nothing.
    const replay = await twilio.inbound(target(), { From: CUSTOMER_MOBILE, Body: '予約の時間を変更できますか？', MessageSid: first.sid });
    expect(replay.status).toBe(200);
    expect(await articles(ticket.id)).toHaveLength(1);

    await twilio.inbound(target(), { From: '090-1234-5678', Body: '15時以降でお願いします' });
    const joined = await articles(ticket.id);
    expect(joined.map((a) => a.text)).toEqual(['予約の時間を変更できますか？', '15時以降でお願いします']);
    expect(await ticketsOf(customerId)).toHaveLength(1);

    await admin.post(`/api/tickets/${ticket.id}/mark-handled`).expect(200);
    expect((await ticketsOf(customerId))[0].state).toBe('handled');
    await twilio.inbound(target(), { From: CUSTOMER_MOBILE, Body: 'もう一つ質問です' });
    const [again] = await ticketsOf(customerId);
    expect([again.id, again.state]).toEqual([ticket.id, 'unhandled']);
    expect(await articles(ticket.id)).toHaveLength(3);

    // A number no customer has: a ticket of its own, with no customer (an agent links one).
    await twilio.inbound(target(), { From: STRANGER_MOBILE, Body: 'はじめ\u0000まして\u0007' });
    const strangerTicket = await ticketOfNumber(STRANGER_MOBILE);
    expect((await articles(strangerTicket))[0].text).toBe('はじめまして');
    expect(strangerTicket).toBeGreaterThan(0);
    expect(strangerTicket).not.toBe(ticket.id);
    expect((await admin.get(`/api/tickets/${strangerTicket}`).expect(200)).body).toMatchObject({ channel: 'sms', customerId: null, mailboxId });
  });

  it('files the first SMS of a new number arriving at the same instant on one ticket, each once', async () => {
    const from = '+817055550101';
    const bodies = ['一通目です', '二通目です', '三通目です', '四通目です'];
    const answers = await Promise.all(bodies.map((Body) => twilio.inbound(target(), { From: from, Body })));
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200]);
    const rows = (await db().query("SELECT id FROM ticket WHERE channel = 'sms' AND contact_address = ?", [from])) as { id: number }[];
    expect(rows).toHaveLength(1);
    expect((await articles(Number(rows[0].id))).map((a) => a.text).sort()).toEqual([...bodies].sort());
  });

  it('files signed gateway webhooks too, once', async () => {
    const payload = { id: `gw-in-${kind}-1`, from: '09012345678', to: 'MADOGUCHI', body: 'ゲートウェイから', received_at: new Date().toISOString() };
    const first = await gateway.webhook(gwTarget('inbound'), payload);
    expect([first.status, JSON.parse(first.body)]).toEqual([200, { ok: true, recorded: true }]);
    const replay = await gateway.webhook(gwTarget('inbound'), payload);
    expect(JSON.parse(replay.body)).toEqual({ ok: true, recorded: false });
    const ticketId = await ticketOfNumber(CUSTOMER_MOBILE);
    expect((await articles(ticketId)).filter((a) => a.text === 'ゲートウェイから')).toHaveLength(1);
  });

  it('marks an SMS delivered from the status callback, idempotently; out-of-order and forged callbacks change nothing', async () => {
    const sms = (await admin.post('/api/sms/messages', { customerId, body: '明日のご予約の確認です。', purpose: 'transactional' }).expect(201)).body;
    expect(await dispatch()).toBeGreaterThanOrEqual(1);
    const sent = (await admin.get(`/api/sms/messages/${sms.id}`).expect(200)).body;
    expect(sent).toMatchObject({ status: 'sent', provider: 'twilio' });
    const sid = twilio.sent.find((m) => m.body === '明日のご予約の確認です。')!.id;
    // Twilio was told where to report: the status URL of the settings.
    expect(twilio.sent.find((m) => m.id === sid)!.statusCallback).toBe(statusUrl);

    const forged = await twilio.statusCallback({ deliverTo, key: 'not-the-auth-token' }, sid, 'delivered');
    expect(forged.status).toBe(403);
    expect((await admin.get(`/api/sms/messages/${sms.id}`).expect(200)).body.status).toBe('sent');

    expect((await twilio.statusCallback({ deliverTo }, sid, 'delivered')).status).toBe(200);
    const delivered = (await admin.get(`/api/sms/messages/${sms.id}`).expect(200)).body;
    expect(delivered).toMatchObject({ status: 'delivered', deliveredAt: expect.any(String) });
    expect((await twilio.statusCallback({ deliverTo }, sid, 'delivered')).status).toBe(200);
    // Callbacks come in any order: a late "sent" or "undelivered" never moves it back.
    await twilio.statusCallback({ deliverTo }, sid, 'sent');
    await twilio.statusCallback({ deliverTo }, sid, 'undelivered', { ErrorCode: '30003' });
    expect((await admin.get(`/api/sms/messages/${sms.id}`).expect(200)).body).toMatchObject({ status: 'delivered', deliveredAt: delivered.deliveredAt });

    const other = (await admin.post('/api/sms/messages', { customerId, body: '届かない連絡です。', purpose: 'transactional' }).expect(201)).body;
    await dispatch();
    const otherSid = twilio.sent.find((m) => m.body === '届かない連絡です。')!.id;
    await twilio.statusCallback({ deliverTo }, otherSid, 'undelivered', { ErrorCode: '30003' });
    expect((await admin.get(`/api/sms/messages/${other.id}`).expect(200)).body).toMatchObject({ status: 'undelivered', errorCode: 'SMS_UNDELIVERED', errorDetail: expect.stringContaining('30003') });
    // An unknown message id is answered (Twilio stops retrying) and changes nothing.
    expect((await twilio.statusCallback({ deliverTo, signFor: statusUrl }, 'SM00000000000000000000000000000000', 'delivered')).status).toBe(200);
  });

  it('keeps a status callback that comes before the SMS is marked sent, and applies it once it is', async () => {
    // Twilio calls back while the app still waits for its answer to the send: the message has no SID on file yet.
    const early: number[] = [];
    twilio.onAccepted = async (m) => {
      early.push((await twilio.statusCallback({ deliverTo }, m.id, 'delivered')).status);
    };
    try {
      const sms = (await admin.post('/api/sms/messages', { customerId, body: '早い配信報告のテストです。', purpose: 'transactional' }).expect(201)).body;
      expect(await dispatch()).toBeGreaterThanOrEqual(1);
      expect(early).toEqual([200]);
      const after = (await admin.get(`/api/sms/messages/${sms.id}`).expect(200)).body;
      expect(after).toMatchObject({ status: 'delivered', deliveredAt: expect.any(String) });
    } finally {
      twilio.onAccepted = undefined;
    }
    // An undelivered report that came early for a message the dispatcher then marks sent: applied by the sweep too.
    twilio.onAccepted = async (m) => {
      await twilio.statusCallback({ deliverTo }, m.id, 'undelivered', { ErrorCode: '30003' });
    };
    try {
      const sms = (await admin.post('/api/sms/messages', { customerId, body: '早く届かなかった連絡です。', purpose: 'transactional' }).expect(201)).body;
      await dispatch();
      expect((await admin.get(`/api/sms/messages/${sms.id}`).expect(200)).body).toMatchObject({ status: 'undelivered', errorCode: 'SMS_UNDELIVERED', errorDetail: expect.stringContaining('30003') });
      // Applied once: a second sweep changes nothing and nothing is kept.
      await dispatch();
      expect((await admin.get(`/api/sms/messages/${sms.id}`).expect(200)).body.status).toBe('undelivered');
    } finally {
      twilio.onAccepted = undefined;
    }
    // A crash between marking it sent and applying what was kept: the next dispatcher sweep applies it.
    const sms = (await admin.post('/api/sms/messages', { customerId, body: '落ちた後の配信報告です。', purpose: 'transactional' }).expect(201)).body;
    await dispatch();
    const sid = twilio.sent.find((m) => m.body === '落ちた後の配信報告です。')!.id;
    const db = t.app.get(DataSource);
    await db.getRepository('SmsEarlyReport').insert({ provider: 'twilio', providerMessageId: sid, outcome: 'delivered', reason: null, receivedAt: new Date() });
    expect((await admin.get(`/api/sms/messages/${sms.id}`).expect(200)).body.status).toBe('sent');
    await dispatch();
    expect((await admin.get(`/api/sms/messages/${sms.id}`).expect(200)).body.status).toBe('delivered');
    // Applied reports are removed; only the one for an id no message has (above) is kept, for a week.
    expect(await db.query('SELECT id FROM sms_early_report WHERE provider_message_id = ?', [sid])).toEqual([]);
  });

  it('marks a gateway SMS delivered from its signed status webhook', async () => {
    await admin.put('/api/sms/settings', { provider: 'gateway' }).expect(200);
    try {
      const sms = (await admin.post('/api/sms/messages', { customerId, body: 'ゲートウェイで送ります。', purpose: 'transactional' }).expect(201)).body;
      await dispatch();
      const id = gateway.sent.find((m) => m.body === 'ゲートウェイで送ります。')!.id;
      const res = await gateway.webhook(gwTarget('status'), { id, status: 'delivered' });
      expect([res.status, JSON.parse(res.body)]).toEqual([200, { ok: true, recorded: true }]);
      expect((await admin.get(`/api/sms/messages/${sms.id}`).expect(200)).body.status).toBe('delivered');
    } finally {
      await admin.put('/api/sms/settings', { provider: 'twilio' }).expect(200);
    }
  });

  it('sends a reply from the SMS ticket as SMS only after the final approval, exactly once, and shows its delivery', async () => {
    const ticketId = await ticketOfNumber(CUSTOMER_MOBILE);
    // Refused when it is written, not at the final approval.
    const long = await agent.post(`/api/tickets/${ticketId}/replies`, { to: [CUSTOMER_MOBILE], text: 'あ'.repeat(661) }).expect(400);
    expect(long.body).toMatchObject({ error: 'SMS_TOO_LONG', fieldCodes: { text: [{ code: 'SMS_TOO_LONG', params: { max: 660, length: 661 } }] } });
    expect((await agent.post(`/api/tickets/${ticketId}/replies`, { to: ['yamada@example.jp'], text: 'メール宛' }).expect(400)).body.error).toBe('SMS_REPLY_RECIPIENT');
    expect((await agent.post(`/api/tickets/${ticketId}/replies`, { to: [CUSTOMER_MOBILE, STRANGER_MOBILE], text: '二人宛' }).expect(400)).body.error).toBe('SMS_REPLY_RECIPIENT');
    expect(await count('SELECT COUNT(*) AS n FROM reply WHERE ticket_id = ?', [ticketId])).toBe(0);

    const sendsBefore = twilio.sends().length;
    const text = '15時にご予約を変更しました。';
    const reply = (await agent.post(`/api/tickets/${ticketId}/replies`, { to: ['090-1234-5678'], subject: '送られない件名', text }).expect(201)).body;
    expect(reply.status).toBe('awaiting_approval');
    await dispatch();
    expect(twilio.sends().length).toBe(sendsBefore);

    expect((await approver.post(`/api/replies/${reply.id}/approve`, { step: 1 }).expect(200)).body.status).toBe('queued');
    await dispatch();
    await dispatch();
    const sends = twilio.sends().slice(sendsBefore);
    expect(sends).toHaveLength(1);
    const form = new URLSearchParams(sends[0].body);
    expect([form.get('To'), form.get('Body')]).toEqual([CUSTOMER_MOBILE, text]);
    expect(sends[0].body).not.toContain(encodeURIComponent('送られない件名'));
    expect((await agent.get(`/api/replies/${reply.id}`).expect(200)).body.status).toBe('sent');

    const out = (await articles(ticketId)).find((a) => a.direction === 'outbound')!;
    // The article keeps the number as the agent wrote it; the SMS went to its E.164 form.
    expect(out).toMatchObject({ kind: 'sms', sender: 'agent', status: 'sent', text, to: [{ address: '090-1234-5678' }] });
    // The reply is in the SMS history (送信履歴) of the customer, and the customer history has one sms_sent entry for it.
    const history = (await admin.get('/api/sms/messages').query({ customerId }).expect(200)).body.items as { id: number; ticketId: number | null; body: string; status: string }[];
    const mine = history.find((h) => h.body === text)!;
    expect(mine).toMatchObject({ ticketId, status: 'sent' });
    expect(await count('SELECT COUNT(*) AS n FROM history_entry WHERE event_key = ?', [`sms_sent:${mine.id}`])).toBe(1);
    expect(await count("SELECT COUNT(*) AS n FROM history_entry WHERE ticket_id = ? AND event_key LIKE 'reply_sent:%'", [ticketId])).toBe(0);

    const sid = twilio.sent.find((m) => m.body === text)!.id;
    await twilio.statusCallback({ deliverTo }, sid, 'delivered');
    expect((await articles(ticketId)).find((a) => a.id === out.id)!.status).toBe('delivered');
    expect((await admin.get(`/api/sms/messages/${mine.id}`).expect(200)).body.status).toBe('delivered');
  });

  it('shows a reply the handset never got as undelivered on the timeline, with the reason in a note', async () => {
    const ticketId = await ticketOfNumber(CUSTOMER_MOBILE);
    const text = '届かなかった返信です。';
    const reply = (await agent.post(`/api/tickets/${ticketId}/replies`, { to: [CUSTOMER_MOBILE], text }).expect(201)).body;
    await approver.post(`/api/replies/${reply.id}/approve`, { step: 1 }).expect(200);
    await dispatch();
    const sid = twilio.sent.find((m) => m.body === text)!.id;
    await twilio.statusCallback({ deliverTo }, sid, 'undelivered', { ErrorCode: '30003' });
    const timeline = await articles(ticketId);
    expect(timeline.find((a) => a.direction === 'outbound' && a.text === text)!.status).toBe('undelivered');
    const notes = timeline.filter((a) => a.sender === 'system' && a.text?.includes('30003'));
    expect(notes).toHaveLength(1);
    expect(notes[0].text).toContain('Unreachable destination handset');
    // Repeated: no second note.
    await twilio.statusCallback({ deliverTo }, sid, 'undelivered', { ErrorCode: '30003' });
    expect((await articles(ticketId)).filter((a) => a.sender === 'system' && a.text?.includes('30003'))).toHaveLength(1);
    // A carrier's later correction to delivered is the last word, on the article and the message alike.
    await twilio.statusCallback({ deliverTo }, sid, 'delivered');
    expect((await articles(ticketId)).find((a) => a.direction === 'outbound' && a.text === text)!.status).toBe('delivered');
    const row = (await admin.get('/api/sms/messages').query({ customerId }).expect(200)).body.items.find((h: { body: string }) => h.body === text);
    expect(row.status).toBe('delivered');
  });

  it('writes a line on the ticket timeline for an SMS sent from the ticket', async () => {
    const ticketId = await ticketOfNumber(CUSTOMER_MOBILE);
    await admin.post('/api/sms/messages', { customerId, ticketId, body: 'チケットから送るSMS', purpose: 'transactional' }).expect(201);
    await dispatch();
    const notes = (await articles(ticketId)).filter((a) => a.sender === 'system' && a.text?.includes('チケットから送るSMS'));
    expect(notes).toHaveLength(1);
    expect(notes[0].text).toContain('090-1234-5678');
  });

  it('records 「停止」/STOP as an opt-out of the customer and answers nothing; a sentence with STOP in it is a message', async () => {
    const consent = async () => (await admin.get(`/api/customers/${customerId}/sms-consent`).expect(200)).body;
    await admin.put(`/api/customers/${customerId}/sms-consent`, { optIn: true, method: 'paper' }).expect(200);
    await twilio.inbound(target(), { From: CUSTOMER_MOBILE, Body: 'STOP by tomorrow?' });
    expect((await consent()).current.optIn).toBe(true);
    const stop = await twilio.inbound(target(), { From: CUSTOMER_MOBILE, Body: ' ＳＴＯＰ ' });
    expect(stop.body).toBe('<?xml version="1.0" encoding="UTF-8"?><Response/>');
    expect((await consent()).current).toMatchObject({ optIn: false, method: 'sms', byUserId: null });
    // The replay of the same STOP records nothing more.
    const rows = (await consent()).history.length;
    await twilio.inbound(target(), { From: CUSTOMER_MOBILE, Body: ' ＳＴＯＰ ', MessageSid: stop.sid });
    expect((await consent()).history.length).toBe(rows);
    await admin.put(`/api/customers/${customerId}/sms-consent`, { optIn: true, method: 'paper' }).expect(200);
    await twilio.inbound(target(), { From: CUSTOMER_MOBILE, Body: '停止' });
    expect((await consent()).current).toMatchObject({ optIn: false, method: 'sms' });
    // Nothing went out in answer.
    const ticketId = await ticketOfNumber(CUSTOMER_MOBILE);
    const notes = (await articles(ticketId)).filter((a) => a.sender === 'system' && a.text?.includes('配信停止'));
    expect(notes.length).toBe(2);
    // A stranger's STOP: filed and noted, no customer to record it on.
    await twilio.inbound(target(), { From: STRANGER_MOBILE, Body: 'stop' });
    const strangerNotes = (await articles(await ticketOfNumber(STRANGER_MOBILE))).filter((a) => a.sender === 'system' && a.text?.includes('配信停止'));
    expect(strangerNotes).toHaveLength(1);
  });
});

/** The gateway's signature headers for a raw body (docs/sms.md). */
function gatewayHeaders(body: string, key: string): Record<string, string> {
  const ts = String(Math.floor(Date.now() / 1000));
  return { 'X-Sms-Timestamp': ts, 'X-Sms-Signature': `sha256=${createHmac('sha256', key).update(`${ts}.${body}`).digest('hex')}` };
}
