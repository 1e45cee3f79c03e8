import { OutboxDispatcher, OutboxEntry } from '@madoguchi/core';
import { DB_KINDS } from '@test/support/databases';
import { SmsSimulator, startGatewaySimulator, startTwilioSimulator } from '@test/support/sms-simulators';
import { Session, startTestApp, TestApp } from '@test/support/test-app';
import { DataSource, In } from 'typeorm';

jest.setTimeout(180_000);

const SID = 'AC0123456789abcdef0123456789abcdef';
const TOKEN = 'twilio-auth-token-1';
const GW_TOKEN = 'gateway-token-1';
const PASSWORD = 'consent-pass-12345';

describe.each(DB_KINDS)('SMS consent, click counting, retry and bulk send (%s)', (kind) => {
  let t: TestApp;
  let admin: Session;
  let reader: Session;
  let twilio: SmsSimulator;
  let gateway: SmsSimulator;
  const dispatch = () => t.app.get(OutboxDispatcher).dispatchDue();
  const db = () => t.app.get(DataSource);
  const message = async (id: number) => (await admin.get(`/api/sms/messages/${id}`).expect(200)).body;
  const outboxOf = async (smsId: number) =>
    Number((await db().query('SELECT outbox_id AS o FROM sms_message WHERE id = ?', [smsId]))[0].o);
  const makeDue = async (smsId: number) =>
    db()
      .getRepository(OutboxEntry)
      .update({ id: await outboxOf(smsId) }, { dueAt: new Date(Date.now() - 1000) });
  const customer = async (lastName: string, fields: object = { mobile: '090-1234-5678' }) =>
    (await admin.post('/api/customers', { lastName, ...fields }).expect(201)).body.id as number;
  const consent = (id: number, optIn: boolean, method = 'phone', note?: string) =>
    admin.put(`/api/customers/${id}/sms-consent`, { optIn, method, ...(note ? { note } : {}) });
  const send = (customerId: number, body: object = {}) =>
    admin.post('/api/sms/messages', {
      customerId,
      body: 'ご来店ありがとうございました。',
      purpose: 'transactional',
      ...body,
    });
  const useLocal = () => admin.put('/api/sms/settings', { provider: 'local' }).expect(200);
  const useTwilio = () =>
    admin
      .put('/api/sms/settings', {
        provider: 'twilio',
        twilio: { accountSid: SID, authToken: TOKEN, from: '+815012345678', baseUrl: twilio.baseUrl },
      })
      .expect(200);
  const useGateway = () =>
    admin
      .put('/api/sms/settings', {
        provider: 'gateway',
        gateway: { baseUrl: gateway.baseUrl, token: GW_TOKEN, sender: 'MADOGUCHI' },
      })
      .expect(200);
  const nextWeek = () => new Date(Date.now() + 7 * 86_400_000).toISOString();
  const MARKETING = '新春フェア開催中。配信停止は「停止」と返信してください。';

  beforeAll(async () => {
    [twilio, gateway] = await Promise.all([
      startTwilioSimulator({ accountSid: SID, authToken: TOKEN }),
      startGatewaySimulator({ token: GW_TOKEN }),
    ]);
    t = await startTestApp(kind);
    admin = await t.login();
    await admin
      .post('/api/mailboxes', { name: 'SMS窓口', address: `sms-consent-${kind}@example.jp` })
      .expect(201);
    const readers = (
      await admin
        .post('/api/groups', { name: `顧客閲覧-${kind}`, rights: ['customers.read'], mailboxRights: [] })
        .expect(201)
    ).body.id as number;
    await admin
      .post('/api/users', {
        email: `reader-${kind}@example.jp`,
        name: '閲覧 花子',
        password: PASSWORD,
        groupIds: [readers],
      })
      .expect(201);
    reader = await t.login(`reader-${kind}@example.jp`, PASSWORD);
  });
  afterAll(async () => {
    await t?.close();
    await Promise.all([twilio?.stop(), gateway?.stop()]);
  });
  beforeEach(() => {
    twilio.script.length = 0;
    gateway.script.length = 0;
  });
  // What a test left queued goes out (captured) before the next one counts the simulators' requests.
  afterEach(async () => {
    await useLocal();
    while ((await dispatch()) > 0);
  });

  it('answers 401 without sign-in on every new route', async () => {
    for (const [method, url] of [
      ['get', '/api/customers/1/sms-consent'],
      ['put', '/api/customers/1/sms-consent'],
      ['post', '/api/sms/messages/1/retry'],
      ['post', '/api/sms/bulk/preview'],
      ['post', '/api/sms/bulk'],
      ['get', '/api/sms/bulk/1'],
    ] as const) {
      await t.http[method](url).send({ optIn: true, method: 'phone' }).expect(401);
    }
  });

  it('records consent with when, how and by whom, keeps its history newest first, and checks rights and input', async () => {
    const id = await customer('同意');
    const none = (await admin.get(`/api/customers/${id}/sms-consent`).expect(200)).body;
    expect(none).toEqual({
      customerId: id,
      current: { optIn: null, method: null, at: null, byUserId: null, by: null },
      history: [],
    });

    const first = (await consent(id, true, 'phone', '電話で確認').expect(200)).body;
    expect(first.current).toMatchObject({
      optIn: true,
      method: 'phone',
      byUserId: expect.any(Number),
      by: { id: expect.any(Number), name: expect.any(String) },
    });
    expect(new Date(first.current.at).getTime()).toBeGreaterThan(Date.now() - 60_000);
    // The karte's flag follows the newest record.
    expect((await admin.get(`/api/customers/${id}`).expect(200)).body.smsConsent).toBe(true);
    const second = (await consent(id, false, 'paper').expect(200)).body;
    expect(second.current).toMatchObject({ optIn: false, method: 'paper' });
    expect((await admin.get(`/api/customers/${id}`).expect(200)).body.smsConsent).toBe(false);
    expect(
      second.history.map((h: { optIn: boolean; method: string; note: string | null }) => [
        h.optIn,
        h.method,
        h.note,
      ]),
    ).toEqual([
      [false, 'paper', null],
      [true, 'phone', '電話で確認'],
    ]);
    const audits = await db().query(
      "SELECT actor_user_id AS u FROM audit_entry WHERE entity = 'customer' AND entity_id = ? AND action = 'sms_consent'",
      [String(id)],
    );
    expect(audits).toHaveLength(2);
    expect(audits[0].u).not.toBeNull();

    // Readers of customers see it; changing it needs the customer-edit right.
    expect((await reader.get(`/api/customers/${id}/sms-consent`).expect(200)).body.history).toHaveLength(2);
    expect(
      (await reader.put(`/api/customers/${id}/sms-consent`, { optIn: true, method: 'phone' }).expect(403))
        .body.error,
    ).toBeDefined();

    // An unknown (or deleted) customer is 404 for both.
    expect((await admin.get('/api/customers/999999/sms-consent').expect(404)).body.error).toBe(
      'CUSTOMER_NOT_FOUND',
    );
    expect((await consent(999999, true).expect(404)).body.error).toBe('CUSTOMER_NOT_FOUND');
    const gone = await customer('削除予定');
    await admin.delete(`/api/customers/${gone}`).expect(204);
    await admin.get(`/api/customers/${gone}/sms-consent`).expect(404);

    // Bad input is 400 with field codes.
    expect(
      Object.keys(
        (await admin.put(`/api/customers/${id}/sms-consent`, { optIn: true, method: 'email' }).expect(400))
          .body.fields,
      ),
    ).toEqual(['method']);
    expect(
      Object.keys(
        (await admin.put(`/api/customers/${id}/sms-consent`, { optIn: 'yes', method: 'phone' }).expect(400))
          .body.fields,
      ),
    ).toEqual(['optIn']);
    await admin
      .put(`/api/customers/${id}/sms-consent`, { optIn: true, method: 'phone', note: 'x'.repeat(501) })
      .expect(400);
    expect((await admin.get(`/api/customers/${id}/sms-consent`).expect(200)).body.history).toHaveLength(2);
  });

  it('refuses marketing without opt-in or after opt-out, still sends transactional, and warns about a body without an opt-out', async () => {
    await useLocal();
    const id = await customer('広告');
    expect((await send(id, { purpose: 'marketing', body: MARKETING }).expect(409)).body.error).toBe(
      'SMS_NO_CONSENT',
    );
    await send(id).expect(201);

    await consent(id, true, 'form').expect(200);
    const warned = (
      await send(id, { purpose: 'marketing', body: '新春フェア開催中！ご来店お待ちしております' }).expect(201)
    ).body;
    expect(warned.warnings).toEqual(['SMS_NO_OPT_OUT_TEXT']);
    expect((await send(id, { purpose: 'marketing', body: MARKETING }).expect(201)).body.warnings).toEqual([]);
    expect((await send(id, { body: 'ご予約の確認です' }).expect(201)).body.warnings).toEqual([]);
    // The dialog asks before sending: the segment count with a purpose carries the same warnings.
    expect(
      (await admin.post('/api/sms/segments', { body: 'セール開催中', purpose: 'marketing' }).expect(200))
        .body,
    ).toMatchObject({ length: 6, warnings: ['SMS_NO_OPT_OUT_TEXT'] });
    expect(
      (
        await admin
          .post('/api/sms/segments', { body: 'セール Reply STOP to opt out', purpose: 'marketing' })
          .expect(200)
      ).body.warnings,
    ).toEqual([]);
    expect(
      (await admin.post('/api/sms/segments', { body: 'x', purpose: 'advert' }).expect(400)).body.fields
        .purpose,
    ).toBeDefined();

    await consent(id, false, 'phone').expect(200);
    const refused = (await send(id, { purpose: 'marketing', body: MARKETING }).expect(409)).body;
    expect(refused).toMatchObject({ error: 'SMS_OPTED_OUT', params: { customerId: id } });
    await send(id).expect(201);

    // No record yet, but the karte's consent flag (set on the form or by CSV import) counts as an opt-in by import.
    const flagged = await customer('フラグ', { mobile: '080-2222-3333', smsConsent: true });
    await send(flagged, { purpose: 'marketing', body: MARKETING }).expect(201);
    await consent(flagged, false, 'sms').expect(200);
    expect((await send(flagged, { purpose: 'marketing', body: MARKETING }).expect(409)).body.error).toBe(
      'SMS_OPTED_OUT',
    );
  });

  it('cancels a scheduled marketing SMS whose customer opted out before its slot, with the reason, and never sends it', async () => {
    await useTwilio();
    const before = twilio.sends().length;
    const id = await customer('予約後停止');
    await consent(id, true, 'mypage').expect(200);
    const later = (await send(id, { purpose: 'marketing', body: MARKETING, sendAt: nextWeek() }).expect(201))
      .body;
    const transactional = (await send(id, { sendAt: nextWeek() }).expect(201)).body;
    expect(later.status).toBe('scheduled');

    await consent(id, false, 'phone', '電話で停止の申し出').expect(200);
    const cancelled = await message(later.id);
    expect(cancelled).toMatchObject({
      status: 'cancelled',
      errorCode: 'SMS_OPTED_OUT',
      cancelReason: expect.stringContaining('SMS_OPTED_OUT'),
      cancelledBy: null,
    });
    expect(cancelled.cancelledAt).toBeTruthy();
    // The transactional one still waits for its slot.
    expect((await message(transactional.id)).status).toBe('scheduled');
    await makeDue(later.id);
    await makeDue(transactional.id);
    await dispatch();
    expect(twilio.sends().length - before).toBe(1);
    expect((await message(later.id)).status).toBe('cancelled');
    expect((await message(transactional.id)).status).toBe('sent');

    // Consent lost another way (the karte flag turned off, no record) is caught when the slot comes.
    const flagged = await customer('フラグ解除', { mobile: '070-3333-4444', smsConsent: true });
    const due = (
      await send(flagged, { purpose: 'marketing', body: MARKETING, sendAt: nextWeek() }).expect(201)
    ).body;
    await admin.patch(`/api/customers/${flagged}`, { smsConsent: false }).expect(200);
    await makeDue(due.id);
    await dispatch();
    expect(twilio.sends().length - before).toBe(1);
    expect(await message(due.id)).toMatchObject({
      status: 'cancelled',
      errorCode: 'SMS_NO_CONSENT',
      cancelReason: expect.stringContaining('SMS_NO_CONSENT'),
    });
    const history = await db().query('SELECT COUNT(*) AS n FROM history_entry WHERE event_key IN (?, ?)', [
      `sms_sent:${later.id}`,
      `sms_sent:${due.id}`,
    ]);
    expect(Number(history[0].n)).toBe(0);
  });

  it('counts clicks: the first two URLs go out as short links, the third as written; /s/:code counts and redirects', async () => {
    await useLocal();
    const id = await customer('クリック');
    const body = 'A https://a.example.jp/x?y=1 B http://b.example.jp/、C https://c.example.jp/z';
    const sent = (await send(id, { body, clickCount: true }).expect(201)).body;
    expect(sent.links.map((l: { position: number; url: string }) => [l.position, l.url])).toEqual([
      [1, 'https://a.example.jp/x?y=1'],
      [2, 'http://b.example.jp/'],
    ]);
    const base = t.config.http.publicUrl;
    const codes = sent.links.map((l: { shortUrl: string }) => l.shortUrl.slice(`${base}/s/`.length));
    for (const code of codes) expect(code).toMatch(/^[0-9A-Za-z]{12}$/);
    expect(sent.body).toBe(`A ${base}/s/${codes[0]} B ${base}/s/${codes[1]}、C https://c.example.jp/z`);
    // Segments are of the text actually sent.
    expect(sent.length).toBe([...sent.body].length);
    expect(sent.length).not.toBe([...body].length);
    await dispatch();
    expect((await message(sent.id)).status).toBe('sent');

    const first = await t.http.get(`/s/${codes[0]}`).expect(302);
    expect(first.headers.location).toBe('https://a.example.jp/x?y=1');
    await t.http.get(`/s/${codes[0]}`).expect(302);
    const shown = await message(sent.id);
    expect(shown.links[0]).toMatchObject({
      clicks: 2,
      firstClickAt: expect.any(String),
      lastClickAt: expect.any(String),
    });
    expect(shown.links[1]).toMatchObject({ clicks: 0, firstClickAt: null, lastClickAt: null });
    const [{ n }] = await db().query(
      'SELECT COUNT(*) AS n FROM sms_link_click c JOIN sms_link l ON l.id = c.link_id WHERE l.code = ?',
      [codes[0]],
    );
    expect(Number(n)).toBe(2);
    const listed = (
      await admin.get('/api/sms/messages').query({ customerId: id }).expect(200)
    ).body.items.find((m: { id: number }) => m.id === sent.id);
    expect(listed.links.map((l: { clicks: number }) => l.clicks)).toEqual([2, 0]);

    // Unknown and garbage codes: a plain 404 page, never a 500; a code in other letter case is another code.
    const unknown = await t.http.get('/s/AAAAAAAAAAAA').expect(404);
    expect(unknown.headers['content-type']).toMatch(/text\/html/);
    await t.http
      .get(`/s/${codes[0].toLowerCase() === codes[0] ? codes[0].toUpperCase() : codes[0].toLowerCase()}`)
      .expect(404);
    for (const garbage of ['abc', '%00', "'%20OR%201=1--", 'x'.repeat(5000), '%E3%81%82', '..%2F..%2Fetc']) {
      const res = await t.http.get(`/s/${garbage}`);
      expect(res.status).toBeGreaterThanOrEqual(400);
      expect(res.status).toBeLessThan(500);
    }
    expect((await message(sent.id)).links[0].clicks).toBe(2);

    // Without click counting the body goes out as written.
    const plain = (await send(id, { body }).expect(201)).body;
    expect(plain).toMatchObject({ body, links: [] });
  });

  it('sends a failed SMS again by hand through the same outbox row, and refuses to retry one that did not fail', async () => {
    await useTwilio();
    const id = await customer('再送');
    const before = twilio.sends().length;
    twilio.script.push({
      status: 400,
      body: {
        code: 21211,
        message: "The 'To' number +819012345678 is not a valid phone number.",
        status: 400,
      },
    });
    const m = (await send(id, { body: '再送試験' }).expect(201)).body;
    await dispatch();
    expect(await message(m.id)).toMatchObject({ status: 'failed', errorCode: 'SMS_INVALID_NUMBER' });
    const outboxId = await outboxOf(m.id);

    const retried = (await admin.post(`/api/sms/messages/${m.id}/retry`).expect(200)).body;
    expect(retried).toMatchObject({ id: m.id, status: 'queued', errorCode: null });
    expect((await admin.post(`/api/sms/messages/${m.id}/retry`).expect(409)).body.error).toBe(
      'SMS_NOT_RETRYABLE',
    );
    expect(await dispatch()).toBe(1);
    expect(await message(m.id)).toMatchObject({ status: 'sent', errorCode: null });
    expect(await outboxOf(m.id)).toBe(outboxId);
    const [{ k, ok }] = await db().query(
      'SELECT s.idempotency_key AS k, o.idempotency_key AS ok FROM sms_message s JOIN outbox o ON o.id = s.outbox_id WHERE s.id = ?',
      [m.id],
    );
    expect(ok).toBe(k);
    expect(twilio.sends().length - before).toBe(2);
    const history = await db().query('SELECT COUNT(*) AS n FROM history_entry WHERE event_key = ?', [
      `sms_sent:${m.id}`,
    ]);
    expect(Number(history[0].n)).toBe(1);

    expect((await admin.post(`/api/sms/messages/${m.id}/retry`).expect(409)).body).toMatchObject({
      error: 'SMS_NOT_RETRYABLE',
      params: { status: 'sent' },
    });
    const scheduled = (await send(id, { sendAt: nextWeek() }).expect(201)).body;
    expect((await admin.post(`/api/sms/messages/${scheduled.id}/retry`).expect(409)).body.error).toBe(
      'SMS_NOT_RETRYABLE',
    );
    await admin.post('/api/sms/messages/999999/retry').expect(404);
    await reader.post(`/api/sms/messages/${m.id}/retry`).expect(403);
  });

  it('bulk: the preview names who is left out and why; the send writes one SMS each, spread at the rate, with progress; the count is limited', async () => {
    await useLocal();
    const ok = [
      await customer('一斉 一', { mobile: '090-1111-0001' }),
      await customer('一斉 二', { mobile: '090-1111-0002' }),
      await customer('一斉 三', { mobile: '090-1111-0003' }),
    ];
    for (const id of ok) await consent(id, true, 'import').expect(200);
    const noMobile = await customer('一斉 固定', { tel: '03-1234-5678' });
    await consent(noMobile, true, 'import').expect(200);
    const noConsent = await customer('一斉 未同意', { mobile: '090-1111-0005' });
    const optedOut = await customer('一斉 停止', { mobile: '090-1111-0006' });
    await consent(optedOut, false, 'sms').expect(200);
    const tpl = (
      await admin
        .post('/api/sms/templates', {
          name: '新春',
          subject: '新春フェア',
          body: '[[%氏名%]]様 新春フェア開催。配信停止は「停止」と返信してください。',
        })
        .expect(201)
    ).body;
    const chosen = [...ok, noMobile, noConsent, optedOut, 999999];
    const expectedSkips = [
      { customerId: noMobile, reason: 'SMS_NO_MOBILE' },
      { customerId: noConsent, reason: 'SMS_NO_CONSENT' },
      { customerId: optedOut, reason: 'SMS_OPTED_OUT' },
      { customerId: 999999, reason: 'CUSTOMER_NOT_FOUND' },
    ];

    const preview = (
      await admin
        .post('/api/sms/bulk/preview', { customerIds: chosen, templateId: tpl.id, purpose: 'marketing' })
        .expect(200)
    ).body;
    expect(preview.recipients.map((r: { customerId: number }) => r.customerId)).toEqual(ok);
    expect(preview.recipients[0]).toMatchObject({ name: '一斉 一', number: '090-1111-0001' });
    expect(preview.skipped).toEqual(expectedSkips);
    expect(preview.counts).toEqual({
      recipients: 3,
      skipped: 4,
      reasons: { SMS_NO_MOBILE: 1, SMS_NO_CONSENT: 1, SMS_OPTED_OUT: 1, CUSTOMER_NOT_FOUND: 1 },
    });
    expect(preview.warnings).toEqual([]);
    expect(await db().query('SELECT id FROM sms_bulk')).toEqual([]);

    const bulk = (
      await admin
        .post('/api/sms/bulk', { customerIds: chosen, templateId: tpl.id, purpose: 'marketing' })
        .expect(201)
    ).body;
    expect(bulk).toMatchObject({ id: expect.any(Number), queued: 3, skipped: expectedSkips });
    const rows = await db().query(
      'SELECT s.customer_id AS c, s.body AS b, o.state AS st FROM sms_message s JOIN outbox o ON o.id = s.outbox_id JOIN sms_bulk_item i ON i.message_id = s.id WHERE i.bulk_id = ? ORDER BY s.customer_id',
      [bulk.id],
    );
    expect(rows.map((r: { c: number }) => Number(r.c))).toEqual(ok);
    expect(rows[0].b).toMatch(/^一斉 一様 新春フェア開催。/);
    expect((await admin.get(`/api/sms/bulk/${bulk.id}`).expect(200)).body).toMatchObject({
      queued: 3,
      skipped: expectedSkips,
      progress: { waiting: 3, sent: 0, failed: 0 },
      done: false,
    });
    await dispatch();
    expect((await admin.get(`/api/sms/bulk/${bulk.id}`).expect(200)).body).toMatchObject({
      progress: { waiting: 0, sent: 3, failed: 0, cancelled: 0 },
      done: true,
    });
    const history = await db().query(
      `SELECT COUNT(*) AS n FROM history_entry WHERE event_key LIKE 'sms_sent:%' AND customer_id IN (${ok.join(',')})`,
    );
    expect(Number(history[0].n)).toBe(3);

    // From a search: transactional needs no consent; only the landline is left out.
    const bySearch = (
      await admin
        .post('/api/sms/bulk/preview', {
          search: { q: '一斉' },
          templateId: tpl.id,
          purpose: 'transactional',
        })
        .expect(200)
    ).body;
    expect(bySearch.recipients.map((r: { customerId: number }) => r.customerId)).toEqual([
      ...ok,
      noConsent,
      optedOut,
    ]);
    expect(bySearch.skipped).toEqual([{ customerId: noMobile, reason: 'SMS_NO_MOBILE' }]);

    // Spread at the provider's rate: the gateway takes 10 a second, so from the slot the 11th falls due a second later.
    await useGateway();
    for (let i = 0; i < 12; i++)
      await customer(`間隔 ${i}`, { mobile: `080-2000-${String(i).padStart(4, '0')}` });
    const spread = (
      await admin
        .post('/api/sms/bulk', {
          search: { q: '間隔' },
          templateId: tpl.id,
          purpose: 'transactional',
          sendAt: nextWeek(),
        })
        .expect(201)
    ).body;
    expect(spread.queued).toBe(12);
    const outbox = db().getRepository(OutboxEntry);
    const dueRows = await db().query(
      'SELECT o.id AS id FROM outbox o JOIN sms_message s ON s.outbox_id = o.id JOIN sms_bulk_item i ON i.message_id = s.id WHERE i.bulk_id = ? ORDER BY o.id',
      [spread.id],
    );
    const rowsDue = await outbox.findBy({ id: In(dueRows.map((r: { id: number }) => Number(r.id))) });
    rowsDue.sort((a, b) => a.id - b.id);
    const due = rowsDue.map((r) => r.dueAt.getTime());
    expect(due.slice(0, 10).every((d) => d === due[0])).toBe(true);
    expect(due[10] - due[0]).toBe(1000);
    expect(due[11]).toBe(due[10]);
    // The slot comes for the first ten; the other two wait for their second.
    for (const r of rowsDue.slice(0, 10))
      await outbox.update({ id: r.id }, { dueAt: new Date(Date.now() - 1000) });
    const sendsBefore = gateway.sends().length;
    await dispatch();
    expect(gateway.sends().length - sendsBefore).toBe(10);
    for (const r of rowsDue)
      await outbox.update({ id: r.id, state: 'pending' }, { dueAt: new Date(Date.now() - 1000) });
    await dispatch();
    expect(gateway.sends().length - sendsBefore).toBe(12);
    expect((await admin.get(`/api/sms/bulk/${spread.id}`).expect(200)).body.progress).toMatchObject({
      waiting: 0,
      sent: 12,
    });

    // Limits and refusals.
    const tooMany = Array.from({ length: 5001 }, (_, i) => i + 1);
    expect(
      (
        await admin
          .post('/api/sms/bulk/preview', {
            customerIds: tooMany,
            templateId: tpl.id,
            purpose: 'transactional',
          })
          .expect(400)
      ).body,
    ).toMatchObject({ error: 'SMS_BULK_TOO_LARGE', params: { max: 5000 } });
    expect(
      (
        await admin
          .post('/api/sms/bulk', { customerIds: tooMany, templateId: tpl.id, purpose: 'transactional' })
          .expect(400)
      ).body.error,
    ).toBe('SMS_BULK_TOO_LARGE');
    await admin.post('/api/sms/bulk/preview', { templateId: tpl.id, purpose: 'transactional' }).expect(400);
    await admin
      .post('/api/sms/bulk/preview', {
        customerIds: ok,
        search: { q: '一斉' },
        templateId: tpl.id,
        purpose: 'transactional',
      })
      .expect(400);
    expect(
      (
        await admin
          .post('/api/sms/bulk/preview', { customerIds: ok, templateId: 999999, purpose: 'transactional' })
          .expect(404)
      ).body.error,
    ).toBe('SMS_TEMPLATE_NOT_FOUND');
    await admin.get('/api/sms/bulk/999999').expect(404);
    await reader
      .post('/api/sms/bulk', { customerIds: ok, templateId: tpl.id, purpose: 'transactional' })
      .expect(403);
  });
});
