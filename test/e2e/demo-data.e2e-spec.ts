import { OutboxDispatcher } from '@madoguchi/core';
import { startTestApp, TestApp } from '@test/support/test-app';

/**
 * The demo data a newcomer starts with (DEMO_DATA, on by default in config/default): a mailbox,
 * customers with mobile numbers and SMS templates, so the first SMS is one click away and is
 * captured locally on the embedded default.
 */
describe('demo data', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp('sqlite', { DEMO_DATA: true });
  });

  afterAll(async () => {
    await t?.close();
  });

  it('has customers with mobiles and SMS templates, and a templated SMS to one is captured as sent', async () => {
    const admin = await t.login();
    const customers = (await admin.get('/api/customers').query({ q: '田中' }).expect(200)).body.items as { id: number; mobile: string | null }[];
    const tanaka = customers.find((c) => c.mobile)!;
    expect(tanaka).toBeDefined();
    const templates = (await admin.get('/api/sms/templates').expect(200)).body as { id: number; name: string; body: string; needsMeeting: boolean }[];
    expect(templates.map((x) => x.name)).toEqual(expect.arrayContaining(['来店のお礼', 'ご予約の確認', 'オンライン商談のご案内']));
    expect(templates.find((x) => x.name === 'オンライン商談のご案内')!.needsMeeting).toBe(true);
    const thanks = templates.find((x) => x.name === '来店のお礼')!;
    const sent = await admin.post('/api/sms/messages', { customerId: tanaka.id, templateId: thanks.id, body: thanks.body, purpose: 'transactional' });
    expect(sent.status).toBe(201);
    await t.app.get(OutboxDispatcher).dispatchDue();
    const message = (await admin.get(`/api/sms/messages/${sent.body.id}`).expect(200)).body;
    expect(message).toMatchObject({ status: 'sent', captured: true });
    expect(message.body).toMatch(/^田中 太郎様\n本日はご来店ありがとうございました。/);
    expect(message.body).not.toContain('[[%');
  });
});
