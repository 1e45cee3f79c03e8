import { Clock, OutboxDispatcher } from '@madoguchi/core';
import { IntakeService } from '@madoguchi/mail';
import { HoldReleaseJob } from '@madoguchi/tickets';
import { DB_KINDS } from '@test/support/databases';
import { rawMail } from '@test/support/mail-builder';
import { SmtpSink, startSmtpSink } from '@test/support/smtp-sink';
import { Session, startTestApp, TestApp } from '@test/support/test-app';

jest.setTimeout(120_000);

/** 送信して対応済 / 送信して保留 / 送信のみ and 保留 as a state of the ticket machine (issue 13 point 11). */
describe.each(DB_KINDS)('保留 and what a reply makes of its ticket on %s', (kind) => {
  let sink: SmtpSink;
  let t: TestApp;
  let admin: Session;
  let viewer: Session;
  let mailboxId: number;
  const address = `hold-${kind}@example.jp`;
  let seq = 0;

  const dispatch = () => t.app.get(OutboxDispatcher).dispatchDue();
  const inbound = async (subject: string, inReplyTo?: string) => {
    const messageId = `hold-${kind}-${++seq}@customer.example.jp`;
    const filed = await t.app.get(IntakeService).ingest({ id: mailboxId, address }, rawMail({ from: 'yamada@customer.example.jp', to: address, subject, body: subject, messageId, ...(inReplyTo ? { inReplyTo, references: [inReplyTo] } : {}) }), { kind: 'smtp' });
    return { ticketId: (filed as { ticketId: number }).ticketId, messageId };
  };
  const ticket = async (id: number) => (await admin.get(`/api/tickets/${id}`).expect(200)).body;
  const reply = (id: number, extra: object) => admin.post(`/api/tickets/${id}/replies`, { to: ['yamada@customer.example.jp'], subject: 'Re', text: 'ご連絡ありがとうございます。', ...extra });

  beforeAll(async () => {
    sink = await startSmtpSink();
    t = await startTestApp(kind);
    admin = await t.login();
    mailboxId = (await admin.post('/api/mailboxes', { name: '保留', address, smtp: { host: sink.host, port: sink.port, secure: false } }).expect(201)).body.id;
    const viewers = (await admin.post('/api/groups', { name: `閲覧-${kind}`, rights: [], mailboxRights: [{ mailboxId, view: true, reply: false, approve: false, manage: false }] }).expect(201)).body.id;
    await admin.post('/api/users', { email: `hold-viewer-${kind}@test.local`, name: '閲覧者', password: 'hold-pass-12345', groupIds: [viewers] }).expect(201);
    viewer = await t.login(`hold-viewer-${kind}@test.local`, 'hold-pass-12345');
  });
  afterAll(async () => {
    await t?.close();
    await sink?.stop();
  });

  it('送信して保留 holds the ticket until the customer writes again, with its own tab and count', async () => {
    const { ticketId, messageId } = await inbound('保留したい問い合わせ');
    const sent = await reply(ticketId, { afterSend: 'hold' }).expect(201);
    expect(sent.body).toMatchObject({ afterSend: 'hold', holdUntil: null });
    await dispatch();
    expect((await ticket(ticketId)).state).toBe('on_hold');
    const counts = (await admin.get('/api/ticket-counts').query({ mailboxId }).expect(200)).body;
    expect(counts.on_hold).toBe(1);
    expect((await admin.get('/api/tickets').query({ mailboxId, state: 'on_hold' }).expect(200)).body.items.map((x: { id: number }) => x.id)).toEqual([ticketId]);
    // The customer's answer ends the hold.
    const answer = await inbound('Re: 保留したい問い合わせ', `<${messageId}>`);
    expect(answer.ticketId).toBe(ticketId);
    expect((await ticket(ticketId)).state).toBe('unhandled');
  });

  it('送信のみ leaves the ticket 未対応, and 送信して対応済 is the default', async () => {
    const open = await inbound('送信のみの問い合わせ');
    await reply(open.ticketId, { afterSend: 'open' }).expect(201);
    await dispatch();
    expect((await ticket(open.ticketId)).state).toBe('unhandled');
    const plain = await inbound('普通の問い合わせ');
    await reply(plain.ticketId, {}).expect(201);
    await dispatch();
    expect((await ticket(plain.ticketId)).state).toBe('handled');
  });

  it('a hold with a time ends by itself when the time comes', async () => {
    const { ticketId } = await inbound('期限付きの保留');
    const until = new Date(Date.now() + 3 * 86400_000).toISOString();
    await reply(ticketId, { afterSend: 'hold', holdUntil: until }).expect(201);
    await dispatch();
    expect((await ticket(ticketId)).state).toBe('on_hold');
    const job = t.app.get(HoldReleaseJob);
    await job.releaseDue();
    expect((await ticket(ticketId)).state).toBe('on_hold');
    const clock = t.app.get(Clock);
    const later = jest.spyOn(clock, 'now').mockReturnValue(new Date(Date.now() + 4 * 86400_000));
    try {
      expect(await job.releaseDue()).toBeGreaterThanOrEqual(1);
    } finally {
      later.mockRestore();
    }
    expect((await ticket(ticketId)).state).toBe('unhandled');
    const story = (await admin.get(`/api/tickets/${ticketId}/transitions`).expect(200)).body as { event: string; to: string }[];
    expect(story.map((s) => s.event)).toEqual(expect.arrayContaining(['RELEASE']));
  });

  it('holds by hand (POST /hold), needs the reply right, and refuses what does not fit', async () => {
    const { ticketId } = await inbound('手動で保留');
    await viewer.post(`/api/tickets/${ticketId}/hold`, {}).expect(403);
    await admin.post('/api/tickets/99999999/hold', {}).expect(404);
    await admin.post(`/api/tickets/${ticketId}/hold`, { until: '2000-01-01T00:00:00Z' }).expect(400);
    await admin.post(`/api/tickets/${ticketId}/hold`, { until: 'tomorrow' }).expect(400);
    await reply(ticketId, { afterSend: 'later' }).expect(400);
    await reply(ticketId, { afterSend: 'open', holdUntil: new Date(Date.now() + 86400_000).toISOString() }).expect(400);
    const held = await admin.post(`/api/tickets/${ticketId}/hold`, {}).expect(200);
    expect(held.body.state).toBe('on_hold');
    // 対応済 and 再オープン work from 保留 too.
    await admin.post(`/api/tickets/${ticketId}/mark-handled`, {}).expect(200);
    await admin.post(`/api/tickets/${ticketId}/reopen`).expect(200);
    expect((await ticket(ticketId)).state).toBe('unhandled');
    // A handled ticket is reopened first, not held.
    await admin.post(`/api/tickets/${ticketId}/mark-handled`, {}).expect(200);
    const refused = await admin.post(`/api/tickets/${ticketId}/hold`, {}).expect(409);
    expect(refused.body.error).toBe('TRANSITION_NOT_ALLOWED');
  });
});
