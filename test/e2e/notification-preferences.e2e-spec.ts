import { OutboxDispatcher, OutboxEntry } from '@madoguchi/core';
import { IntakeService } from '@madoguchi/mail';
import { DB_KINDS } from '@test/support/databases';
import { rawMail } from '@test/support/mail-builder';
import { SmtpSink, startSmtpSink } from '@test/support/smtp-sink';
import { Session, startTestApp, TestApp } from '@test/support/test-app';
import { simpleParser } from 'mailparser';
import { DataSource } from 'typeorm';

jest.setTimeout(120_000);

/**
 * Mail notices as each user chose (issue 13, points 1 and 3): GET|PUT /api/me/notification-preferences,
 * and an assignment or a mention mailed through the outbox to the SMTP sink exactly once when
 * chosen, never when not.
 */
describe.each(DB_KINDS)('notification preferences on %s', (kind) => {
  let sink: SmtpSink;
  let t: TestApp;
  let admin: Session;
  let agent: Session;
  let colleague: Session;
  let colleagueId: number;
  let agentId: number;
  let mailboxId: number;
  let seq = 0;
  const address = `notify-${kind}@example.jp`;

  const dispatchAll = async () => {
    while ((await t.app.get(OutboxDispatcher).dispatchDue()) > 0);
  };
  const notificationRows = () => t.app.get(DataSource).getRepository(OutboxEntry).findBy({ purpose: 'notification' });
  const ticket = async (subject: string) => {
    await t.app
      .get(IntakeService)
      .ingest({ id: mailboxId, address }, rawMail({ from: 'customer@example.jp', to: address, subject, body: subject, messageId: `notify-${kind}-${++seq}@example.jp` }), { kind: 'smtp' });
    const items = (await admin.get('/api/tickets').query({ mailboxId, pageSize: 200 }).expect(200)).body.items as { id: number; code: string; subject: string }[];
    return items.find((x) => x.subject === subject)!;
  };
  /** Waits a moment for anything more to arrive, so "exactly once" also means "not a second time". */
  const settle = () => new Promise((r) => setTimeout(r, 300));

  beforeAll(async () => {
    sink = await startSmtpSink();
    t = await startTestApp(kind);
    admin = await t.login();
    mailboxId = (await admin.post('/api/mailboxes', { name: '通知窓口', address, smtp: { host: sink.host, port: sink.port, secure: false } }).expect(201)).body.id;
    const group = (
      await admin.post('/api/groups', { name: `通知-${kind}`, rights: [], mailboxRights: [{ mailboxId, view: true, reply: true, approve: false, manage: false }] }).expect(201)
    ).body.id;
    const user = async (email: string, name: string) =>
      (await admin.post('/api/users', { email, name, password: 'notify-pass-123', groupIds: [group] }).expect(201)).body.id as number;
    agentId = await user(`sato-${kind}@test.local`, '佐藤 花子');
    colleagueId = await user(`suzuki-${kind}@test.local`, '鈴木 一郎');
    agent = await t.login(`sato-${kind}@test.local`, 'notify-pass-123');
    colleague = await t.login(`suzuki-${kind}@test.local`, 'notify-pass-123');
  });
  beforeEach(() => sink.clear());
  afterAll(async () => {
    await t?.close();
    await sink?.stop();
  });

  it('answers 401 without sign-in', async () => {
    await t.http.get('/api/me/notification-preferences').expect(401);
    await t.http.put('/api/me/notification-preferences').send({ mailOnAssign: true, mailOnMention: true }).expect(401);
  });

  it('starts with nothing by mail, stores each user’s own choice, and refuses bad input', async () => {
    expect((await colleague.get('/api/me/notification-preferences').expect(200)).body).toEqual({ mailOnAssign: false, mailOnMention: false });
    const res = await colleague.put('/api/me/notification-preferences', { mailOnAssign: true, mailOnMention: false }).expect(200);
    expect(res.body).toEqual({ mailOnAssign: true, mailOnMention: false });
    expect((await colleague.get('/api/me/notification-preferences').expect(200)).body).toEqual({ mailOnAssign: true, mailOnMention: false });
    // Another user's choice is their own.
    expect((await agent.get('/api/me/notification-preferences').expect(200)).body).toEqual({ mailOnAssign: false, mailOnMention: false });
    const bad = await colleague.put('/api/me/notification-preferences', { mailOnAssign: 'yes', mailOnMention: false }).expect(400);
    expect(bad.body.error).toBe('VALIDATION_FAILED');
    await colleague.put('/api/me/notification-preferences', { mailOnAssign: true }).expect(400);
    await colleague.put('/api/me/notification-preferences', { mailOnAssign: true, mailOnMention: false, userId: agentId }).expect(400);
    expect((await agent.get('/api/me/notification-preferences').expect(200)).body).toEqual({ mailOnAssign: false, mailOnMention: false });
  });

  it('mails an assignment exactly once to a user who chose it, by name, with the code, subject and link', async () => {
    await colleague.put('/api/me/notification-preferences', { mailOnAssign: true, mailOnMention: false }).expect(200);
    const tk = await ticket('見積のお願い');
    await agent.patch(`/api/tickets/${tk.id}`, { assigneeId: colleagueId }).expect(200);
    await dispatchAll();
    const [mail] = await sink.waitFor(1);
    await dispatchAll();
    await settle();
    expect(sink.messages()).toHaveLength(1);
    expect(mail.envelope.rcptTo).toEqual([`suzuki-${kind}@test.local`]);
    const parsed = await simpleParser(mail.raw);
    expect(parsed.subject).toContain('担当に割り当てられました');
    expect(parsed.subject).toContain(tk.code);
    expect(parsed.text).toContain('鈴木 一郎 様');
    expect(parsed.text).toContain('（佐藤 花子）');
    expect(parsed.text).toContain(`${tk.code} 見積のお願い`);
    expect(parsed.text).toContain(`${t.config.http.publicUrl.replace(/\/+$/, '')}/tickets/${tk.id}`);
    expect(parsed.text).not.toContain(`sato-${kind}@test.local`);
    const rows = (await notificationRows()).filter((r) => r.target === `suzuki-${kind}@test.local`);
    expect(rows).toHaveLength(1);
    expect(rows[0].state).toBe('sent');
  });

  it('sends no mail for an assignment to a user who did not choose it (the in-app notice stays)', async () => {
    const before = (await notificationRows()).length;
    const tk = await ticket('請求書の再発行');
    await colleague.patch(`/api/tickets/${tk.id}`, { assigneeId: agentId }).expect(200);
    await dispatchAll();
    await settle();
    expect(sink.messages()).toHaveLength(0);
    expect(await notificationRows()).toHaveLength(before);
    const notices = (await agent.get('/api/notifications').expect(200)).body.items.filter((n: { ticketId: number }) => n.ticketId === tk.id);
    expect(notices).toHaveLength(1);
  });

  it('mails a mention once to a user who chose mention mail, and not again when the comment is edited', async () => {
    await agent.put('/api/me/notification-preferences', { mailOnAssign: false, mailOnMention: true }).expect(200);
    const tk = await ticket('納期の確認');
    const comment = await colleague.post(`/api/tickets/${tk.id}/comments`, { body: '@佐藤 花子 確認お願いします' }).expect(201);
    await colleague.patch(`/api/comments/${comment.body.id}`, { body: '@佐藤 花子 確認お願いします（至急）' }).expect(200);
    await dispatchAll();
    const [mail] = await sink.waitFor(1);
    await dispatchAll();
    await settle();
    expect(sink.messages()).toHaveLength(1);
    expect(mail.envelope.rcptTo).toEqual([`sato-${kind}@test.local`]);
    const parsed = await simpleParser(mail.raw);
    expect(parsed.text).toContain('佐藤 花子 様');
    expect(parsed.text).toContain('社内メモで言及されました');
    expect(parsed.text).toContain('（鈴木 一郎）');
    expect(parsed.text).toContain(`${tk.code} 納期の確認`);
  });

  it('sends no mention mail to a user who chose only assignment mail, nor any after turning it off', async () => {
    const tk = await ticket('返品について');
    // The colleague chose assignment mail only.
    await agent.post(`/api/tickets/${tk.id}/comments`, { body: '@鈴木 一郎 お願いします' }).expect(201);
    await agent.put('/api/me/notification-preferences', { mailOnAssign: false, mailOnMention: false }).expect(200);
    await colleague.post(`/api/tickets/${tk.id}/comments`, { body: '@佐藤 花子 見てください' }).expect(201);
    await dispatchAll();
    await settle();
    expect(sink.messages()).toHaveLength(0);
  });
});
