import { OutboxDispatcher, OutboxEntry } from '@madoguchi/core';
import { IntakeService } from '@madoguchi/mail';
import { Ticket } from '@madoguchi/tickets';
import { DB_KINDS } from '@test/support/databases';
import { rawMail } from '@test/support/mail-builder';
import { SmtpSink, startSmtpSink } from '@test/support/smtp-sink';
import { Session, startTestApp, TestApp } from '@test/support/test-app';
import { simpleParser } from 'mailparser';
import { DataSource } from 'typeorm';

jest.setTimeout(120_000);

/**
 * 新規メール作成 (issue 13 point 11): `POST /api/tickets/outbound` opens a ticket whose first
 * article is our mail, sent through the reply machinery — approval policy, undo, send later,
 * the outbox, the real SMTP server, and threading of the customer's answer.
 */
describe.each(DB_KINDS)('new mail to a customer on %s', (kind) => {
  let sink: SmtpSink;
  let t: TestApp;
  let admin: Session;
  let agent: Session;
  let approver: Session;
  let viewer: Session;
  let outsider: Session;
  let mailboxId: number;
  let hiddenMailboxId: number;
  let approvers: number;
  let customerId: number;
  const address = `newmail-${kind}@example.jp`;
  const customerAddress = `tanaka-${kind}@customer.example.jp`;

  const dispatch = () => t.app.get(OutboxDispatcher).dispatchDue();
  const outboxFor = (ticketId: number) => t.app.get(DataSource).getRepository(OutboxEntry).findBy({ ticketId });
  const ticketCount = () => t.app.get(DataSource).getRepository(Ticket).count();
  const policy = (body: object) => admin.put(`/api/mailboxes/${mailboxId}/approval-policy`, body).expect(200);
  const mail = (extra: object = {}) => ({ mailboxId, to: [customerAddress], subject: 'ご注文の件', text: '田中様\n\nご注文ありがとうございます。', ...extra });
  const ticket = async (id: number) => (await admin.get(`/api/tickets/${id}`).expect(200)).body;

  beforeAll(async () => {
    sink = await startSmtpSink();
    t = await startTestApp(kind);
    admin = await t.login();
    mailboxId = (await admin.post('/api/mailboxes', { name: '営業', address, smtp: { host: sink.host, port: sink.port, secure: false } }).expect(201)).body.id;
    hiddenMailboxId = (await admin.post('/api/mailboxes', { name: '人事', address: `hr-${kind}@example.jp`, smtp: { host: sink.host, port: sink.port, secure: false } }).expect(201)).body.id;
    const group = async (name: string, rights: string[], r: { view: boolean; reply: boolean; approve: boolean }) =>
      (await admin.post('/api/groups', { name, rights, mailboxRights: [{ mailboxId, ...r, manage: false }] }).expect(201)).body.id as number;
    const agents = await group(`担当-${kind}`, ['customers.read'], { view: true, reply: true, approve: false });
    approvers = await group(`承認-${kind}`, [], { view: true, reply: true, approve: true });
    const viewers = await group(`閲覧-${kind}`, [], { view: true, reply: false, approve: false });
    const outsiders = (await admin.post('/api/groups', { name: `他部署-${kind}`, rights: [], mailboxRights: [{ mailboxId: hiddenMailboxId, view: true, reply: true, approve: false, manage: false }] }).expect(201)).body.id;
    const user = async (email: string, name: string, groupIds: number[]) => {
      await admin.post('/api/users', { email, name, password: 'newmail-pass-123', groupIds }).expect(201);
      return t.login(email, 'newmail-pass-123');
    };
    agent = await user(`nm-agent-${kind}@test.local`, '佐藤 担当', [agents]);
    approver = await user(`nm-approver-${kind}@test.local`, '鈴木 課長', [approvers]);
    viewer = await user(`nm-viewer-${kind}@test.local`, '閲覧 太郎', [viewers]);
    outsider = await user(`nm-outsider-${kind}@test.local`, '他部署 花子', [outsiders]);
    customerId = (await admin.post('/api/customers', { lastName: '田中', firstName: '一郎', email: customerAddress }).expect(201)).body.id;
  });

  afterAll(async () => {
    await t?.close();
    await sink?.stop();
  });

  beforeEach(() => sink.clear());

  it('sends a new mail through the real SMTP server, links the customer by the To address, and the answer threads onto the ticket', async () => {
    const created = await agent.post('/api/tickets/outbound', mail()).expect(201);
    expect(created.body).toMatchObject({ ticketId: expect.any(Number), code: expect.stringMatching(/^IQ\d{6}$/), replyId: expect.any(Number), reply: { status: 'queued' } });
    const { ticketId, code, replyId } = created.body;
    const before = await ticket(ticketId);
    expect(before).toMatchObject({ code, subject: 'ご注文の件', customerId, mailboxId });

    await dispatch();
    const [sent] = await sink.waitFor(1);
    expect(sent.envelope.rcptTo).toEqual([customerAddress]);
    const parsed = await simpleParser(sent.raw);
    expect(parsed.subject).toBe(`[#${code}] ご注文の件`);
    expect(parsed.text).toContain('ご注文ありがとうございます。');
    expect(parsed.inReplyTo).toBeUndefined();
    expect(parsed.messageId).toBeTruthy();
    const reply = (await agent.get(`/api/replies/${replyId}`).expect(200)).body;
    expect(reply).toMatchObject({ status: 'sent', ticketId, afterSend: 'handled' });
    expect(`<${reply.messageId}>`.replace(/^<</, '<').replace(/>>$/, '>')).toBe(parsed.messageId);
    expect((await ticket(ticketId)).state).toBe('handled');
    // The timeline holds the outbound article, sent.
    const articles = (await ticket(ticketId)).articles as { direction: string; subject: string; status: string }[];
    expect(articles).toEqual([expect.objectContaining({ direction: 'outbound', subject: `[#${code}] ご注文の件`, status: 'sent' })]);

    // The karte lists the ticket among the customer's tickets.
    const karte = (await agent.get('/api/tickets').query({ customerId }).expect(200)).body;
    expect(karte.items.map((x: { id: number }) => x.id)).toContain(ticketId);

    // The customer answers In-Reply-To our Message-ID (its subject without the code): it lands on this ticket and reopens it.
    const filed = await t.app.get(IntakeService).ingest(
      { id: mailboxId, address },
      rawMail({ from: customerAddress, to: address, subject: 'Re: ご注文', body: '承知しました。', messageId: `answer-${kind}@customer.example.jp`, inReplyTo: parsed.messageId!, references: [parsed.messageId!] }),
      { kind: 'smtp' },
    );
    expect((filed as { ticketId: number }).ticketId).toBe(ticketId);
    const after = await ticket(ticketId);
    expect(after.state).toBe('unhandled');
    expect((after.articles as { direction: string }[]).map((a) => a.direction)).toEqual(['outbound', 'inbound']);
  });

  it('with approval required, nothing is sent before the last step approves; the ticket is 承認待ち meanwhile', async () => {
    await policy({ mode: 'all', steps: [{ approverGroupIds: [approvers] }] });
    try {
      const created = await agent.post('/api/tickets/outbound', mail({ subject: '承認が必要な新規メール', customerId, cc: ['boss@customer.example.jp'], afterSend: 'hold' })).expect(201);
      const { ticketId, replyId } = created.body;
      expect(created.body.reply).toMatchObject({ status: 'awaiting_approval', step: 1, steps: 1, articleId: null, cc: ['boss@customer.example.jp'] });
      expect((await ticket(ticketId)).state).toBe('awaiting_approval');
      await dispatch();
      expect(await outboxFor(ticketId)).toHaveLength(0);
      expect(sink.messages()).toHaveLength(0);
      // The author cannot approve their own mail; an approver sees it in the queue and approves it.
      const self = await agent.post(`/api/replies/${replyId}/approve`, { step: 1 });
      expect([403, 409]).toContain(self.status);
      const queue = (await approver.get('/api/approvals').expect(200)).body as { id: number; canApprove: boolean }[];
      expect(queue.find((r) => r.id === replyId)).toMatchObject({ canApprove: true });
      // Rejected, edited (the subject keeps the new-mail form, no Re:), resubmitted, approved.
      await approver.post(`/api/replies/${replyId}/reject`, { reason: '件名を具体的に', step: 1 }).expect(200);
      expect((await ticket(ticketId)).state).toBe('rejected');
      const edited = await agent.patch(`/api/replies/${replyId}`, { subject: '承認が必要な新規メール（ご注文番号 123）' }).expect(200);
      expect(edited.body.subject).toBe(`[#${created.body.code}] 承認が必要な新規メール（ご注文番号 123）`);
      await agent.post(`/api/replies/${replyId}/resubmit`).expect(200);
      await dispatch();
      expect(sink.messages()).toHaveLength(0);
      await approver.post(`/api/replies/${replyId}/approve`, { step: 1 }).expect(200);
      await dispatch();
      const [sent] = await sink.waitFor(1);
      expect((await simpleParser(sent.raw)).subject).toBe(`[#${created.body.code}] 承認が必要な新規メール（ご注文番号 123）`);
      expect(sent.envelope.rcptTo.sort()).toEqual(['boss@customer.example.jp', customerAddress].sort());
      // 送信して保留, as a reply chose it.
      expect((await ticket(ticketId)).state).toBe('on_hold');
    } finally {
      await policy({ mode: 'off' });
    }
  });

  it('takes the undo window and send later of a reply', async () => {
    const undone = await agent.post('/api/tickets/outbound', mail({ subject: '取り消すメール' })).expect(201);
    await agent.post(`/api/replies/${undone.body.replyId}/cancel`).expect(200);
    await dispatch();
    expect(sink.messages()).toHaveLength(0);
    expect((await agent.get(`/api/replies/${undone.body.replyId}`).expect(200)).body.status).toBe('cancelled');

    const later = await agent.post('/api/tickets/outbound', mail({ subject: '予約メール', sendAt: new Date(Date.now() + 86400_000).toISOString(), afterSend: 'open' })).expect(201);
    expect(later.body.reply.sendAt).toBeTruthy();
    await dispatch();
    expect(sink.messages()).toHaveLength(0);
    expect((await outboxFor(later.body.ticketId)).map((o) => o.state)).toEqual(['pending']);
  });

  it('names the customer given, and links none when the To address is nobody’s', async () => {
    const other = (await admin.post('/api/customers', { lastName: '別人', email: `other-${kind}@customer.example.jp` }).expect(201)).body.id;
    const named = await agent.post('/api/tickets/outbound', mail({ subject: '指定した顧客', customerId: other })).expect(201);
    expect((await ticket(named.body.ticketId)).customerId).toBe(other);
    const stranger = await agent.post('/api/tickets/outbound', mail({ subject: '知らない宛先', to: ['nobody@elsewhere.example.jp'] })).expect(201);
    expect((await ticket(stranger.body.ticketId)).customerId).toBeNull();
  });

  it('refuses bad input with stable codes and leaves no ticket behind', async () => {
    const count = await ticketCount();
    const codes = async (body: object) => (await agent.post('/api/tickets/outbound', body).expect(400)).body;
    expect((await codes(mail({ to: [] }))).fieldCodes.to[0].code).toBe('ARRAY_MIN_SIZE');
    expect((await codes(mail({ to: ['not an address'] }))).fieldCodes.to[0].code).toBe('EMAIL');
    expect((await codes(mail({ cc: ['x@'] }))).fieldCodes.cc[0].code).toBe('EMAIL');
    expect((await codes(mail({ subject: '   ' }))).fieldCodes.subject[0].code).toBe('REQUIRED');
    expect((await codes(mail({ subject: 'あ'.repeat(501) }))).fieldCodes.subject[0]).toEqual({ code: 'MAX_LENGTH', params: { max: 500 } });
    expect((await codes(mail({ text: undefined }))).fieldCodes.text[0].code).toBe('REQUIRED');
    expect((await codes(mail({ text: 'あ'.repeat(100_001) }))).fieldCodes.text[0].code).toBe('MAX_LENGTH');
    expect((await codes(mail({ customerId: 99_999_999 }))).fieldCodes.customerId[0].code).toBe('CUSTOMER_NOT_FOUND');
    expect((await codes(mail({ afterSend: 'later' }))).fieldCodes.afterSend[0].code).toBe('ONE_OF');
    expect((await codes(mail({ sendAt: '2000-01-01T00:00:00Z' }))).fieldCodes.sendAt[0].code).toBe('SEND_AT_RANGE');
    expect((await codes(mail({ attachments: ['3b241101-e2bb-4255-8caf-4136c566a962'] }))).fields.attachments).toBeDefined();
    expect((await codes(mail({ mailboxId: 'x' }))).fieldCodes.mailboxId).toBeDefined();
    expect((await codes({ ...mail(), extra: 1 })).fieldCodes.extra[0].code).toBe('UNKNOWN_FIELD');
    // `body` is taken for `text`.
    const viaBody = await agent.post('/api/tickets/outbound', { ...mail({ subject: 'body で書いた' }), text: undefined, body: '本文です' }).expect(201);
    expect(viaBody.body.reply.text).toBe('本文です');
    expect(await ticketCount()).toBe(count + 1);
  });

  it('needs the reply right on the mailbox: hidden or unknown mailbox 404, view only 403, anonymous 401', async () => {
    const count = await ticketCount();
    const noReply = await viewer.post('/api/tickets/outbound', mail()).expect(403);
    expect(noReply.body).toMatchObject({ error: 'RIGHT_REQUIRED', params: { right: 'reply', scope: 'mailbox' } });
    expect((await outsider.post('/api/tickets/outbound', mail()).expect(404)).body.error).toBe('MAILBOX_NOT_FOUND');
    expect((await agent.post('/api/tickets/outbound', mail({ mailboxId: hiddenMailboxId })).expect(404)).body.error).toBe('MAILBOX_NOT_FOUND');
    expect((await admin.post('/api/tickets/outbound', mail({ mailboxId: 99_999_999 })).expect(404)).body.error).toBe('MAILBOX_NOT_FOUND');
    // Naming a customer takes customers.read, as linking one on a ticket does.
    await approver.post('/api/tickets/outbound', mail({ customerId })).expect(403);
    const anonymous = await t.http.post('/api/tickets/outbound').send(mail()).expect(401);
    expect(anonymous.body.error).toBe('UNAUTHENTICATED');
    expect(await ticketCount()).toBe(count);
  });

  it('fills a template for the mail being written: the customer chosen, the subject typed, the agent; no ticket code yet', async () => {
    const body = (await admin
      .post('/api/templates', { mailboxId, kind: 'body', name: `新規-${kind}`, body: '{{customer.name}}様\n件名: {{ticket.subject}}\n番号: [{{ticket.code}}]\n担当: {{agent.name}}（{{mailbox.name}}）' })
      .expect(201)).body.id as number;
    const other = (await admin.post('/api/templates', { mailboxId: hiddenMailboxId, kind: 'body', name: `人事-${kind}`, body: 'x' }).expect(201)).body.id as number;
    const rendered = (await agent.post(`/api/templates/${body}/render`, { mailboxId, customerId, subject: 'ご注文の件' }).expect(200)).body;
    expect(rendered.text).toBe('田中 一郎様\n件名: ご注文の件\n番号: []\n担当: 佐藤 担当（営業）');
    // Without a customer the name is empty, not an error.
    expect((await agent.post(`/api/templates/${body}/render`, { mailboxId }).expect(200)).body.text).toMatch(/^様\n/);
    // Rights: the mailbox must be one the user may reply from; the customer needs customers.read.
    expect((await viewer.post(`/api/templates/${body}/render`, { mailboxId }).expect(403)).body.error).toBe('RIGHT_REQUIRED');
    await approver.post(`/api/templates/${body}/render`, { mailboxId, customerId }).expect(403);
    expect((await agent.post(`/api/templates/${other}/render`, { mailboxId: hiddenMailboxId }).expect(404)).body.error).toBe('TEMPLATE_NOT_FOUND');
    expect((await admin.post(`/api/templates/${other}/render`, { mailboxId }).expect(400)).body.error).toBe('VALIDATION_FAILED');
    expect((await admin.post(`/api/templates/${body}/render`, { mailboxId, customerId: 99_999_999 }).expect(400)).body.error).toBe('VALIDATION_FAILED');
    await admin.post(`/api/templates/${body}/render`, {}).expect(400);
    await admin.post(`/api/templates/${body}/render`, { mailboxId, subject: 'x'.repeat(501) }).expect(400);
    await t.http.post(`/api/templates/${body}/render`).send({ mailboxId }).expect(401);
  });
});
