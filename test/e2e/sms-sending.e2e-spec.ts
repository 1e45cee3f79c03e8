import { OutboxDispatcher, OutboxEntry } from '@madoguchi/core';
import { DB_KINDS } from '@test/support/databases';
import { SmsSimulator, startGatewaySimulator, startTwilioSimulator } from '@test/support/sms-simulators';
import { Session, startTestApp, TestApp } from '@test/support/test-app';
import { DataSource } from 'typeorm';

jest.setTimeout(120_000);

const SID = 'AC0123456789abcdef0123456789abcdef';
const TOKEN = 'twilio-auth-token-1';
const GW_TOKEN = 'gateway-token-1';

describe.each(DB_KINDS)('SMS settings, templates and sending (%s)', (kind) => {
  let t: TestApp;
  let admin: Session;
  let twilio: SmsSimulator;
  let gateway: SmsSimulator;
  let customerId: number;
  const dispatch = () => t.app.get(OutboxDispatcher).dispatchDue();
  const db = () => t.app.get(DataSource);
  const message = async (id: number) => (await admin.get(`/api/sms/messages/${id}`).expect(200)).body;
  /** The outbox row of an SMS made due now (a retry's backoff or a slot skipped in the test). */
  const outboxOf = async (smsId: number) => Number((await db().query('SELECT outbox_id AS o FROM sms_message WHERE id = ?', [smsId]))[0].o);
  const makeDue = async (smsId: number) => db().getRepository(OutboxEntry).update({ id: await outboxOf(smsId) }, { dueAt: new Date(Date.now() - 1000) });

  beforeAll(async () => {
    [twilio, gateway] = await Promise.all([startTwilioSimulator({ accountSid: SID, authToken: TOKEN }), startGatewaySimulator({ token: GW_TOKEN })]);
    t = await startTestApp(kind);
    admin = await t.login();
    await admin.post('/api/mailboxes', { name: 'SMS窓口', address: `sms-${kind}@example.jp` }).expect(201);
    customerId = (await admin.post('/api/customers', { lastName: '山田', firstName: '太郎', mobile: '090-1234-5678' }).expect(201)).body.id;
  });
  afterAll(async () => {
    await t?.close();
    await Promise.all([twilio?.stop(), gateway?.stop()]);
  });
  beforeEach(() => {
    twilio.script.length = 0;
    gateway.script.length = 0;
  });

  const useLocal = () => admin.put('/api/sms/settings', { provider: 'local' }).expect(200);
  const useTwilio = () => admin.put('/api/sms/settings', { provider: 'twilio', twilio: { accountSid: SID, authToken: TOKEN, from: '+815012345678', baseUrl: twilio.baseUrl } }).expect(200);
  const useGateway = () => admin.put('/api/sms/settings', { provider: 'gateway', gateway: { baseUrl: gateway.baseUrl, token: GW_TOKEN, sender: 'MADOGUCHI' } }).expect(200);
  const send = (body: object = {}) => admin.post('/api/sms/messages', { customerId, body: 'ご来店ありがとうございました。', purpose: 'transactional', ...body });

  it('answers 401 without sign-in on every SMS route', async () => {
    for (const [method, url] of [['get', '/api/sms/settings'], ['put', '/api/sms/settings'], ['post', '/api/sms/settings/test'], ['get', '/api/sms/templates'], ['post', '/api/sms/segments'], ['post', '/api/sms/messages'], ['get', '/api/sms/messages'], ['get', '/api/sms/messages/1'], ['post', '/api/sms/messages/1/cancel']] as const) {
      await t.http[method](url).send({}).expect(401);
    }
  });

  it('defaults to local capture, keeps secrets sealed and never returns them', async () => {
    const first = (await admin.get('/api/sms/settings').expect(200)).body;
    expect(first).toMatchObject({ provider: 'local', effectiveProvider: 'local', twilio: { baseUrl: 'https://api.twilio.com', authTokenSet: false } });
    const missing = await admin.put('/api/sms/settings', { provider: 'twilio', twilio: { accountSid: SID } }).expect(400);
    expect(Object.keys(missing.body.fields)).toEqual(expect.arrayContaining(['twilio.authToken', 'twilio.from']));
    const saved = (await useTwilio()).body;
    expect(saved.twilio).toMatchObject({ accountSid: SID, authTokenSet: true, baseUrl: twilio.baseUrl, statusWebhookUrl: expect.stringMatching(/\/api\/sms\/webhooks\/twilio\/status$/) });
    expect(JSON.stringify(saved)).not.toContain(TOKEN);
    expect(JSON.stringify((await admin.get('/api/sms/settings').expect(200)).body)).not.toContain(TOKEN);
    const [row] = await db().query('SELECT twilio_auth_token_secret AS s FROM sms_settings');
    expect(row.s).toMatch(/^v1:/);
    expect(row.s).not.toContain(TOKEN);
    // An update without the token keeps it.
    expect((await admin.put('/api/sms/settings', { showResultAfterSend: false }).expect(200)).body.twilio.authTokenSet).toBe(true);
  });

  it('validates the notification addresses: at most five, each an address', async () => {
    const six = Array.from({ length: 6 }, (_, i) => `n${i}@example.jp`).join(';');
    expect((await admin.put('/api/sms/settings', { notifyAddresses: six }).expect(400)).body.fieldCodes.notifyAddresses[0].code).toBe('ARRAY_MAX_SIZE');
    expect((await admin.put('/api/sms/settings', { notifyAddresses: 'a@example.jp;not-an-address' }).expect(400)).body.fields.notifyAddresses[0]).toContain('not-an-address');
    expect((await admin.put('/api/sms/settings', { notifyAddresses: ' a@example.jp ; b@example.jp ;' }).expect(200)).body.notifyAddresses).toBe('a@example.jp;b@example.jp');
  });

  it('tests the connection and words what is wrong', async () => {
    await useTwilio();
    expect((await admin.post('/api/sms/settings/test').expect(200)).body).toEqual({ ok: true, provider: 'twilio' });
    await admin.put('/api/sms/settings', { twilio: { authToken: 'wrong-token' } }).expect(200);
    const bad = (await admin.post('/api/sms/settings/test').expect(200)).body;
    expect(bad).toMatchObject({ ok: false, provider: 'twilio', code: 'SMS_AUTH_FAILED' });
    expect(bad.error).toMatch(/Twilio refused the account SID or auth token/);
    await useGateway();
    await admin.put('/api/sms/settings', { gateway: { baseUrl: 'http://127.0.0.1:1' } }).expect(200);
    expect((await admin.post('/api/sms/settings/test').expect(200)).body).toMatchObject({ ok: false, code: 'SMS_PROVIDER_UNREACHABLE' });
  });

  it('refuses a template with an unknown placeholder, naming it, and keeps the known ones', async () => {
    const bad = await admin.post('/api/sms/templates', { name: '来店', body: '[[%氏名%]]様 [[%名前%]]' }).expect(400);
    expect(bad.body.fieldCodes.body[0]).toMatchObject({ code: 'UNKNOWN_PLACEHOLDER', params: { token: '[[%名前%]]' } });
    expect(bad.body.fields.body[0]).toContain('[[%名前%]]');
    const long = await admin.post('/api/sms/templates', { name: '長文', body: 'あ'.repeat(661) }).expect(400);
    expect(long.body.fieldCodes.body[0].code).toBe('MAX_LENGTH');
    const created = (await admin.post('/api/sms/templates', { name: 'オンライン接客', subject: 'ご案内', body: '[[%氏名%]]様 [[%会社名%]]です。[[%オンライン接客URL%]] ID:[[%ミーティングID%]]', usedForOnlineMeeting: true }).expect(201)).body;
    expect(created).toMatchObject({ needsMeeting: true, usedForOnlineMeeting: true });
    await admin.patch(`/api/sms/templates/${created.id}`, { body: '[[%不明%]]' }).expect(400);
    expect((await admin.patch(`/api/sms/templates/${created.id}`, { name: '接客' }).expect(200)).body.name).toBe('接客');
    expect((await admin.get('/api/sms/templates').expect(200)).body.map((x: { id: number }) => x.id)).toContain(created.id);
    const other = (await admin.post('/api/sms/templates', { name: '消す', body: '本文' }).expect(201)).body;
    await admin.delete(`/api/sms/templates/${other.id}`).expect(204);
    await admin.get(`/api/sms/templates/${other.id}`).expect(404);
  });

  it('counts segments with the shared function', async () => {
    expect((await admin.post('/api/sms/segments', { body: 'あ'.repeat(199) }).expect(200)).body).toEqual({ length: 199, segments: { docomo: 4, au: 3, softbank: 1 }, tooLong: false });
    expect((await admin.post('/api/sms/segments', { body: '😀ｱ' }).expect(200)).body.length).toBe(2);
  });

  it('captures locally: sent now with the placeholders filled, one history entry; scheduled waits for its slot and is cancelled', async () => {
    await useLocal();
    const tpl = (await admin.post('/api/sms/templates', { name: '来店御礼', subject: '御礼', body: '[[%氏名%]]様 [[%会社名%]]です。' }).expect(201)).body;
    const now = (await send({ templateId: tpl.id, body: tpl.body }).expect(201)).body;
    expect(now).toMatchObject({ status: 'queued', scheduledAt: null, subject: '御礼', toNumber: '+819012345678' });
    expect(now.body).toMatch(/^山田 太郎様 .+です。$/);
    expect(now.segments).toEqual({ docomo: 1, au: 1, softbank: 1 });
    expect(await dispatch()).toBe(1);
    expect(await message(now.id)).toMatchObject({ status: 'sent', captured: true, provider: 'local' });
    await dispatch();
    const history = await db().query("SELECT COUNT(*) AS n FROM history_entry WHERE event_key = ?", [`sms_sent:${now.id}`]);
    expect(Number(history[0].n)).toBe(1);
    // The notification mail to the settings' addresses, once (captured: the test mailbox has no SMTP account).
    const notices = await db().query("SELECT target, subject, state FROM outbox WHERE channel = 'email' AND purpose = 'notification' AND subject = ?", ['SMS送信通知: 御礼']);
    expect(notices).toEqual([{ target: 'a@example.jp', subject: 'SMS送信通知: 御礼', state: 'sent' }]);

    const nextWeek = new Date(Date.now() + 7 * 86_400_000);
    nextWeek.setUTCSeconds(0, 0);
    nextWeek.setUTCMinutes(nextWeek.getUTCMinutes() - (nextWeek.getUTCMinutes() % 10) + 1);
    const later = (await send({ sendAt: nextWeek.toISOString() }).expect(201)).body;
    expect(later.status).toBe('scheduled');
    expect(new Date(later.scheduledAt).getTime()).toBe(nextWeek.getTime() + 9 * 60_000);
    expect(await dispatch()).toBe(0);
    expect((await admin.get('/api/sms/messages').query({ customerId, status: 'scheduled' }).expect(200)).body.items.map((m: { id: number }) => m.id)).toEqual([later.id]);
    const cancelled = (await admin.post(`/api/sms/messages/${later.id}/cancel`).expect(200)).body;
    expect(cancelled).toMatchObject({ status: 'cancelled', cancelReason: expect.any(String) });
    await makeDue(later.id);
    expect(await dispatch()).toBe(0);
    expect((await admin.post(`/api/sms/messages/${later.id}/cancel`).expect(409)).body.error).toBe('SMS_NOT_CANCELLABLE');
    expect((await admin.post(`/api/sms/messages/${now.id}/cancel`).expect(409)).body.error).toBe('SMS_NOT_CANCELLABLE');
  });

  it('refuses what it cannot send: no mobile, no consent for marketing, bad times, unknown placeholders, too long', async () => {
    await useLocal();
    const landline = (await admin.post('/api/customers', { lastName: '固定', tel: '03-1234-5678', mobile: '03-9999-8888' }).expect(201)).body.id;
    expect((await admin.post('/api/sms/messages', { customerId: landline, body: 'x', purpose: 'transactional' }).expect(409)).body.error).toBe('SMS_NO_MOBILE');
    expect((await send({ purpose: 'marketing' }).expect(409)).body.error).toBe('SMS_NO_CONSENT');
    expect((await send({ sendAt: new Date(Date.now() - 3_600_000).toISOString() }).expect(400)).body.fieldCodes.sendAt[0].code).toBe('SEND_AT_RANGE');
    expect((await send({ sendAt: new Date(Date.now() + 367 * 86_400_000).toISOString() }).expect(400)).body.fieldCodes.sendAt[0].code).toBe('SEND_AT_RANGE');
    expect((await send({ body: '[[%名前%]]' }).expect(400)).body.fieldCodes.body[0].code).toBe('UNKNOWN_PLACEHOLDER');
    expect((await send({ body: '[[%ミーティングID%]]' }).expect(400)).body.fieldCodes.meeting[0].code).toBe('REQUIRED');
    expect((await send({ body: 'あ'.repeat(661) }).expect(400)).body.fieldCodes.body[0].code).toBe('MAX_LENGTH');
    await admin.post('/api/sms/messages', { customerId: 999999, body: 'x', purpose: 'transactional' }).expect(404);
  });

  it('sends through Twilio once, retries a 503 with backoff and fails an invalid number with Twilio\'s reason', async () => {
    await useTwilio();
    const before = twilio.sends().length;
    const ok = (await send().expect(201)).body;
    expect(await dispatch()).toBe(1);
    const sent = await message(ok.id);
    expect(sent).toMatchObject({ status: 'sent', captured: false, provider: 'twilio' });
    const req = twilio.sends().slice(before);
    expect(req).toHaveLength(1);
    const form = new URLSearchParams(req[0].body);
    expect(form.get('To')).toBe('+819012345678');
    expect(form.get('From')).toBe('+815012345678');
    expect(form.get('Body')).toBe('ご来店ありがとうございました。');
    await dispatch();
    expect(twilio.sends().length - before).toBe(1);

    twilio.script.push({ status: 503, body: { code: 20500, message: 'Service Unavailable', status: 503 } });
    const retried = (await send().expect(201)).body;
    expect(await dispatch()).toBe(0);
    expect(await message(retried.id)).toMatchObject({ status: 'queued', errorCode: 'SMS_PROVIDER_UNAVAILABLE', attempts: 1 });
    expect(await dispatch()).toBe(0); // waits for its backoff
    await makeDue(retried.id);
    expect(await dispatch()).toBe(1);
    expect(await message(retried.id)).toMatchObject({ status: 'sent', errorCode: null });

    twilio.script.push({ status: 429, body: { code: 20429, message: 'Too Many Requests', status: 429 } });
    const limited = (await send().expect(201)).body;
    await dispatch();
    expect(await message(limited.id)).toMatchObject({ status: 'queued', errorCode: 'SMS_RATE_LIMITED' });

    twilio.script.push({ status: 400, body: { code: 21211, message: "The 'To' number +819012345678 is not a valid phone number.", status: 400 } });
    const invalid = (await send().expect(201)).body;
    await dispatch();
    const failed = await message(invalid.id);
    expect(failed).toMatchObject({ status: 'failed', errorCode: 'SMS_INVALID_NUMBER' });
    expect(failed.errorDetail).toContain('is not a valid phone number');
    expect((await admin.get('/api/sms/messages').query({ status: 'failed' }).expect(200)).body.items.map((m: { id: number }) => m.id)).toContain(invalid.id);
  });

  it('gives up soon on refused credentials', async () => {
    await useTwilio();
    await admin.put('/api/sms/settings', { twilio: { authToken: 'wrong-token' } }).expect(200);
    const m = (await send().expect(201)).body;
    for (let i = 0; i < 3; i++) {
      await makeDue(m.id);
      await dispatch();
    }
    expect(await message(m.id)).toMatchObject({ status: 'failed', errorCode: 'SMS_AUTH_FAILED', attempts: 3 });
    await useTwilio();
  });

  it('after a crash between the provider\'s answer and the commit, finds the message at the provider and never sends it twice', async () => {
    for (const which of ['gateway', 'twilio'] as const) {
      const sim = which === 'gateway' ? gateway : twilio;
      await (which === 'gateway' ? useGateway() : useTwilio());
      const m = (await send({ body: `クラッシュ試験 ${which}` }).expect(201)).body;
      const [{ k, o }] = await db().query('SELECT idempotency_key AS k, outbox_id AS o FROM sms_message WHERE id = ?', [m.id]);
      // The provider took it (as the dead instance's request did), then the instance died: the row is left `sending` with an expired lease.
      const created = new Date().toUTCString();
      sim.sent.push({ id: `${which}-crashed`, to: which === 'gateway' ? '09012345678' : '+819012345678', body: `クラッシュ試験 ${which}`, idempotencyKey: which === 'gateway' ? k : null, createdAt: created });
      await db().getRepository(OutboxEntry).update({ id: Number(o) }, { state: 'sending', attempts: 1, lockOwner: 'dead', lockedUntil: new Date(Date.now() - 60_000) });
      const sendsBefore = sim.sends().length;
      await dispatch();
      expect(sim.sends().length).toBe(sendsBefore);
      const after = await message(m.id);
      expect(after.status).toBe('sent');
      const [{ pid }] = await db().query('SELECT provider_message_id AS pid FROM sms_message WHERE id = ?', [m.id]);
      expect(pid).toBe(`${which}-crashed`);
    }
  });

  it('after a crash before the provider had it, sends it again only if it is still wanted: an opt-out meanwhile cancels it', async () => {
    await useGateway();
    await admin.put(`/api/customers/${customerId}/sms-consent`, { optIn: true, method: 'form' }).expect(200);
    const m = (await send({ body: '春のキャンペーンのご案内です。配信停止は「停止」と返信してください。', purpose: 'marketing' }).expect(201)).body;
    const [{ o }] = await db().query('SELECT outbox_id AS o FROM sms_message WHERE id = ?', [m.id]);
    // The instance died before the gateway had it; meanwhile the customer opted out.
    await db().getRepository(OutboxEntry).update({ id: Number(o) }, { state: 'sending', attempts: 1, lockOwner: 'dead', lockedUntil: new Date(Date.now() - 60_000) });
    await admin.put(`/api/customers/${customerId}/sms-consent`, { optIn: false, method: 'phone' }).expect(200);
    const sendsBefore = gateway.sends().length;
    await dispatch();
    await dispatch();
    expect(gateway.sends().length).toBe(sendsBefore);
    expect(await message(m.id)).toMatchObject({ status: 'cancelled' });
    const [{ state }] = await db().query('SELECT state FROM outbox WHERE id = ?', [Number(o)]);
    expect(state).toBe('failed');
  });

  it('sends through the gateway with the idempotency key and its token', async () => {
    await useGateway();
    const before = gateway.sends().length;
    const m = (await send().expect(201)).body;
    expect(await dispatch()).toBe(1);
    const req = gateway.sends().slice(before);
    expect(req).toHaveLength(1);
    const [{ k }] = await db().query('SELECT idempotency_key AS k FROM sms_message WHERE id = ?', [m.id]);
    expect(req[0].headers['idempotency-key']).toBe(k);
    expect(JSON.parse(req[0].body)).toMatchObject({ to: '09012345678', sender: 'MADOGUCHI' });
    gateway.script.push({ status: 400, body: { error: { code: 'invalid_number', message: '09012345678 is not reachable' } } });
    const bad = (await send().expect(201)).body;
    await dispatch();
    expect(await message(bad.id)).toMatchObject({ status: 'failed', errorCode: 'SMS_INVALID_NUMBER', errorDetail: expect.stringContaining('not reachable') });
  });
});

