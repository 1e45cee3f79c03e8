import { OutboxDispatcher } from '@madoguchi/core';
import { DB_KINDS } from '@test/support/databases';
import { SmtpSink, startSmtpSink } from '@test/support/smtp-sink';
import { Session, startTestApp, TestApp } from '@test/support/test-app';
import { simpleParser } from 'mailparser';
import request from 'supertest';

jest.setTimeout(180_000);

/**
 * What 退会 (POST /api/customers/:id/withdraw) changes elsewhere (issue #17 point 6): the
 * customer keeps their history but can no longer sign in to MYPAGE — open portal sessions end at
 * once, a new sign-in gets the same 401 as a wrong password, a reset mail is not sent — and a
 * bulk SMS leaves them out with the reason; reinstating gives access back.
 */
describe.each(DB_KINDS)('a withdrawn customer on %s', (kind) => {
  let sink: SmtpSink;
  let t: TestApp;
  let admin: Session;
  const password = 'a-long-portal-pass-77';

  const dispatchAll = async () => {
    while ((await t.app.get(OutboxDispatcher).dispatchDue()) > 0);
  };
  const portalLogin = (email: string) => request.agent(t.app.getHttpServer()).post('/api/portal/auth/login').send({ email, password });

  beforeAll(async () => {
    sink = await startSmtpSink();
    t = await startTestApp(kind);
    admin = await t.login();
    await admin.post('/api/mailboxes', { name: '会員窓口', address: `members-${kind}@example.jp`, smtp: { host: sink.host, port: sink.port, secure: false } }).expect(201);
  });
  afterAll(async () => {
    await t?.close();
    await sink?.stop();
  });

  it('cannot sign in to MYPAGE, loses open sessions, gets no reset mail, and is left out of a bulk SMS; reinstated, signs in again', async () => {
    const email = `taikai-${kind}@example.jp`;
    const id = (await admin.post('/api/customers', { lastName: '退会', firstName: '予定', email, mobile: '090-2222-1111' }).expect(201)).body.id as number;
    await admin.post(`/api/customers/${id}/portal-invitation`).expect(201);
    await dispatchAll();
    const [invitation] = await sink.waitFor(1);
    const text = (await simpleParser(invitation.raw)).text ?? '';
    const token = decodeURIComponent(/\/mypage\/set-password\?token=([A-Za-z0-9_%-]+)/.exec(text)![1]);
    await t.http.post('/api/portal/auth/set-password').send({ token, password }).expect(200);

    const agent = request.agent(t.app.getHttpServer());
    await agent.post('/api/portal/auth/login').send({ email, password }).expect(200);
    await agent.get('/api/portal/auth/me').expect(200);

    await admin.post(`/api/customers/${id}/withdraw`, { reason: '引っ越しのため' }).expect((r) => expect(r.status).toBeLessThan(300));
    // The open session ends at once; a new sign-in is refused like a wrong password.
    await agent.get('/api/portal/auth/me').expect(401);
    const refused = await portalLogin(email);
    expect(refused.status).toBe(401);
    expect(refused.body.error).toBe((await portalLogin(`nobody-${kind}@example.jp`)).body.error);
    // No reset mail for a withdrawn customer (the answer still says nothing).
    sink.clear();
    await t.http.post('/api/portal/auth/password-reset').send({ email }).expect((r) => expect(r.status).toBeLessThan(300));
    await dispatchAll();
    await new Promise((r) => setTimeout(r, 300));
    expect(sink.messages()).toHaveLength(0);
    // Kept, with the history: the karte still answers.
    expect((await admin.get(`/api/customers/${id}`).expect(200)).body.withdrawnAt).not.toBeNull();

    // A bulk SMS leaves them out with the reason.
    const member = (await admin.post('/api/customers', { lastName: '会員', mobile: '090-2222-3333' }).expect(201)).body.id as number;
    const template = (await admin.post('/api/sms/templates', { name: `お知らせ-${kind}`, subject: 'お知らせ', body: '[[%氏名%]]様 営業時間のお知らせです。' }).expect(201)).body.id as number;
    const preview = (await admin.post('/api/sms/bulk/preview', { customerIds: [id, member], templateId: template, purpose: 'transactional' }).expect((r) => expect(r.status).toBeLessThan(300))).body;
    expect(preview.skipped).toEqual([{ customerId: id, reason: 'CUSTOMER_WITHDRAWN' }]);
    expect(preview.recipients.map((r: { customerId: number }) => r.customerId)).toEqual([member]);

    await admin.post(`/api/customers/${id}/reinstate`).expect((r) => expect(r.status).toBeLessThan(300));
    expect((await portalLogin(email)).status).toBe(200);
  });
});
