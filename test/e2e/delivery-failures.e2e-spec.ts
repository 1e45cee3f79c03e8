import { OutboxDispatcher, OutboxEntry } from '@madoguchi/core';
import { IntakeService } from '@madoguchi/mail';
import { Reply } from '@madoguchi/tickets';
import { DB_KINDS } from '@test/support/databases';
import { rawMail } from '@test/support/mail-builder';
import { SmtpSink, startSmtpSink } from '@test/support/smtp-sink';
import { Session, startTestApp, TestApp } from '@test/support/test-app';
import { DataSource } from 'typeorm';

jest.setTimeout(120_000);

/**
 * Delivery inside the reply machine, as a new user meets it: a reply through an SMTP host that
 * does not exist shows 送信エラー with a code and the next try after the first attempt (its
 * author is told), gives up after a short budget (送信失敗, 再送), and a refused sign-in or
 * recipient likewise; nothing stays 「送信待ち」 in silence.
 */
describe.each(DB_KINDS)('delivery failures on %s', (kind) => {
  let sink: SmtpSink;
  let t: TestApp;
  let admin: Session;
  let seq = 0;

  const dispatch = () => t.app.get(OutboxDispatcher).dispatchDue();
  const outbox = (articleId: number) => t.app.get(DataSource).getRepository(OutboxEntry).findOneByOrFail({ articleId });
  /** Makes the row due now, as if its backoff had passed. */
  const due = async (articleId: number) => t.app.get(DataSource).getRepository(OutboxEntry).update({ articleId }, { dueAt: new Date(0) });
  const mailbox = async (name: string, smtp: object) => {
    const address = `${name}-${kind}@example.jp`;
    const id = (await admin.post('/api/mailboxes', { name, address, smtp }).expect(201)).body.id as number;
    return { id, address };
  };
  const ticketOn = async (box: { id: number; address: string }, subject: string) => {
    await t.app
      .get(IntakeService)
      .ingest(box, rawMail({ from: 'yamada@customer.example.jp', to: box.address, subject, body: '本文', messageId: `df-${kind}-${++seq}@customer.example.jp` }), { kind: 'smtp' });
    const list = (await admin.get('/api/tickets').query({ mailboxId: box.id, pageSize: 200 }).expect(200)).body;
    return list.items.find((x: { subject: string }) => x.subject === subject).id as number;
  };
  const reply = async (ticketId: number, to = 'yamada@customer.example.jp') =>
    (await admin.post(`/api/tickets/${ticketId}/replies`, { to: [to], text: '返信です' }).expect(201)).body as { id: number; articleId: number };
  const replyView = async (id: number) => (await admin.get(`/api/replies/${id}`).expect(200)).body;
  const article = async (ticketId: number, articleId: number) =>
    (await admin.get(`/api/tickets/${ticketId}`).expect(200)).body.articles.find((a: { id: number }) => a.id === articleId);

  beforeAll(async () => {
    sink = await startSmtpSink({ auth: { user: 'smtp-user', pass: 'smtp-pass' } });
    // No undo window: the reply is due at once.
    t = await startTestApp(kind, { MAIL_UNDO_SECONDS: '0' });
    admin = await t.login();
  });

  afterAll(async () => {
    await t?.close();
    await sink?.stop();
  });

  it('shows 送信エラー with the code and next try after the first failed attempt, tells the author, and gives up after a short budget', async () => {
    const box = await mailbox('nohost', { host: 'smtp.does-not-exist.invalid', port: 587, secure: false });
    const ticketId = await ticketOn(box, 'ホストなし');
    const r = await reply(ticketId);
    await dispatch();

    let view = await replyView(r.id);
    expect(view.status).toBe('retrying');
    expect(view.delivery).toMatchObject({ code: 'SMTP_HOST_NOT_FOUND', attempts: 1, retryAt: expect.any(String) });
    expect(new Date(view.delivery.retryAt).getTime()).toBeGreaterThan(Date.now());
    let a = await article(ticketId, r.articleId);
    expect(a).toMatchObject({ status: 'retrying', errorCode: 'SMTP_HOST_NOT_FOUND', retryAt: expect.any(String) });
    const notes = (await admin.get('/api/notifications').expect(200)).body.items.filter((n: { replyId: number }) => n.replyId === r.id);
    expect(notes).toEqual([expect.objectContaining({ kind: 'reply_send_failed', ticketId })]);
    expect(notes[0].text).toMatch(/送信エラー/);

    // Host not found cannot be waited out: after three attempts it is 送信失敗, no more retries.
    for (const attempt of [2, 3]) {
      await due(r.articleId);
      await dispatch();
      expect((await outbox(r.articleId)).attempts).toBe(attempt);
    }
    view = await replyView(r.id);
    expect(view.status).toBe('failed');
    expect(view.delivery).toMatchObject({ code: 'SMTP_HOST_NOT_FOUND', attempts: 3, retryAt: null });
    a = await article(ticketId, r.articleId);
    expect(a).toMatchObject({ status: 'failed', errorCode: 'SMTP_HOST_NOT_FOUND', retryAt: null });
    expect(await outbox(r.articleId)).toMatchObject({ state: 'failed', lastErrorCode: 'SMTP_HOST_NOT_FOUND' });
    const after = (await admin.get('/api/notifications').expect(200)).body.items.filter((n: { replyId: number }) => n.replyId === r.id);
    expect(after.map((n: { text: string }) => n.text.split(':')[0]).sort()).toEqual(['送信エラー', '送信失敗']);
    // The reply machine took the events, with their codes in the transition log.
    const log = await t.app.get(DataSource).query("SELECT event, to_state, reason FROM workflow_transition WHERE machine = 'reply' AND entity_id = ? ORDER BY id", [r.id]);
    expect(log.map((x: { event: string; to_state: string }) => `${x.event}→${x.to_state}`)).toEqual(['SUBMIT→approved', 'SEND_FAILED→approved', 'SEND_FAILED→approved', 'SEND_FAILED→failed']);

    // Nothing more happens on its own.
    await due(r.articleId);
    await dispatch();
    expect((await outbox(r.articleId)).attempts).toBe(3);
    // A failed one can be thrown away instead (not here: it is sent again below).

    // 再送 after fixing the setting: back in the outbox, due now, sent.
    await admin.patch(`/api/mailboxes/${box.id}`, { smtp: { host: sink.host, port: sink.port, secure: false, user: 'smtp-user', password: 'smtp-pass' } }).expect(200);
    const retried = await admin.post(`/api/articles/${r.articleId}/retry`).expect(200);
    expect(retried.body.status).toBe('queued');
    expect((await replyView(r.id)).status).toBe('queued');
    await admin.post(`/api/articles/${r.articleId}/retry`).expect(409);
    const before = sink.messages().length;
    await dispatch();
    expect(sink.messages()).toHaveLength(before + 1);
    expect((await replyView(r.id))).toMatchObject({ status: 'sent', delivery: null });
    expect(await article(ticketId, r.articleId)).toMatchObject({ status: 'sent', errorCode: null });
  });

  it('gives up on a refused sign-in at once and on a refused recipient, each with its own code', async () => {
    const box = await mailbox('wrongpass', { host: sink.host, port: sink.port, secure: false, user: 'smtp-user', password: 'wrong' });
    const ticketId = await ticketOn(box, 'パスワード違い');
    const r = await reply(ticketId);
    await dispatch();
    expect((await replyView(r.id)).delivery).toMatchObject({ code: 'SMTP_AUTH_FAILED' });
    // A 535 is an answer: no waiting helps.
    expect((await replyView(r.id)).status).toBe('failed');

    await admin.patch(`/api/mailboxes/${box.id}`, { smtp: { host: sink.host, port: sink.port, secure: false, user: 'smtp-user', password: 'smtp-pass' } }).expect(200);
    sink.failNext(1, 550, 'no such user', 'RCPT');
    const r2 = await reply(ticketId, 'nobody@customer.example.jp');
    await dispatch();
    expect(await replyView(r2.id)).toMatchObject({ status: 'failed', delivery: { code: 'SMTP_RECIPIENT_REFUSED', attempts: 1, retryAt: null } });

    // A temporary refusal keeps retrying (送信エラー) with the long backoff.
    sink.failNext(1, 451, 'try later');
    const r3 = await reply(ticketId);
    await dispatch();
    expect(await replyView(r3.id)).toMatchObject({ status: 'retrying', delivery: { code: 'SMTP_TEMPORARY', attempts: 1 } });
    await due(r3.articleId);
    await dispatch();
    expect(await replyView(r3.id)).toMatchObject({ status: 'sent', delivery: null });
  });

  it('lets the author throw away a reply whose sending was given up', async () => {
    const box = await mailbox('gaveup', { host: sink.host, port: sink.port, secure: false, user: 'smtp-user', password: 'wrong' });
    const ticketId = await ticketOn(box, '破棄');
    const r = await reply(ticketId);
    await dispatch();
    expect((await replyView(r.id)).status).toBe('failed');
    const cancelled = await admin.post(`/api/articles/${r.articleId}/cancel`).expect(200);
    expect(cancelled.body.status).toBe('cancelled');
    expect(await replyView(r.id)).toMatchObject({ status: 'cancelled', delivery: null });
    expect((await outbox(r.articleId)).state).toBe('cancelled');
    await admin.post(`/api/articles/${r.articleId}/retry`).expect(409);
    await admin.post(`/api/articles/${r.articleId}/cancel`).expect(409);
  });

  it('lets the author take back a reply while it is retrying', async () => {
    const box = await mailbox('refused', { host: '127.0.0.1', port: 9, secure: false });
    const ticketId = await ticketOn(box, '接続拒否');
    const r = await reply(ticketId);
    await dispatch();
    expect(await replyView(r.id)).toMatchObject({ status: 'retrying', delivery: { code: 'SMTP_CONNECTION_REFUSED' } });
    const cancelled = await admin.post(`/api/articles/${r.articleId}/cancel`).expect(200);
    expect(cancelled.body.status).toBe('cancelled');
    expect(await replyView(r.id)).toMatchObject({ status: 'cancelled', delivery: null });
    expect((await outbox(r.articleId)).state).toBe('cancelled');
    const row = await t.app.get(DataSource).getRepository(Reply).findOneByOrFail({ id: r.id });
    expect(row.state).toBe('cancelled');
  });
});
