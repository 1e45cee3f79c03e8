import { OutboxDispatcher, OutboxEntry } from '@madoguchi/core';
import { IntakeService } from '@madoguchi/mail';
import { DB_KINDS } from '@test/support/databases';
import { rawMail } from '@test/support/mail-builder';
import { SmtpSink, startSmtpSink } from '@test/support/smtp-sink';
import { Session, startTestApp, TestApp } from '@test/support/test-app';
import { DataSource } from 'typeorm';

jest.setTimeout(180_000);

const UNDO_SECONDS = 3;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * The final approval has the send undo window (issue #13 point 11): the dispatcher waits it out,
 * the approver who gave it can take it back inside it (back to 承認待ち, nothing sent), after it
 * the mail goes out exactly once and an undo answers 409 UNDO_WINDOW_OVER; an undo racing the
 * dispatcher is decided by the outbox row; only the final approver may undo, with the approve
 * right; the approver's queue lists only mailboxes they can view, the author's own as 申請中.
 */
describe.each(DB_KINDS)('undo of an approval on %s', (kind) => {
  let sink: SmtpSink;
  let t: TestApp;
  let admin: Session;
  let agent: Session;
  let approver: Session;
  let approver2: Session;
  let viewer: Session;
  let stranger: Session;
  let mailboxId: number;
  let otherMailboxId: number;
  const address = `undo-${kind}@example.jp`;
  const otherAddress = `undo-other-${kind}@example.jp`;
  let seq = 0;

  const dispatch = () => t.app.get(OutboxDispatcher).dispatchDue();
  const db = () => t.app.get(DataSource);
  const inbound = async (subject: string, box = { id: mailboxId, address }) => {
    const result = await t.app
      .get(IntakeService)
      .ingest(box, rawMail({ from: 'yamada@customer.example.jp', fromName: '山田 花子', to: box.address, subject, body: `${subject} の本文`, messageId: `undo-${kind}-${++seq}@customer.example.jp` }), { kind: 'smtp' });
    return result.ticketId as number;
  };
  const submit = async (ticketId: number, text: string) =>
    (await agent.post(`/api/tickets/${ticketId}/replies`, { to: ['yamada@customer.example.jp'], text }).expect(201)).body as { id: number; status: string };

  const state = async (ticketId: number) => (await admin.get(`/api/tickets/${ticketId}`).expect(200)).body.state as string;

  beforeAll(async () => {
    sink = await startSmtpSink();
    t = await startTestApp(kind, { MAIL_UNDO_SECONDS: UNDO_SECONDS });
    admin = await t.login();
    const smtp = { host: sink.host, port: sink.port, secure: false };
    mailboxId = (await admin.post('/api/mailboxes', { name: '取消テスト', address, smtp }).expect(201)).body.id;
    otherMailboxId = (await admin.post('/api/mailboxes', { name: '別窓口', address: otherAddress, smtp }).expect(201)).body.id;
    const group = async (name: string, approve: boolean, boxes = [mailboxId]) =>
      (await admin.post('/api/groups', { name, rights: [], mailboxRights: boxes.map((id) => ({ mailboxId: id, view: true, reply: true, approve, manage: false })) }).expect(201)).body.id as number;
    const agents = await group('担当者', false, [mailboxId, otherMailboxId]);
    const approvers = await group('承認者', true);
    const otherApprovers = await group('別窓口の承認者', true, [otherMailboxId]);
    const viewers = await group('閲覧のみ', false);
    const user = async (email: string, name: string, groupIds: number[]) => {
      await admin.post('/api/users', { email, name, password: 'undo-pass-12345', groupIds }).expect(201);
      return t.login(email, 'undo-pass-12345');
    };
    agent = await user(`agent-${kind}@test.local`, '佐藤 担当', [agents]);
    approver = await user(`approver-${kind}@test.local`, '鈴木 承認', [approvers]);
    approver2 = await user(`approver2-${kind}@test.local`, '高橋 承認', [approvers]);
    viewer = await user(`viewer-${kind}@test.local`, '閲覧 太郎', [viewers]);
    stranger = await user(`stranger-${kind}@test.local`, '別窓口 次郎', [otherApprovers]);
    for (const id of [mailboxId, otherMailboxId]) {
      const steps = [{ approverGroupIds: id === mailboxId ? [approvers] : [otherApprovers] }];
      await admin.put(`/api/mailboxes/${id}/approval-policy`, { mode: 'all', groupIds: [], steps, notifyByMail: false }).expect(200);
    }
  });

  afterAll(async () => {
    await t?.close();
    await sink?.stop();
  });

  it('waits the window after the final approval; an undo inside it brings the reply back to 承認待ち and nothing is ever sent', async () => {
    const ticketId = await inbound('取消される承認');
    const reply = await submit(ticketId, 'UNDO-INSIDE-WINDOW');
    sink.clear();
    const approved = (await approver.post(`/api/replies/${reply.id}/approve`, { step: 1 }).expect(200)).body;
    expect(approved.status).toBe('queued');
    expect(approved.approvalUndo).toMatchObject({ until: expect.any(String), remainingMs: expect.any(Number) });
    expect(approved.approvalUndo.remainingMs).toBeGreaterThan(0);
    expect(approved.approvalUndo.remainingMs).toBeLessThanOrEqual(UNDO_SECONDS * 1000);
    // Only the one who approved is offered the undo.
    expect((await approver2.get(`/api/replies/${reply.id}`).expect(200)).body.approvalUndo).toBeNull();
    expect((await agent.get(`/api/replies/${reply.id}`).expect(200)).body.approvalUndo).toBeNull();
    // Taking it out of the outbox is its author's (or a manager's), not the approver's: the composer offers its undo bar only then.
    expect((await agent.get(`/api/replies/${reply.id}`).expect(200)).body.canCancel).toBe(true);
    expect((await approver.get(`/api/replies/${reply.id}`).expect(200)).body.canCancel).toBe(false);
    expect((await admin.get(`/api/replies/${reply.id}`).expect(200)).body.canCancel).toBe(true);

    // The worker does not hand it over inside the window.
    await dispatch();
    expect(sink.messages()).toHaveLength(0);

    const undone = (await approver.post(`/api/replies/${reply.id}/undo-approval`).expect(200)).body;
    expect(undone).toMatchObject({ status: 'awaiting_approval', step: 1, steps: 1, articleId: null, approvalUndo: null, approvals: [], canApprove: true });
    expect(await state(ticketId)).toBe('awaiting_approval');
    expect(await db().getRepository(OutboxEntry).findBy({ ticketId })).toHaveLength(0);
    const timeline = (await admin.get(`/api/tickets/${ticketId}`).expect(200)).body.articles as { direction: string }[];
    expect(timeline.filter((a) => a.direction === 'outbound')).toHaveLength(0);
    // Back in the approval queue.
    const queue = (await approver.get('/api/approvals').expect(200)).body as { id: number; canApprove: boolean }[];
    expect(queue.find((r) => r.id === reply.id)).toMatchObject({ canApprove: true });
    // A second undo has nothing to undo.
    expect((await approver.post(`/api/replies/${reply.id}/undo-approval`).expect(409)).body.error).toBe('TRANSITION_NOT_ALLOWED');
    // The author, told it was approved, is told it was taken back: once, naming the approver.
    const notices = (await agent.get('/api/notifications').expect(200)).body.items.filter((n: { replyId: number; kind: string }) => n.replyId === reply.id && n.kind === 'reply_approval_undone');
    expect(notices).toHaveLength(1);
    expect(notices[0].text).toContain('承認が取り消されました');

    await sleep(UNDO_SECONDS * 1000 + 300);
    await dispatch();
    expect(sink.messages()).toHaveLength(0);

    // Audited, and in the transition log.
    const log = await db().query("SELECT event, to_state FROM workflow_transition WHERE machine = 'reply' AND entity_id = ? ORDER BY id", [reply.id]);
    expect(log.map((x: { event: string; to_state: string }) => `${x.event}→${x.to_state}`)).toEqual(['SUBMIT→awaiting_approval', 'APPROVE→approved', 'UNDO_APPROVAL→awaiting_approval']);
    const audit = await db().query("SELECT action FROM audit_entry WHERE entity = 'reply' AND entity_id = ? ORDER BY id", [String(reply.id)]);
    expect(audit.map((a: { action: string }) => a.action)).toContain('undo_approval');

    // Approved again and left alone: exactly one mail after the window.
    await approver2.post(`/api/replies/${reply.id}/approve`, { step: 1 }).expect(200);
    await dispatch();
    expect(sink.messages()).toHaveLength(0);
    await sleep(UNDO_SECONDS * 1000 + 300);
    await dispatch();
    await dispatch();
    await sink.waitFor(1);
    expect(sink.messages()).toHaveLength(1);
    expect((await agent.get(`/api/replies/${reply.id}`).expect(200)).body.status).toBe('sent');
    expect(await state(ticketId)).toBe('handled');
  });

  it('sends exactly once without an undo, and answers 409 UNDO_WINDOW_OVER to an undo after the window', async () => {
    const ticketId = await inbound('取消しない承認');
    const reply = await submit(ticketId, 'NO-UNDO');
    sink.clear();
    await approver.post(`/api/replies/${reply.id}/approve`, { step: 1 }).expect(200);
    await sleep(UNDO_SECONDS * 1000 + 300);
    // The window is over even before the dispatcher took it: the undo is refused with a code.
    const late = await approver.post(`/api/replies/${reply.id}/undo-approval`).expect(409);
    expect(late.body.error).toBe('UNDO_WINDOW_OVER');
    expect((await approver.get(`/api/replies/${reply.id}`).expect(200)).body).toMatchObject({ status: 'queued', approvalUndo: null });
    await dispatch();
    await dispatch();
    await sink.waitFor(1);
    expect(sink.messages()).toHaveLength(1);
    expect((await approver.post(`/api/replies/${reply.id}/undo-approval`).expect(409)).body.error).toBe('UNDO_WINDOW_OVER');
    await dispatch();
    expect(sink.messages()).toHaveLength(1);
  });

  it('lets only the final approver undo, with the approve right; others get 403, 409 or 404', async () => {
    const ticketId = await inbound('権限の確認');
    const reply = await submit(ticketId, 'RIGHTS');
    await approver.post(`/api/replies/${reply.id}/approve`, { step: 1 }).expect(200);
    await t.http.post(`/api/replies/${reply.id}/undo-approval`).expect(401);
    // The author has no approve right: they cannot undo someone's approval (they may still cancel the send).
    expect((await agent.post(`/api/replies/${reply.id}/undo-approval`).expect(403)).body.error).toBe('REPLY_NOT_APPROVER');
    expect((await viewer.post(`/api/replies/${reply.id}/undo-approval`).expect(403)).body.error).toBe('REPLY_NOT_APPROVER');
    // Another approver of the step did not give this approval.
    expect((await approver2.post(`/api/replies/${reply.id}/undo-approval`).expect(409)).body.error).toBe('TRANSITION_NOT_ALLOWED');
    // Someone who cannot see the mailbox does not learn the reply exists.
    await stranger.post(`/api/replies/${reply.id}/undo-approval`).expect(404);
    expect((await approver.get(`/api/replies/${reply.id}`).expect(200)).body.status).toBe('queued');
    await approver.post(`/api/replies/${reply.id}/undo-approval`).expect(200);
  });

  it('decides an undo racing the dispatcher by the outbox row: never both sent and undone', async () => {
    // The dispatcher already holds the row (claimed, mid-send): the undo is too late and changes nothing.
    const held = await inbound('送信中の取消');
    const r1 = await submit(held, 'RACE-HELD');
    await approver.post(`/api/replies/${r1.id}/approve`, { step: 1 }).expect(200);
    await db().getRepository(OutboxEntry).update({ ticketId: held }, { state: 'sending', attempts: 1 });
    expect((await approver.post(`/api/replies/${r1.id}/undo-approval`).expect(409)).body.error).toBe('TOO_LATE');
    expect((await approver.get(`/api/replies/${r1.id}`).expect(200)).body.status).toBe('queued');
    expect(await db().getRepository(OutboxEntry).findOneByOrFail({ ticketId: held })).toMatchObject({ state: 'sending' });
    await db().getRepository(OutboxEntry).update({ ticketId: held }, { state: 'cancelled' });

    // Real races: the row is due (its send time passed) while the undo window is still open.
    for (let i = 0; i < 4; i++) {
      const ticketId = await inbound(`競合 ${i}`);
      const text = `RACE-${kind}-${i}`;
      const reply = await submit(ticketId, text);
      await approver.post(`/api/replies/${reply.id}/approve`, { step: 1 }).expect(200);
      await db().getRepository(OutboxEntry).update({ ticketId }, { dueAt: new Date(Date.now() - 1000) });
      const before = sink.messages().length;
      const [undo] = await Promise.all([approver.post(`/api/replies/${reply.id}/undo-approval`), dispatch()]);
      await dispatch();
      const view = (await approver.get(`/api/replies/${reply.id}`).expect(200)).body;
      const sent = sink.messages().length - before;
      if (undo.status === 200) {
        expect(view.status).toBe('awaiting_approval');
        expect(sent).toBe(0);
        expect(await db().getRepository(OutboxEntry).findBy({ ticketId })).toHaveLength(0);
      } else {
        expect(undo.status).toBe(409);
        expect(undo.body.error).toBe('TOO_LATE');
        expect(view.status).toBe('sent');
        expect(sent).toBe(1);
      }
    }

  });

  it("lists an author's own reply as 申請中 and nothing from a mailbox the approver cannot view", async () => {
    const mine = await submit(await inbound('自分の申請'), 'OWN');
    const elsewhere = await submit(await inbound('別窓口の申請', { id: otherMailboxId, address: otherAddress }), 'ELSEWHERE');
    const own = (await agent.get('/api/approvals').expect(200)).body as { id: number; canApprove: boolean }[];
    expect(own.find((r) => r.id === mine.id)).toMatchObject({ canApprove: false });
    const queue = (await approver.get('/api/approvals').expect(200)).body as { id: number; mailboxId: number }[];
    expect(queue.some((r) => r.id === mine.id)).toBe(true);
    expect(queue.some((r) => r.id === elsewhere.id || r.mailboxId === otherMailboxId)).toBe(false);
    // The conversation the approval card shows comes from the ticket route: 404 where not visible.
    const otherTicket = (await stranger.get('/api/approvals').expect(200)).body.find((r: { id: number }) => r.id === elsewhere.id).ticketId;
    await approver.get(`/api/tickets/${otherTicket}`).expect(404);
    await approver.post(`/api/replies/${elsewhere.id}/undo-approval`).expect(404);
  });
});
