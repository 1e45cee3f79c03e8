import { AuditEntry } from '@madoguchi/core';
import { IntakeService } from '@madoguchi/mail';
import { DataSource } from 'typeorm';
import { DB_KINDS } from '@test/support/databases';
import { rawMail } from '@test/support/mail-builder';
import { Session, startTestApp, TestApp } from '@test/support/test-app';

jest.setTimeout(120_000);

/** PATCH /api/tickets/:id with subject, customerId and folderId (issue 13 point 12): rights, validation, audit. */
describe.each(DB_KINDS)('editing a ticket on %s', (kind) => {
  let t: TestApp;
  let admin: Session;
  let agent: Session;
  let viewer: Session;
  let mailboxId: number;
  let ticketId: number;
  let folderId: number;
  let otherFolderId: number;
  let customerId: number;

  beforeAll(async () => {
    t = await startTestApp(kind);
    admin = await t.login();
    const address = `edit-${kind}@example.jp`;
    mailboxId = (await admin.post('/api/mailboxes', { name: '編集', address }).expect(201)).body.id;
    const other = (await admin.post('/api/mailboxes', { name: '別', address: `edit-other-${kind}@example.jp` }).expect(201)).body.id;
    folderId = (await admin.post(`/api/mailboxes/${mailboxId}/folders`, { name: '見積' }).expect(201)).body.id;
    otherFolderId = (await admin.post(`/api/mailboxes/${other}/folders`, { name: '他' }).expect(201)).body.id;
    const group = async (name: string, reply: boolean, rights: string[]) =>
      (await admin.post('/api/groups', { name: `${name}-${kind}`, rights, mailboxRights: [{ mailboxId, view: true, reply, approve: false, manage: false }] }).expect(201)).body.id as number;
    const agents = await group('担当', true, []);
    const viewers = await group('閲覧', false, ['customers.read']);
    await admin.post('/api/users', { email: `edit-agent-${kind}@test.local`, name: '担当 太郎', password: 'edit-pass-12345', groupIds: [agents] }).expect(201);
    await admin.post('/api/users', { email: `edit-viewer-${kind}@test.local`, name: '閲覧 花子', password: 'edit-pass-12345', groupIds: [viewers] }).expect(201);
    agent = await t.login(`edit-agent-${kind}@test.local`, 'edit-pass-12345');
    viewer = await t.login(`edit-viewer-${kind}@test.local`, 'edit-pass-12345');
    await t.app.get(IntakeService).ingest({ id: mailboxId, address }, rawMail({ from: 'stranger@example.jp', to: address, subject: '件名', body: '本文', messageId: `edit-${kind}@example.jp` }), { kind: 'smtp' });
    ticketId = (await admin.get('/api/tickets').query({ mailboxId }).expect(200)).body.items[0].id;
    customerId = (await admin.post('/api/customers', { lastName: '山田', firstName: '花子', email: 'hanako@example.jp' }).expect(201)).body.id;
  });
  afterAll(async () => {
    await t?.close();
  });

  it('renames, links a customer and moves to a folder; each audited, and the ticket keeps its place in the list', async () => {
    const before = (await admin.get(`/api/tickets/${ticketId}`).expect(200)).body;
    const renamed = await admin.patch(`/api/tickets/${ticketId}`, { subject: '  外壁塗装のお見積り  ' }).expect(200);
    expect(renamed.body.subject).toBe('外壁塗装のお見積り');
    const linked = await admin.patch(`/api/tickets/${ticketId}`, { customerId }).expect(200);
    expect(linked.body.customerId).toBe(customerId);
    expect((await admin.get('/api/tickets').query({ customerId }).expect(200)).body.items.map((x: { id: number }) => x.id)).toEqual([ticketId]);
    const moved = await admin.patch(`/api/tickets/${ticketId}`, { folderId }).expect(200);
    expect(moved.body.folderId).toBe(folderId);
    const after = (await admin.get(`/api/tickets/${ticketId}`).expect(200)).body;
    expect(after.lastActivityAt).toBe(before.lastActivityAt);
    const audit = await t.app.get(DataSource).getRepository(AuditEntry).find({ where: { entity: 'ticket', entityId: String(ticketId), action: 'edit' }, order: { id: 'ASC' } });
    const edits = audit.map((a) => JSON.parse(a.afterJson ?? "null"));
    expect(edits).toEqual(expect.arrayContaining([{ subject: '外壁塗装のお見積り' }, { customerId }, { folderId }]));
    // Unlink and back to the top level.
    const undone = await admin.patch(`/api/tickets/${ticketId}`, { customerId: null, folderId: null }).expect(200);
    expect(undone.body).toMatchObject({ customerId: null, folderId: null });
  });

  it('refuses what does not fit: an unknown customer, another mailbox\'s folder, an empty subject, wrong types', async () => {
    const unknown = await admin.patch(`/api/tickets/${ticketId}`, { customerId: 99_999_999 }).expect(400);
    expect(unknown.body.fieldCodes.customerId[0].code).toBe('CUSTOMER_NOT_FOUND');
    const folder = await admin.patch(`/api/tickets/${ticketId}`, { folderId: otherFolderId }).expect(400);
    expect(folder.body.fieldCodes.folderId[0].code).toBe('FOLDER_NOT_IN_MAILBOX');
    await admin.patch(`/api/tickets/${ticketId}`, { subject: '   ' }).expect(400);
    await admin.patch(`/api/tickets/${ticketId}`, { subject: '' }).expect(400);
    await admin.patch(`/api/tickets/${ticketId}`, { subject: 'x'.repeat(999) }).expect(400);
    await admin.patch(`/api/tickets/${ticketId}`, { customerId: 'abc' }).expect(400);
    await admin.patch(`/api/tickets/${ticketId}`, { folderId: -1 }).expect(400);
  });

  it('needs reply on the mailbox, and customers.read to link a customer', async () => {
    const noReply = await viewer.patch(`/api/tickets/${ticketId}`, { subject: '閲覧者の変更' }).expect(403);
    expect(noReply.body.error).toBe('RIGHT_REQUIRED');
    const noCustomers = await agent.patch(`/api/tickets/${ticketId}`, { customerId }).expect(403);
    expect(noCustomers.body).toMatchObject({ error: 'RIGHT_REQUIRED', params: { right: 'customers.read', scope: 'global' } });
    await agent.patch(`/api/tickets/${ticketId}`, { subject: '担当者が変更' }).expect(200);
    await agent.patch('/api/tickets/99999999', { subject: 'x' }).expect(404);
  });
});