describe('two instances on one MariaDB send each SMS exactly once', () => {
  it('with both dispatchers running at once', async () => {
    const sim = await startTwilioSimulator({ accountSid: SID, authToken: TOKEN });
    const a = await startTestApp('mariadb', { INSTANCE_ID: 'sms-a' });
    const b = await startTestApp('mariadb', { INSTANCE_ID: 'sms-b' }, a.db);
    try {
      const admin = await a.login();
      await admin.post('/api/mailboxes', { name: 'SMS', address: 'sms-two@example.jp' }).expect(201);
      await admin.put('/api/sms/settings', { provider: 'twilio', twilio: { accountSid: SID, authToken: TOKEN, from: '+815012345678', baseUrl: sim.baseUrl } }).expect(200);
      const customerId = (await admin.post('/api/customers', { lastName: '並行', mobile: '080-1111-2222' }).expect(201)).body.id;
      for (let i = 0; i < 10; i++) await admin.post('/api/sms/messages', { customerId, body: `並行 ${i}`, purpose: 'transactional' }).expect(201);
      for (let round = 0; round < 3; round++) await Promise.all([a.app.get(OutboxDispatcher).dispatchDue(), b.app.get(OutboxDispatcher).dispatchDue()]);
      expect(sim.sends()).toHaveLength(10);
      expect(new Set(sim.sent.map((m) => m.body)).size).toBe(10);
      const list = (await admin.get('/api/sms/messages').query({ customerId, status: 'sent' }).expect(200)).body;
      expect(list.total).toBe(10);
    } finally {
      await b.close();
      await a.close();
      await sim.stop();
    }
  });
});
