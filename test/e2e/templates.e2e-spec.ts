import { fromEmail } from '@madoguchi/mail';
import { TicketsService } from '@madoguchi/tickets';
import { DB_KINDS } from '@test/support/databases';
import { Session, startTestApp, TestApp } from '@test/support/test-app';
import { DataSource } from 'typeorm';

jest.setTimeout(90_000);

const COMPANY = '株式会社テスト商事';

describe.each(DB_KINDS)('reply templates on %s', (kind) => {
  let t: TestApp;
  let admin: Session;
  let support: number;
  let sales: number;
  let hidden: number;

  /** Files an inbound email the way intake does, and returns the ticket. */
  const deliver = async (mailboxId: number, from: { address: string; name: string }, subject: string, id: string) => {
    const tickets = t.app.get(TicketsService);
    const delivered = await t.app.get(DataSource).transaction((m) =>
      tickets.receive(m, [fromEmail({
        mailboxId,
        rawMessageId: null,
        messageId: `${id}-${kind}@example.jp`,
        inReplyTo: [],
        references: [],
        from,
        to: [{ address: 'support@example.jp', name: '' }],
        cc: [],
        subject,
        text: 'お問い合わせ本文',
        html: null,
        attachments: [],
        classification: 'normal',
        receivedAt: new Date(),
      }, null)]).then(([filed]) => filed),
    );
    return (await admin.get(`/api/tickets/${delivered.ticketId}`).expect(200)).body as { id: number; code: string; customerId: number | null };
  };

  /** A user with exactly these rights on the given mailboxes. */
  const userWith = async (name: string, rights: { mailboxId: number; manage: boolean }[]) => {
    const group = await admin
      .post('/api/groups', { name, rights: [], mailboxRights: rights.map((r) => ({ mailboxId: r.mailboxId, view: true, reply: true, approve: false, manage: r.manage })) })
      .expect(201);
    const email = `${name}@test.local`;
    await admin.post('/api/users', { email, name: `${name}担当`, password: 'template-pass-1', groupIds: [group.body.id] }).expect(201);
    return t.login(email, 'template-pass-1');
  };

  beforeAll(async () => {
    t = await startTestApp(kind, { COMPANY_NAME: COMPANY });
    admin = await t.login();
    support = (await admin.post('/api/mailboxes', { name: 'サポート窓口', address: 'support@example.jp' }).expect(201)).body.id;
    sales = (await admin.post('/api/mailboxes', { name: '営業', address: 'sales@example.jp' }).expect(201)).body.id;
    hidden = (await admin.post('/api/mailboxes', { name: '人事', address: 'hr@example.jp' }).expect(201)).body.id;
  });

  afterAll(async () => {
    await t?.close();
  });

  it('creates, reads, updates and deletes a template, with an audit entry for each change', async () => {
    const created = await admin
      .post('/api/templates', { mailboxId: support, kind: 'body', name: 'お礼', body: '{{customer.name}}様\nお問い合わせありがとうございます。' })
      .expect(201);
    expect(created.body).toMatchObject({ mailboxId: support, kind: 'body', name: 'お礼', body: '{{customer.name}}様\nお問い合わせありがとうございます。', fromName: null, fromAddress: null, replyTo: null });
    const id = created.body.id;
    expect((await admin.get(`/api/templates/${id}`).expect(200)).body).toMatchObject({ id, name: 'お礼' });

    const updated = await admin.patch(`/api/templates/${id}`, { name: ' お礼（改） ', body: '{{ customer.name }}様\n{{company.name}}でございます。' }).expect(200);
    expect(updated.body).toMatchObject({ id, name: 'お礼（改）', body: '{{ customer.name }}様\n{{company.name}}でございます。' });
    expect(new Date(updated.body.updatedAt).getTime()).toBeGreaterThanOrEqual(new Date(created.body.updatedAt).getTime());

    // Turning it into a sender template drops the body and needs sender fields.
    const noSender = await admin.patch(`/api/templates/${id}`, { kind: 'sender' }).expect(400);
    expect(noSender.body.fields.fromName[0]).toMatch(/needs a From name/);
    const sender = await admin.patch(`/api/templates/${id}`, { kind: 'sender', fromName: '{{company.name}} {{agent.name}}', fromAddress: 'Info@Example.jp', replyTo: 'reply@example.jp' }).expect(200);
    expect(sender.body).toMatchObject({ kind: 'sender', body: null, fromName: '{{company.name}} {{agent.name}}', fromAddress: 'info@example.jp', replyTo: 'reply@example.jp' });

    await admin.delete(`/api/templates/${id}`).expect(204);
    await admin.get(`/api/templates/${id}`).expect(404);
    await admin.delete(`/api/templates/${id}`).expect(404);

    const audit = await admin.get('/api/audit').query({ entity: 'template', entityId: String(id) }).expect(200);
    expect(audit.body.map((a: { action: string }) => a.action)).toEqual(['delete', 'update', 'update', 'create']);
  });

  it('refuses unknown and unclosed placeholders with a message naming them, and saves nothing', async () => {
    const before = (await admin.get('/api/templates').query({ mailboxId: support }).expect(200)).body.length;
    const bad = await admin
      .post('/api/templates', { mailboxId: support, kind: 'body', name: '誤字', body: '{{customer.nmae}}様\n番号: {{ticket.code' })
      .expect(400);
    expect(bad.body.error).toBe('VALIDATION_FAILED');
    expect(bad.body.fields.body).toHaveLength(2);
    expect(bad.body.fields.body[0]).toMatch(/^unknown placeholder \{\{customer\.nmae\}\} — known: .*\{\{customer\.name\}\}/);
    expect(bad.body.fields.body[1]).toMatch(/unclosed placeholder "\{\{ticket\.code"/);
    expect(bad.body.fieldCodes.body).toEqual([
      { code: 'UNKNOWN_PLACEHOLDER', params: { token: '{{customer.nmae}}' } },
      { code: 'UNCLOSED_PLACEHOLDER', params: { token: expect.stringContaining('{{ticket.code') } },
    ]);

    const badSender = await admin.post('/api/templates', { mailboxId: support, kind: 'sender', name: '差出人', fromName: '{{staff.name}}' }).expect(400);
    expect(badSender.body.fields.fromName[0]).toContain('unknown placeholder {{staff.name}}');

    const ok = await admin.post('/api/templates', { mailboxId: support, kind: 'signature', name: '署名', body: '--\n{{agent.name}}' }).expect(201);
    const badEdit = await admin.patch(`/api/templates/${ok.body.id}`, { body: '{{agent.nam}}' }).expect(400);
    expect(badEdit.body.fields.body[0]).toContain('{{agent.nam}}');
    expect((await admin.get(`/api/templates/${ok.body.id}`).expect(200)).body.body).toBe('--\n{{agent.name}}');
    await admin.delete(`/api/templates/${ok.body.id}`).expect(204);
    expect((await admin.get('/api/templates').query({ mailboxId: support }).expect(200)).body).toHaveLength(before);
  });

  it('checks the fields of each kind and their limits', async () => {
    const missing = await admin.post('/api/templates', { mailboxId: support, kind: 'body', name: '  ' }).expect(400);
    expect(Object.keys(missing.body.fields).sort()).toEqual(['body', 'name']);
    const wrongKind = await admin.post('/api/templates', { mailboxId: support, kind: 'footer', name: 'x', body: 'x' }).expect(400);
    expect(wrongKind.body.fields.kind[0]).toMatch(/body, sender, signature/);
    const mixed = await admin.post('/api/templates', { mailboxId: support, kind: 'body', name: 'x', body: 'x', replyTo: 'a@example.jp' }).expect(400);
    expect(mixed.body.fields.replyTo[0]).toMatch(/only for sender templates/);
    const badAddress = await admin.post('/api/templates', { mailboxId: support, kind: 'sender', name: 'x', fromAddress: 'not-an-address' }).expect(400);
    expect(badAddress.body.fields.fromAddress).toBeDefined();
    const long = await admin.post('/api/templates', { mailboxId: support, kind: 'body', name: 'あ'.repeat(101), body: 'x'.repeat(20_001) }).expect(400);
    expect(Object.keys(long.body.fields).sort()).toEqual(['body', 'name']);
    await admin.post('/api/templates', { mailboxId: 99999, kind: 'body', name: 'x', body: 'x' }).expect(404);
    await admin.patch('/api/templates/99999', { name: 'x' }).expect(404);
    // The mailbox is fixed at creation.
    const tpl = await admin.post('/api/templates', { mailboxId: support, kind: 'body', name: '固定', body: 'x' }).expect(201);
    await admin.patch(`/api/templates/${tpl.body.id}`, { mailboxId: sales }).expect(400);
    await admin.delete(`/api/templates/${tpl.body.id}`).expect(204);
  });

  it("lists a mailbox's own templates with the shared ones by name, and filters by kind", async () => {
    const make = (mailboxId: number | null, kind: string, name: string) =>
      admin.post('/api/templates', { mailboxId, kind, name, ...(kind === 'sender' ? { fromName: name } : { body: name }) }).expect(201);
    await make(null, 'body', 'B 共通お礼');
    await make(support, 'body', 'A サポートお詫び');
    await make(support, 'signature', 'C サポート署名');
    await make(sales, 'body', 'A 営業見積');
    await make(null, 'sender', 'D 共通差出人');

    const names = async (query: object) => (await admin.get('/api/templates').query(query).expect(200)).body.map((x: { name: string }) => x.name);
    expect(await names({ mailboxId: support })).toEqual(['A サポートお詫び', 'B 共通お礼', 'C サポート署名', 'D 共通差出人']);
    expect(await names({ mailboxId: support, kind: 'body' })).toEqual(['A サポートお詫び', 'B 共通お礼']);
    expect(await names({ mailboxId: sales })).toEqual(['A 営業見積', 'B 共通お礼', 'D 共通差出人']);
    expect(await names({})).toEqual(['B 共通お礼', 'D 共通差出人']);
    expect(await names({ kind: 'sender' })).toEqual(['D 共通差出人']);
    await admin.get('/api/templates').query({ kind: 'nope' }).expect(400);
    expect((await admin.get('/api/templates/placeholders').expect(200)).body).toEqual([
      'customer.name', 'customer.code', 'ticket.code', 'ticket.subject', 'agent.name', 'mailbox.name', 'company.name',
    ]);
  });

  it('lets viewers read and render, managers write their mailbox, and only admins write shared templates', async () => {
    const own = (await admin.post('/api/templates', { mailboxId: support, kind: 'body', name: '権限テスト', body: '{{agent.name}}' }).expect(201)).body;
    const shared = (await admin.post('/api/templates', { kind: 'body', name: '共通権限テスト', body: '{{company.name}}' }).expect(201)).body;
    const secret = (await admin.post('/api/templates', { mailboxId: hidden, kind: 'body', name: '人事用', body: '内密' }).expect(201)).body;

    const viewer = await userWith('viewer', [{ mailboxId: support, manage: false }]);
    await viewer.get(`/api/templates/${own.id}`).expect(200);
    await viewer.get(`/api/templates/${shared.id}`).expect(200);
    expect((await viewer.get('/api/templates').query({ mailboxId: support }).expect(200)).body.map((x: { id: number }) => x.id)).toContain(own.id);
    const denied = await viewer.post('/api/templates', { mailboxId: support, kind: 'body', name: 'x', body: 'x' }).expect(403);
    expect(denied.body.message).toMatch(/manage/);
    expect(denied.body).toMatchObject({ error: 'RIGHT_REQUIRED', params: { right: 'manage', scope: 'mailbox' } });
    await viewer.patch(`/api/templates/${own.id}`, { name: 'x' }).expect(403);
    await viewer.delete(`/api/templates/${own.id}`).expect(403);
    await viewer.post('/api/templates', { kind: 'body', name: 'x', body: 'x' }).expect(403);
    // A mailbox the user cannot view does not exist for them.
    await viewer.get(`/api/templates/${secret.id}`).expect(404);
    await viewer.get('/api/templates').query({ mailboxId: hidden }).expect(404);
    await viewer.patch(`/api/templates/${secret.id}`, { name: 'x' }).expect(404);
    await viewer.post('/api/templates', { mailboxId: hidden, kind: 'body', name: 'x', body: 'x' }).expect(404);

    const manager = await userWith('manager', [{ mailboxId: support, manage: true }]);
    const mine = await manager.post('/api/templates', { mailboxId: support, kind: 'body', name: '担当者作成', body: 'x' }).expect(201);
    await manager.patch(`/api/templates/${mine.body.id}`, { body: '{{ticket.code}}' }).expect(200);
    expect((await manager.patch(`/api/templates/${shared.id}`, { name: 'x' }).expect(403)).body.error).toBe('SHARED_TEMPLATE_ADMIN_ONLY');
    await manager.delete(`/api/templates/${shared.id}`).expect(403);
    await manager.delete(`/api/templates/${mine.body.id}`).expect(204);
  });

  it('renders a template against a real ticket: customer, ticket, agent, mailbox and company', async () => {
    const customer = await admin.post('/api/customers', { lastName: '山田', firstName: '花子', email: `hanako-${kind}@example.jp` }).expect(201);
    const ticket = await deliver(support, { address: `hanako-${kind}@example.jp`, name: 'Hanako Y' }, '見積のお願い ①㈱', 'render1');
    expect(ticket.customerId).toBe(customer.body.id);

    const body = await admin
      .post('/api/templates', {
        mailboxId: support,
        kind: 'body',
        name: '返信定型',
        body: '{{customer.name}}様（お客様番号 {{ customer.code }}）\n件名「{{ticket.subject}}」[{{ticket.code}}]\n{{mailbox.name}}の{{agent.name}}が承ります。\n{{company.name}}',
      })
      .expect(201);
    const me = (await admin.get('/api/auth/me').expect(200)).body as { name: string };
    const rendered = await admin.post(`/api/templates/${body.body.id}/render`, { ticketId: ticket.id }).expect(200);
    expect(rendered.body).toEqual({
      text: `山田 花子様（お客様番号 ${customer.body.code}）\n件名「見積のお願い ①㈱」[${ticket.code}]\nサポート窓口の${me.name}が承ります。\n${COMPANY}`,
      fromName: null,
      fromAddress: null,
      replyTo: null,
    });

    // The agent is whoever renders it.
    const viewer = await t.login('viewer@test.local', 'template-pass-1');
    const asViewer = await viewer.post(`/api/templates/${body.body.id}/render`, { ticketId: ticket.id }).expect(200);
    expect(asViewer.body.text).toContain('サポート窓口のviewer担当が承ります。');

    const sender = await admin
      .post('/api/templates', { kind: 'sender', name: '共通差出人（描画）', fromName: '{{company.name}} {{agent.name}}', fromAddress: 'info@example.jp', replyTo: 'reply@example.jp' })
      .expect(201);
    const from = await viewer.post(`/api/templates/${sender.body.id}/render`, { ticketId: ticket.id }).expect(200);
    expect(from.body).toEqual({ text: '', fromName: `${COMPANY} viewer担当`, fromAddress: 'info@example.jp', replyTo: 'reply@example.jp' });
  });

  it('uses the sender name when the ticket has no customer, and refuses what the user cannot see', async () => {
    const ticket = await deliver(support, { address: `ichiro-${kind}@example.jp`, name: '鈴木 一郎' }, 'ご相談', 'render2');
    expect(ticket.customerId).toBeNull();
    const tpl = await admin.post('/api/templates', { mailboxId: support, kind: 'body', name: '顧客なし', body: '{{customer.name}}様 [{{customer.code}}]' }).expect(201);
    expect((await admin.post(`/api/templates/${tpl.body.id}/render`, { ticketId: ticket.id }).expect(200)).body.text).toBe('鈴木 一郎様 []');

    // A template of one mailbox does not fit a ticket of another.
    const salesTicket = await deliver(sales, { address: `jiro-${kind}@example.jp`, name: '佐藤 次郎' }, '見積', 'render3');
    const wrong = await admin.post(`/api/templates/${tpl.body.id}/render`, { ticketId: salesTicket.id }).expect(400);
    expect(wrong.body.fields.ticketId[0]).toMatch(/another mailbox/);

    const viewer = await t.login('viewer@test.local', 'template-pass-1');
    const shared = await admin.post('/api/templates', { kind: 'body', name: '共通（描画）', body: '{{ticket.code}}' }).expect(201);
    await viewer.post(`/api/templates/${shared.body.id}/render`, { ticketId: salesTicket.id }).expect(404);
    await viewer.post(`/api/templates/${shared.body.id}/render`, { ticketId: 999999 }).expect(404);
    await admin.post(`/api/templates/999999/render`, { ticketId: ticket.id }).expect(404);
    await admin.post(`/api/templates/${shared.body.id}/render`, {}).expect(400);
  });

  it('previews a template as it is being written, before it is saved, for a ticket the user can see', async () => {
    const ticket = await deliver(support, { address: `saburo-${kind}@example.jp`, name: '田中 三郎' }, '納期の確認', 'preview1');
    const templateCount = async () => (await admin.get('/api/templates').query({ mailboxId: support }).expect(200)).body.length as number;
    const before = await templateCount();
    const preview = await admin.post('/api/templates/preview', { ticketId: ticket.id, mailboxId: support, body: '{{customer.name}}様\n{{ticket.code}} {{ticket.subject}}' }).expect(200);
    expect(preview.body).toEqual({ text: `田中 三郎様\n${ticket.code} 納期の確認`, fromName: null, fromAddress: null, replyTo: null });
    // A shared template (no mailbox) fits every ticket; a sender's name is filled in too.
    const sender = await admin.post('/api/templates/preview', { ticketId: ticket.id, fromName: '{{mailbox.name}} {{agent.name}}' }).expect(200);
    expect(sender.body.fromName).toMatch(/^サポート窓口 /);
    expect(sender.body.text).toBe('');
    // Nothing is saved.
    expect(await templateCount()).toBe(before);

    const salesTicket = await deliver(sales, { address: `shiro-${kind}@example.jp`, name: '佐藤 四郎' }, '見積', 'preview2');
    expect((await admin.post('/api/templates/preview', { ticketId: salesTicket.id, mailboxId: support, body: 'x' }).expect(400)).body.fields.ticketId[0]).toMatch(/another mailbox/);
    const viewer = await t.login('viewer@test.local', 'template-pass-1');
    await viewer.post('/api/templates/preview', { ticketId: salesTicket.id, body: 'x' }).expect(404);
    await viewer.post('/api/templates/preview', { ticketId: 999_999, body: 'x' }).expect(404);
    await admin.post('/api/templates/preview', { body: 'x' }).expect(400);
    await admin.post('/api/templates/preview', { ticketId: ticket.id, body: 'x'.repeat(20_001) }).expect(400);
    await t.http.post('/api/templates/preview').send({ ticketId: ticket.id, body: 'x' }).expect(401);
  });

  it('deletes a mailbox’s templates with the mailbox', async () => {
    const ds = t.app.get(DataSource);
    const box = (await admin.post('/api/mailboxes', { name: '一時', address: `temp-${kind}@example.jp` }).expect(201)).body.id;
    await admin.post('/api/templates', { mailboxId: box, kind: 'body', name: '一時', body: 'x' }).expect(201);
    await ds.query('DELETE FROM mailbox WHERE id = ?', [box]);
    expect(await ds.query('SELECT id FROM template WHERE mailbox_id = ?', [box])).toHaveLength(0);
  });
});
