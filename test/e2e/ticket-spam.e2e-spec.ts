import { AuditEntry } from '@madoguchi/core';
import { IntakeService } from '@madoguchi/mail';
import { DB_KINDS } from '@test/support/databases';
import { rawMail } from '@test/support/mail-builder';
import { Session, startTestApp, TestApp } from '@test/support/test-app';
import { DataSource } from 'typeorm';

jest.setTimeout(120_000);

/** 迷惑メール and blocked senders (issue 13, point 5): counts, blocking by address and domain, undo, the list, rights. */
describe.each(DB_KINDS)('ticket spam and blocked senders on %s', (kind) => {
  let t: TestApp;
  let admin: Session;
  let agent: Session;
  let viewer: Session;
  let outsider: Session;
  let mailboxId: number;
  let otherMailboxId: number;
  const address = `spam-${kind}@example.jp`;
  const otherAddress = `spam-other-${kind}@example.jp`;
  let n = 0;

  const ingest = async (from: string, subject: string, o: { to?: string; mailbox?: number; inReplyTo?: string; messageId?: string } = {}) =>
    t.app.get(IntakeService).ingest(
      { id: o.mailbox ?? mailboxId, address: o.to ?? address },
      rawMail({
        from,
        to: o.to ?? address,
        subject,
        body: subject,
        messageId: o.messageId ?? `spam-${kind}-${++n}@example.jp`,
        ...(o.inReplyTo ? { inReplyTo: o.inReplyTo } : {}),
      }),
      { kind: 'smtp' },
    );
  const ticket = async (id: number) => (await admin.get(`/api/tickets/${id}`).expect(200)).body;
  const counts = async () => (await admin.get('/api/ticket-counts').query({ mailboxId }).expect(200)).body;
  const inbox = async () => ((await admin.get('/api/tickets').query({ mailboxId }).expect(200)).body.items as { id: number }[]).map((x) => x.id);
  const spamFolder = async () => ((await admin.get('/api/tickets').query({ mailboxId, spam: 'true' }).expect(200)).body.items as { id: number }[]).map((x) => x.id);
  const blocked = async () => (await admin.get(`/api/mailboxes/${mailboxId}/blocked-senders`).expect(200)).body as { id: number; pattern: string; kind: string }[];

  beforeAll(async () => {
    t = await startTestApp(kind);
    admin = await t.login();
    mailboxId = (await admin.post('/api/mailboxes', { name: '迷惑', address }).expect(201)).body.id;
    otherMailboxId = (await admin.post('/api/mailboxes', { name: '別窓口', address: otherAddress }).expect(201)).body.id;
    const group = async (name: string, reply: boolean) =>
      (await admin.post('/api/groups', { name: `${name}-${kind}`, rights: [], mailboxRights: [{ mailboxId, view: true, reply, approve: false, manage: false }] }).expect(201)).body.id as number;
    const agents = await group('迷惑担当', true);
    const viewers = await group('迷惑閲覧', false);
    const user = async (email: string, groupIds: number[]) => {
      await admin.post('/api/users', { email, name: email.split('@')[0], password: 'spam-pass-123', groupIds }).expect(201);
      return t.login(email, 'spam-pass-123');
    };
    agent = await user(`spam-agent-${kind}@test.local`, [agents]);
    viewer = await user(`spam-viewer-${kind}@test.local`, [viewers]);
    outsider = await user(`spam-outsider-${kind}@test.local`, []);
  });
  afterAll(async () => {
    await t?.close();
  });

  it('moves a ticket to 迷惑メール and out of the counts; 迷惑メールではない brings it back; nothing is deleted', async () => {
    const id = (await ingest('someone@example.com', '普通の問い合わせ')).ticketId!;
    expect((await counts()).unhandled).toBe(1);
    const res = await agent.post(`/api/tickets/${id}/spam`, {}).expect(200);
    expect(res.body.spam).toBe(true);
    expect(await inbox()).not.toContain(id);
    expect(await spamFolder()).toContain(id);
    expect((await counts()).unhandled).toBe(0);
    expect((await ticket(id)).articles.filter((a: { kind: string }) => a.kind === 'email')).toHaveLength(1);

    const back = await agent.post(`/api/tickets/${id}/not-spam`).expect(200);
    expect(back.body.spam).toBe(false);
    expect(await inbox()).toContain(id);
    expect((await counts()).unhandled).toBe(1);
    const audit = await t.app.get(DataSource).getRepository(AuditEntry).find({ where: { entity: 'ticket', entityId: String(id) }, order: { id: 'ASC' } });
    expect(audit.map((a) => a.action)).toEqual(['spam', 'not_spam']);
  });

  it('blocks the sender’s address: its next new mail starts in 迷惑メール with the reason on the rule log', async () => {
    const id = (await ingest('Spammer@Junk.example', '儲け話')).ticketId!;
    await agent.post(`/api/tickets/${id}/spam`, { block: 'address' }).expect(403);
    expect((await ticket(id)).spam).toBe(false);
    await admin.post(`/api/tickets/${id}/spam`, { block: 'address' }).expect(200);
    expect((await blocked()).map((b) => [b.pattern, b.kind])).toEqual([['spammer@junk.example', 'address']]);

    const next = await ingest('spammer@junk.example', '儲け話その2');
    expect(next.createdTicket).toBe(true);
    const filed = await ticket(next.ticketId!);
    expect(filed.spam).toBe(true);
    expect(filed.ruleLog.map((r: { ruleName: string }) => r.ruleName)).toEqual(['迷惑メール送信者 spammer@junk.example']);
    expect(await inbox()).not.toContain(next.ticketId);
    // Another address of the domain is not blocked by an address entry, nor is another mailbox.
    expect((await ticket((await ingest('friend@junk.example', 'こんにちは')).ticketId!)).spam).toBe(false);
    const elsewhere = await ingest('spammer@junk.example', '別窓口へ', { to: otherAddress, mailbox: otherMailboxId });
    expect((await ticket(elsewhere.ticketId!)).spam).toBe(false);
  });

  it('blocks a whole domain, keeps a blocked sender’s reply on its thread, and not-spam lifts the block', async () => {
    const id = (await ingest('a@bulk.example', '広告')).ticketId!;
    await admin.post(`/api/tickets/${id}/spam`, { block: 'domain' }).expect(200);
    expect((await blocked()).map((b) => b.pattern)).toContain('@bulk.example');
    const other = (await ingest('b@bulk.example', '広告2')).ticketId!;
    expect((await ticket(other)).spam).toBe(true);

    // A thread started before the block keeps its mail: filed on the thread, not lost.
    const thread = await ingest('c@bulk.example', 'Re: 前からの件', { inReplyTo: `spam-${kind}-${n}@example.jp` });
    expect(thread.ticketId).toBe(other);

    await admin.post(`/api/tickets/${other}/not-spam`).expect(200);
    expect((await blocked()).map((b) => b.pattern)).not.toContain('@bulk.example');
    const after = await ingest('d@bulk.example', '広告3');
    expect((await ticket(after.ticketId!)).spam).toBe(false);
  });

  it('lists, adds and removes blocked senders with manage only; refuses bad patterns and doubles', async () => {
    const added = await admin.post(`/api/mailboxes/${mailboxId}/blocked-senders`, { pattern: ' @Example.NET ' }).expect(201);
    expect(added.body).toMatchObject({ pattern: '@example.net', kind: 'domain' });
    expect((await admin.post(`/api/mailboxes/${mailboxId}/blocked-senders`, { pattern: '@example.net' }).expect(409)).body.error).toBe('BLOCKED_SENDER_EXISTS');
    for (const pattern of ['not an address', '@', 'a@b', '@@x.example', 'x@y@z.example']) {
      const res = await admin.post(`/api/mailboxes/${mailboxId}/blocked-senders`, { pattern }).expect(400);
      expect(res.body.fieldCodes.pattern[0].code).toBe('BLOCKED_SENDER_INVALID');
    }
    await admin.post(`/api/mailboxes/${mailboxId}/blocked-senders`, { pattern: 1 }).expect(400);
    expect((await ticket((await ingest('x@example.net', 'ブロック済み')).ticketId!)).spam).toBe(true);

    await agent.get(`/api/mailboxes/${mailboxId}/blocked-senders`).expect(403);
    await agent.post(`/api/mailboxes/${mailboxId}/blocked-senders`, { pattern: 'z@example.org' }).expect(403);
    await agent.delete(`/api/mailboxes/${mailboxId}/blocked-senders/${added.body.id}`).expect(403);
    await outsider.get(`/api/mailboxes/${mailboxId}/blocked-senders`).expect(404);
    await outsider.delete(`/api/mailboxes/${mailboxId}/blocked-senders/${added.body.id}`).expect(404);
    // An entry of another mailbox is not found through this one.
    await admin.delete(`/api/mailboxes/${otherMailboxId}/blocked-senders/${added.body.id}`).expect(404);

    await admin.delete(`/api/mailboxes/${mailboxId}/blocked-senders/${added.body.id}`).expect(204);
    expect((await blocked()).map((b) => b.pattern)).not.toContain('@example.net');
    await admin.delete(`/api/mailboxes/${mailboxId}/blocked-senders/${added.body.id}`).expect(404);
  });

  it('needs reply to mark spam and answers 404 for hidden or unknown tickets', async () => {
    const id = (await ingest('rights@example.com', '権限')).ticketId!;
    const hidden = (await ingest('rights@example.com', '別', { to: otherAddress, mailbox: otherMailboxId })).ticketId!;
    expect((await viewer.post(`/api/tickets/${id}/spam`, {}).expect(403)).body.error).toBe('RIGHT_REQUIRED');
    await viewer.post(`/api/tickets/${id}/not-spam`).expect(403);
    expect((await agent.post(`/api/tickets/${hidden}/spam`, {}).expect(404)).body.error).toBe('TICKET_NOT_FOUND');
    await outsider.post(`/api/tickets/${id}/not-spam`).expect(404);
    await agent.post('/api/tickets/2000000000/spam', {}).expect(404);
    await agent.post(`/api/tickets/${id}/spam`, { block: 'everything' }).expect(400);
    expect((await ticket(id)).spam).toBe(false);
  });
});
