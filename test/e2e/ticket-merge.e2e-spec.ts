import { AuditEntry, OutboxEntry } from '@madoguchi/core';
import { IntakeService } from '@madoguchi/mail';
import { DB_KINDS } from '@test/support/databases';
import { rawMail } from '@test/support/mail-builder';
import { SmtpSink, startSmtpSink } from '@test/support/smtp-sink';
import { Session, startTestApp, TestApp } from '@test/support/test-app';
import { DataSource } from 'typeorm';

jest.setTimeout(120_000);

interface Article {
  id: number;
  kind: string;
  sender: string;
  messageId: string | null;
  subject: string | null;
  text: string | null;
  attachments: { id: number; filename: string }[];
}

/** 統合 and 分割 (issue 13, point 4): moving everything, threading and codes of merged tickets, counts, rights, split. */
describe.each(DB_KINDS)('ticket merge and split on %s', (kind) => {
  let t: TestApp;
  let sink: SmtpSink;
  let sendingMailboxId: number;
  let admin: Session;
  let agent: Session;
  let viewer: Session;
  let outsider: Session;
  let mailboxId: number;
  let otherMailboxId: number;
  const address = `merge-${kind}@example.jp`;
  const otherAddress = `merge-other-${kind}@example.jp`;
  const customer = `taro-${kind}@example.jp`;
  const sendingAddress = `merge-send-${kind}@example.jp`;

  const ingest = async (o: { to?: string; mailbox?: number; from?: string; subject: string; messageId: string; inReplyTo?: string; attachment?: boolean }) =>
    t.app.get(IntakeService).ingest(
      { id: o.mailbox ?? mailboxId, address: o.to ?? address },
      rawMail({
        from: o.from ?? customer,
        to: o.to ?? address,
        subject: o.subject,
        body: `${o.subject} の本文`,
        messageId: `${o.messageId}-${kind}@example.jp`,
        ...(o.inReplyTo ? { inReplyTo: `${o.inReplyTo}-${kind}@example.jp`, references: [`${o.inReplyTo}-${kind}@example.jp`] } : {}),
        ...(o.attachment ? { attachment: { filename: '見積.txt', contentType: 'text/plain', content: Buffer.from('見積') } } : {}),
      }),
      { kind: 'smtp' },
    );
  const ticket = async (s: Session, id: number) => (await s.get(`/api/tickets/${id}`).expect(200)).body;
  const counts = async () => (await admin.get('/api/ticket-counts').query({ mailboxId }).expect(200)).body;
  const listed = async () => ((await admin.get('/api/tickets').query({ mailboxId, pageSize: 200 }).expect(200)).body.items as { id: number }[]).map((x) => x.id);
  const audits = (id: number, action: string) =>
    t.app.get(DataSource).getRepository(AuditEntry).find({ where: { entity: 'ticket', entityId: String(id), action }, order: { id: 'ASC' } });

  beforeAll(async () => {
    sink = await startSmtpSink();
    t = await startTestApp(kind);
    admin = await t.login();
    mailboxId = (await admin.post('/api/mailboxes', { name: '統合', address }).expect(201)).body.id;
    sendingMailboxId = (await admin.post('/api/mailboxes', { name: '統合送信', address: sendingAddress, smtp: { host: sink.host, port: sink.port, secure: false } }).expect(201)).body.id;
    otherMailboxId = (await admin.post('/api/mailboxes', { name: '別窓口', address: otherAddress }).expect(201)).body.id;
    const group = async (name: string, reply: boolean) =>
      (await admin.post('/api/groups', { name: `${name}-${kind}`, rights: [], mailboxRights: [{ mailboxId, view: true, reply, approve: false, manage: false }] }).expect(201)).body.id as number;
    const agents = await group('統合担当', true);
    const viewers = await group('統合閲覧', false);
    const user = async (email: string, groupIds: number[]) => {
      await admin.post('/api/users', { email, name: email.split('@')[0], password: 'merge-pass-123', groupIds }).expect(201);
      return t.login(email, 'merge-pass-123');
    };
    agent = await user(`merge-agent-${kind}@test.local`, [agents]);
    viewer = await user(`merge-viewer-${kind}@test.local`, [viewers]);
    outsider = await user(`merge-outsider-${kind}@test.local`, []);
  });
  afterAll(async () => {
    await t?.close();
    await sink?.stop();
  });

  it('moves articles, comments and attachments to the survivor, keeps the merged ticket as a pointer, recomputes state and counts', async () => {
    const survivor = (await ingest({ subject: '見積の依頼', messageId: 'm1' })).ticketId!;
    const merged = (await ingest({ subject: '見積の追加', messageId: 'm2', attachment: true })).ticketId!;
    await agent.post(`/api/tickets/${merged}/comments`, { body: '同じ件です' }).expect(201);
    await agent.post(`/api/tickets/${merged}/history-notes`, { kind: 'phone', text: '電話で確認' }).expect(201);
    const agentId = (await agent.get('/api/auth/me').expect(200)).body.id as number;
    await admin.patch(`/api/tickets/${merged}`, { assigneeId: agentId }).expect(200);
    await agent.post(`/api/tickets/${survivor}/mark-handled`, {}).expect(200);
    const before = await counts();
    expect(before.handled).toBe(1);
    expect(before.unhandled).toBe(1);

    const res = await admin.post('/api/tickets/merge', { targetId: survivor, sourceIds: [merged] }).expect(200);
    expect(res.body.id).toBe(survivor);
    // 対応済 + 未対応 → 未対応, through the ticket machine.
    expect(res.body.state).toBe('unhandled');
    const arts = res.body.articles as Article[];
    expect(arts.filter((a) => a.kind === 'email').map((a) => a.subject)).toEqual(['見積の依頼', '見積の追加']);
    expect(arts.find((a) => a.kind === 'comment')?.text).toBe('同じ件です');
    expect(arts.find((a) => a.subject === '見積の追加')?.attachments.map((a) => a.filename)).toEqual(['見積.txt']);
    expect(arts.some((a) => a.kind === 'note' && a.text?.includes('を統合しました'))).toBe(true);
    expect(arts.find((a) => a.kind === 'history')?.text).toBe('電話で確認');
    // The in-app notice of the merged ticket now opens the survivor.
    const notices = (await agent.get('/api/notifications').expect(200)).body.items as { kind: string; ticketId: number }[];
    expect(notices.filter((x) => x.kind === 'ticket_assigned').map((x) => x.ticketId)).toEqual([survivor]);

    const pointer = await ticket(admin, merged);
    expect(pointer.mergedInto).toEqual({ id: survivor, code: res.body.code });
    expect(pointer.articles.filter((a: Article) => a.kind !== 'note')).toEqual([]);
    expect((await ticket(admin, survivor)).mergedInto).toBeNull();

    expect(await listed()).toContain(survivor);
    expect(await listed()).not.toContain(merged);
    const after = await counts();
    expect(after.unhandled).toBe(1);
    expect(after.handled).toBe(0);

    const transitions = (await admin.get(`/api/tickets/${survivor}/transitions`).expect(200)).body as { event: string; reason: string | null }[];
    expect(transitions.at(-1)).toMatchObject({ event: 'REOPEN', reason: expect.stringContaining('統合') });
    expect(JSON.parse((await audits(survivor, 'merge'))[0].afterJson!)).toMatchObject({ sourceIds: [merged], state: 'unhandled' });
    expect(await audits(merged, 'merge')).toHaveLength(1);
  });

  it('files a reply to a merged ticket’s message, and mail naming its code, on the survivor', async () => {
    const survivor = (await ingest({ subject: '配送', messageId: 'd1' })).ticketId!;
    const merged = (await ingest({ subject: '配送の件', messageId: 'd2' })).ticketId!;
    const mergedCode = (await ticket(admin, merged)).code as string;
    await admin.post('/api/tickets/merge', { targetId: survivor, sourceIds: [merged] }).expect(200);
    await agent.post(`/api/tickets/${survivor}/mark-handled`, {}).expect(200);

    const reply = await ingest({ subject: 'Re: 配送の件', messageId: 'd3', inReplyTo: 'd2' });
    expect(reply.ticketId).toBe(survivor);
    expect(reply.createdTicket).toBe(false);
    const byCode = await ingest({ subject: `Re: [#${mergedCode}] 配送の件`, messageId: 'd4' });
    expect(byCode.ticketId).toBe(survivor);
    expect(byCode.createdTicket).toBe(false);
    const after = await ticket(admin, survivor);
    expect(after.state).toBe('unhandled');
    expect((after.articles as Article[]).filter((a) => a.kind === 'email').map((a) => a.subject)).toEqual(['配送', '配送の件', 'Re: 配送の件', `Re: [#${mergedCode}] 配送の件`]);
    expect(await listed()).not.toContain(merged);
  });

  it('carries the merged tickets\' labels and drafts to the survivor, and bulk actions skip the pointer', async () => {
    const survivor = (await ingest({ subject: 'ラベル統合', messageId: 'lb1' })).ticketId!;
    const merged = (await ingest({ subject: 'ラベル統合の件', messageId: 'lb2' })).ticketId!;
    const label = (await admin.post(`/api/mailboxes/${mailboxId}/labels`, { name: `統合ラベル` }).expect(201)).body.id as number;
    await admin.patch(`/api/tickets/${merged}`, { labelIds: [label] }).expect(200);
    await admin.put(`/api/tickets/${merged}/draft`, { body: '書きかけの返信' }).expect(200);
    await admin.post('/api/tickets/merge', { targetId: survivor, sourceIds: [merged] }).expect(200);
    expect((await ticket(admin, survivor)).labels.map((l: { id: number }) => l.id)).toEqual([label]);
    expect((await admin.get(`/api/tickets/${survivor}/draft`).expect(200)).body.body).toBe('書きかけの返信');
    const bulk = await admin.post('/api/tickets/bulk', { ids: [merged, survivor], action: { type: 'read' } }).expect(200);
    expect(bulk.body.done).toBe(1);
    expect(bulk.body.failed).toEqual([{ id: merged, code: (await ticket(admin, merged)).code, error: 'TICKET_MERGED' }]);
  });

  it('refuses merges across mailboxes, into or from merged tickets, a target among the sources, and without manage', async () => {
    const a = (await ingest({ subject: '権限A', messageId: 'r1' })).ticketId!;
    const b = (await ingest({ subject: '権限B', messageId: 'r2' })).ticketId!;
    const c = (await ingest({ subject: '権限C', messageId: 'r3' })).ticketId!;
    const elsewhere = (await ingest({ to: otherAddress, mailbox: otherMailboxId, subject: '別窓口', messageId: 'r4' })).ticketId!;
    const code = async (body: object) => (await admin.post('/api/tickets/merge', body).expect(400)).body.fieldCodes;

    expect(await code({ targetId: a, sourceIds: [a, b] })).toEqual({ sourceIds: [expect.objectContaining({ code: 'MERGE_TARGET_IN_SOURCES' })] });
    expect(await code({ targetId: a, sourceIds: [elsewhere] })).toEqual({ sourceIds: [expect.objectContaining({ code: 'MERGE_OTHER_MAILBOX' })] });
    await admin.post('/api/tickets/merge', { targetId: a, sourceIds: [b] }).expect(200);
    expect(await code({ targetId: c, sourceIds: [b] })).toEqual({ sourceIds: [expect.objectContaining({ code: 'TICKET_ALREADY_MERGED' })] });
    expect(await code({ targetId: b, sourceIds: [c] })).toEqual({ targetId: [expect.objectContaining({ code: 'TICKET_ALREADY_MERGED' })] });
    await admin.post('/api/tickets/merge', { targetId: a, sourceIds: [] }).expect(400);
    await admin.post('/api/tickets/merge', { targetId: 'x', sourceIds: [c] }).expect(400);
    await admin.post('/api/tickets/merge', { targetId: a, sourceIds: [c], extra: 1 }).expect(400);

    expect((await agent.post('/api/tickets/merge', { targetId: a, sourceIds: [c] }).expect(403)).body.error).toBe('RIGHT_REQUIRED');
    // Hidden from the caller: 404, the same as an unknown id, whichever side it is on.
    expect((await agent.post('/api/tickets/merge', { targetId: a, sourceIds: [elsewhere] }).expect(404)).body.error).toBe('TICKET_NOT_FOUND');
    await outsider.post('/api/tickets/merge', { targetId: a, sourceIds: [c] }).expect(404);
    await admin.post('/api/tickets/merge', { targetId: a, sourceIds: [2_000_000_000] }).expect(404);
    // Nothing moved by the refusals.
    expect((await ticket(admin, c)).mergedInto).toBeNull();
    expect((await ticket(admin, elsewhere)).mergedInto).toBeNull();
  });

  it('splits a customer’s second message into a new ticket that its replies then follow', async () => {
    const first = (await ingest({ subject: '質問1', messageId: 's1' })).ticketId!;
    const second = await ingest({ subject: 'Re: 質問1 もう一つ', messageId: 's2', inReplyTo: 's1', attachment: true });
    expect(second.ticketId).toBe(first);
    const original = await ticket(admin, first);
    const article = (original.articles as Article[]).find((a) => a.subject === 'Re: 質問1 もう一つ')!;

    await viewer.post(`/api/articles/${article.id}/split`).expect(403);
    await outsider.post(`/api/articles/${article.id}/split`).expect(404);
    const res = await agent.post(`/api/articles/${article.id}/split`).expect(201);
    expect(res.body.id).not.toBe(first);
    expect(res.body.code).not.toBe(original.code);
    expect(res.body).toMatchObject({ state: 'unhandled', mailboxId, customerId: original.customerId, from: original.from, subject: 'Re: 質問1 もう一つ' });
    const moved = res.body.articles as Article[];
    expect(moved.filter((a) => a.kind === 'email').map((a) => a.id)).toEqual([article.id]);
    expect(moved[0].attachments.map((a) => a.filename)).toEqual(['見積.txt']);
    expect(moved.some((a) => a.kind === 'note' && a.text?.includes(original.code))).toBe(true);
    const left = await ticket(admin, first);
    expect((left.articles as Article[]).filter((a) => a.kind === 'email').map((a) => a.subject)).toEqual(['質問1']);
    expect((left.articles as Article[]).some((a) => a.kind === 'note' && a.text?.includes(res.body.code))).toBe(true);
    expect(JSON.parse((await audits(res.body.id, 'split'))[0].afterJson!)).toMatchObject({ fromTicketId: first, articleId: article.id });

    // The split message's thread keys went with it.
    expect((await ingest({ subject: 'Re: もう一つ', messageId: 's3', inReplyTo: 's2' })).ticketId).toBe(res.body.id);

    const only = (left.articles as Article[]).find((a) => a.kind === 'email')!;
    expect((await agent.post(`/api/articles/${only.id}/split`).expect(400)).body.fieldCodes).toEqual({ articleId: [expect.objectContaining({ code: 'SPLIT_ONLY_ARTICLE' })] });
    const note = (left.articles as Article[]).find((a) => a.kind === 'note')!;
    expect((await agent.post(`/api/articles/${note.id}/split`).expect(400)).body.fieldCodes).toEqual({ articleId: [expect.objectContaining({ code: 'SPLIT_NOT_CUSTOMER_ARTICLE' })] });
    await agent.post('/api/articles/2000000000/split').expect(404);
    await agent.post('/api/articles/abc/split').expect(400);
  });

  it('moves replies and their outbox rows, and a customer answering the merged ticket’s reply lands on the survivor', async () => {
    const mail = (subject: string, messageId: string, inReplyTo?: string) =>
      t.app.get(IntakeService).ingest(
        { id: sendingMailboxId, address: sendingAddress },
        rawMail({ from: customer, to: sendingAddress, subject, body: subject, messageId, ...(inReplyTo ? { inReplyTo, references: [inReplyTo] } : {}) }),
        { kind: 'smtp' },
      );
    const survivor = (await mail('返信あり1', `o1-${kind}@example.jp`)).ticketId!;
    const merged = (await mail('返信あり2', `o2-${kind}@example.jp`)).ticketId!;
    const reply = (await admin.post(`/api/tickets/${merged}/replies`, { to: [customer], text: 'お答えします' }).expect(201)).body as { id: number };
    const outbound = ((await ticket(admin, merged)).articles as (Article & { direction: string })[]).find((a) => a.direction === 'outbound')!;
    expect(outbound.messageId).toBeTruthy();

    await admin.post('/api/tickets/merge', { targetId: survivor, sourceIds: [merged] }).expect(200);
    const replies = (await admin.get(`/api/tickets/${survivor}/replies`).expect(200)).body as { id: number }[];
    expect(replies.map((r) => r.id)).toContain(reply.id);
    expect((await admin.get(`/api/tickets/${merged}/replies`).expect(200)).body).toEqual([]);
    const rows = await t.app.get(DataSource).getRepository(OutboxEntry).findBy({ articleId: outbound.id });
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.every((r) => r.ticketId === survivor)).toBe(true);
    const transitions = (await admin.get(`/api/tickets/${survivor}/transitions`).expect(200)).body as { machine: string; entityId: number }[];
    expect(transitions.some((x) => x.machine === 'reply' && x.entityId === reply.id)).toBe(true);

    const answer = await mail('Re: 返信あり2', `o3-${kind}@example.jp`, outbound.messageId!);
    expect(answer.ticketId).toBe(survivor);
  });
});