/** The list's rows carry a preview of the customer's latest message and whether files are attached (issue 13 point 11). */
describe.each(DB_KINDS)('list previews on %s', (kind) => {
  let t: TestApp;
  let admin: Session;

  beforeAll(async () => {
    t = await startTestApp(kind);
    admin = await t.login();
  });
  afterAll(async () => {
    await t?.close();
  });

  it('shows the start of the latest customer message, whitespace folded, and an attachment flag', async () => {
    const address = `preview-${kind}@example.jp`;
    const mailboxId = (await admin.post('/api/mailboxes', { name: 'プレビュー', address }).expect(201)).body.id;
    const intake = t.app.get(IntakeService);
    const long = `お世話になっております。\n\n  外壁塗装の見積りをお願いします。${'詳細'.repeat(100)}`;
    await intake.ingest({ id: mailboxId, address }, rawMail({ from: 'a@example.jp', to: address, subject: '見積', body: long, messageId: `pv1-${kind}@example.jp` }), { kind: 'smtp' });
    await intake.ingest({ id: mailboxId, address }, rawMail({ from: 'b@example.jp', to: address, subject: '図面', body: '図面を添付します', messageId: `pv2-${kind}@example.jp`, attachment: { filename: 'zumen.pdf', contentType: 'application/pdf', content: Buffer.from('%PDF-1.4\n%\u00e2\u00e3\u00cf\u00d3\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n', 'latin1') } }), { kind: 'smtp' });
    const items = (await admin.get('/api/tickets').query({ mailboxId }).expect(200)).body.items as { subject: string; preview: string | null; hasAttachment: boolean }[];
    const quote = items.find((x) => x.subject === '見積')!;
    expect(quote.preview).toMatch(/^お世話になっております。 外壁塗装の見積りをお願いします。詳細/);
    expect(quote.preview!.length).toBe(121);
    expect(quote.preview!.endsWith('…')).toBe(true);
    expect(quote.hasAttachment).toBe(false);
    const drawing = items.find((x) => x.subject === '図面')!;
    expect(drawing).toMatchObject({ preview: '図面を添付します', hasAttachment: true });
  });
});
