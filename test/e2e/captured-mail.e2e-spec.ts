// Mail a mailbox without an SMTP account keeps instead of sending (mail.capture, on outside
// production): listed once per outbox row, readable, downloadable, hidden like its mailbox.
import { OutboxDispatcher, OutboxEntry } from '@madoguchi/core';
import { EmailPayload, EmailSender, IntakeService } from '@madoguchi/mail';
import { MailboxesService } from '@madoguchi/mailboxes';
import { simpleParser } from 'mailparser';
import { DataSource } from 'typeorm';
import { DB_KINDS } from '@test/support/databases';
import { rawMail } from '@test/support/mail-builder';
import { Session, startTestApp, TestApp } from '@test/support/test-app';

jest.setTimeout(120_000);

/** Binary bodies (the .eml) as a Buffer, whatever their content type. */
const asBuffer = (res: unknown, cb: (err: Error | null, body: Buffer) => void) => {
  const chunks: Buffer[] = [];
  const stream = res as NodeJS.ReadableStream;
  stream.on('data', (c: Buffer) => chunks.push(c));
  stream.on('end', () => cb(null, Buffer.concat(chunks)));
};

describe.each(DB_KINDS)('captured mail on %s', (kind) => {
  let t: TestApp;
  let admin: Session;
  let mailboxId: number;
  let capturedId: number;
  let messageId: string;
  const address = `capture-${kind}@example.jp`;

  beforeAll(async () => {
    t = await startTestApp(kind);
    expect(t.config.mail.capture).toBe(true);
    admin = await t.login();
    mailboxId = (await admin.post('/api/mailboxes', { name: 'ローカル送信', address }).expect(201)).body.id;
  });
  afterAll(async () => {
    await t?.close();
  });

  const count = async () => Number((await t.app.get(DataSource).query('SELECT COUNT(*) AS n FROM captured_mail'))[0].n);

  it('keeps a reply from a mailbox without SMTP once, and lists it with its subject and recipient', async () => {
    const filed = await t.app
      .get(IntakeService)
      .ingest({ id: mailboxId, address }, rawMail({ from: 'kyaku@example.jp', to: address, subject: '見積のお願い', body: '見積をください', messageId: `ask-${kind}@example.jp` }), { kind: 'smtp' });
    expect(filed.state).toBe('ingested');
    await admin.post(`/api/tickets/${filed.ticketId}/replies`, { to: ['kyaku@example.jp'], text: 'お見積りを添付いたします。' }).expect(201);

    const dispatcher = t.app.get(OutboxDispatcher);
    expect(await dispatcher.dispatchDue()).toBe(1);
    await dispatcher.dispatchDue();
    expect(await count()).toBe(1);

    const list = (await admin.get(`/api/mailboxes/${mailboxId}/captured`).expect(200)).body;
    expect(list).toMatchObject({ total: 1, page: 1, pageSize: 50 });
    expect(list.items).toHaveLength(1);
    expect(list.items[0]).toMatchObject({ mailboxId, subject: expect.stringMatching(/^Re: .*見積のお願い$/), to: [expect.objectContaining({ address: 'kyaku@example.jp' })] });
    capturedId = list.items[0].id;
    messageId = list.items[0].messageId;
    const outbox = await t.app.get(DataSource).getRepository(OutboxEntry).findOneByOrFail({ id: list.items[0].outboxId });
    expect(outbox.idempotencyKey).toBe(messageId);
  });

  it('adds no second row when the same outbox row is sent again (a repeat after a crash)', async () => {
    const outbox = await t.app.get(DataSource).getRepository(OutboxEntry).findOneByOrFail({ idempotencyKey: messageId });
    const conn = (await t.app.get(MailboxesService).connection(mailboxId))!;
    const receipt = await t.app.get(EmailSender).send(conn, JSON.parse(outbox.payload) as EmailPayload, outbox.idempotencyKey, outbox.id);
    expect(receipt.captured).toBe(true);
    expect((await simpleParser(receipt.raw)).messageId).toBe(`<${messageId}>`);
    expect(await count()).toBe(1);
  });

  it('shows the message in the reader and gives the original back as .eml', async () => {
    const read = (await admin.get(`/api/captured-mail/${capturedId}`).expect(200)).body;
    expect(read.message).toMatchObject({ subject: expect.stringMatching(/^Re: .*見積のお願い$/), messageId, to: [expect.objectContaining({ address: 'kyaku@example.jp' })], html: null, attachments: [] });
    expect(read.message.text).toContain('お見積りを添付いたします。');

    const raw = await admin.get(`/api/captured-mail/${capturedId}/raw`).buffer(true).parse(asBuffer).expect(200);
    expect(raw.headers['content-type']).toMatch(/^message\/rfc822/);
    expect(raw.headers['content-disposition']).toMatch(/^attachment; filename=".+\.eml"$/);
    expect((await simpleParser(raw.body as Buffer)).messageId).toBe(`<${messageId}>`);
  });

  it('answers 404 to a user who may not view the mailbox, the same as for an unknown id', async () => {
    const email = `outsider-capture-${kind}@test.local`;
    await admin.post('/api/users', { email, name: '部外者', password: 'capture-pass-123', groupIds: [] }).expect(201);
    const outsider = await t.login(email, 'capture-pass-123');
    const hidden = [
      await outsider.get(`/api/mailboxes/${mailboxId}/captured`).expect(404),
      await outsider.get(`/api/captured-mail/${capturedId}`).expect(404),
      await outsider.get(`/api/captured-mail/${capturedId}/raw`).expect(404),
    ];
    const unknown = [
      await outsider.get('/api/mailboxes/999999/captured').expect(404),
      await outsider.get('/api/captured-mail/999999').expect(404),
      await outsider.get('/api/captured-mail/999999/raw').expect(404),
    ];
    expect(hidden.map((r) => r.body.code)).toEqual(unknown.map((r) => r.body.code));
    expect(await admin.get('/api/captured-mail/999999').expect(404)).toBeTruthy();
  });
});
