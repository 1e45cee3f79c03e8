import { DB_KINDS } from '@test/support/databases';
import { Session, startTestApp, TestApp } from '@test/support/test-app';

jest.setTimeout(90_000);

/** テストメール for a new install (issue 13 point 11): a sample mail through the whole intake pipeline. */
describe.each(DB_KINDS)('the test mail on %s', (kind) => {
  let t: TestApp;
  let admin: Session;
  let agent: Session;
  let mailboxId: number;

  beforeAll(async () => {
    t = await startTestApp(kind, { MAIL_CONNECTION_TEST_LIMIT: 3 });
    admin = await t.login();
    mailboxId = (await admin.post('/api/mailboxes', { name: 'テスト受信', address: `testmail-${kind}@example.jp` }).expect(201)).body.id;
    const agents = (await admin.post('/api/groups', { name: `担当-${kind}`, rights: [], mailboxRights: [{ mailboxId, view: true, reply: true, approve: false, manage: false }] }).expect(201)).body.id;
    await admin.post('/api/users', { email: `testmail-agent-${kind}@test.local`, name: '担当', password: 'testmail-pass-123', groupIds: [agents] }).expect(201);
    agent = await t.login(`testmail-agent-${kind}@test.local`, 'testmail-pass-123');
  });
  afterAll(async () => {
    await t?.close();
  });

  it('files a Japanese sample mail as a ticket, says how direct delivery is reached, and needs manage', async () => {
    const status = (await admin.get(`/api/mailboxes/${mailboxId}/status`).expect(200)).body;
    expect(status.state).toBe('not_configured');
    // Direct delivery is off in the tests' configuration (no listening port): the status says so.
    expect(t.config.mail.intakeSmtp.port).toBe(0);
    expect(status).toHaveProperty('directDelivery', null);
    const res = await admin.post(`/api/mailboxes/${mailboxId}/test-mail`).expect(201);
    const ticket = (await admin.get(`/api/tickets/${res.body.ticketId}`).expect(200)).body;
    expect(ticket).toMatchObject({ subject: '【テスト】窓口へのテストメール', state: 'unhandled', mailboxId });
    expect(ticket.articles[0].text).toContain('テストメール');
    await agent.post(`/api/mailboxes/${mailboxId}/test-mail`).expect(403);
    await agent.post('/api/mailboxes/99999999/test-mail').expect(404);
  });

  it('is limited like the connection test', async () => {
    let last = 201;
    for (let i = 0; i < 5 && last === 201; i++) last = (await admin.post(`/api/mailboxes/${mailboxId}/test-mail`)).status;
    expect(last).toBe(429);
  });
});
