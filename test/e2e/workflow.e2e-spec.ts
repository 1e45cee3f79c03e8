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
 * The reply workflow through the API on a real database and a real SMTP server: approval gates
 * sending, four-eyes, multi-step, reject → edit → resubmit, concurrent approvals, the ticket
 * lifecycle and its transition log.
 */
describe.each(DB_KINDS)('reply workflow on %s', (kind) => {
  let sink: SmtpSink;
  let t: TestApp;
  let admin: Session;
  let agent: Session;
  let approver1: Session;
  let approver1b: Session;
  let approver2: Session;
  let mailboxId: number;
  let agents: number;
  let step1: number;
  let step2: number;
  const address = `support-${kind}@example.jp`;
  let seq = 0;

  const dispatch = () => t.app.get(OutboxDispatcher).dispatchDue();
  const outboxFor = (ticketId: number) => t.app.get(DataSource).getRepository(OutboxEntry).findBy({ ticketId });
  /** A customer mail arrives; returns its ticket. */
  const inbound = async (subject: string, extra: Partial<Parameters<typeof rawMail>[0]> = {}) => {
    const messageId = `wf-${kind}-${++seq}@customer.example.jp`;
    await t.app.get(IntakeService).ingest({ id: mailboxId, address }, rawMail({ from: 'yamada@customer.example.jp', fromName: '山田 花子', to: address, subject, body: `${subject} の本文`, messageId, ...extra }), { kind: 'smtp' });
    const list = (await admin.get('/api/tickets').query({ mailboxId, pageSize: 200 }).expect(200)).body;
    return { ticket: list.items.find((x: { subject: string }) => x.subject === subject) as { id: number; code: string; state: string }, messageId };
  };
  const state = async (ticketId: number) => (await admin.get(`/api/tickets/${ticketId}`).expect(200)).body.state as string;
  const policy = (body: object) => admin.put(`/api/mailboxes/${mailboxId}/approval-policy`, body);

  beforeAll(async () => {
    sink = await startSmtpSink();
    t = await startTestApp(kind);
    admin = await t.login();
    const box = await admin.post('/api/mailboxes', { name: 'サポート', address, smtp: { host: sink.host, port: sink.port, secure: false } }).expect(201);
    mailboxId = box.body.id;
    const rights = { view: true, reply: true, approve: false, manage: false };
    const group = async (name: string, approve = false) =>
      (await admin.post('/api/groups', { name, rights: [], mailboxRights: [{ mailboxId, ...rights, approve }] }).expect(201)).body.id as number;
    agents = await group('担当者');
    step1 = await group('課長', true);
    step2 = await group('部長', true);
    const user = async (email: string, name: string, groupIds: number[]) => {
      await admin.post('/api/users', { email, name, password: 'workflow-pass-123', groupIds }).expect(201);
      return t.login(email, 'workflow-pass-123');
    };
    agent = await user(`agent-${kind}@test.local`, '佐藤 担当', [agents]);
    approver1 = await user(`kacho-${kind}@test.local`, '鈴木 課長', [step1]);
    approver1b = await user(`kacho2-${kind}@test.local`, '高橋 課長', [step1]);
    approver2 = await user(`bucho-${kind}@test.local`, '田中 部長', [step2]);
  });

  afterAll(async () => {
    await t?.close();
    await sink?.stop();
  });

  it('validates the approval policy and lets only mailbox managers change it', async () => {
    expect((await admin.get(`/api/mailboxes/${mailboxId}/approval-policy`).expect(200)).body).toMatchObject({ mode: 'off', steps: [] });
    const none = await policy({ mode: 'all', steps: [] }).expect(400);
    expect(JSON.stringify(none.body)).toMatch(/1 to 3 steps/);
    const four = await policy({ mode: 'all', steps: [1, 2, 3, 4].map(() => ({ approverGroupIds: [step1] })) }).expect(400);
    expect(JSON.stringify(four.body)).toMatch(/at most 3/);
    const unknown = await policy({ mode: 'all', steps: [{ approverGroupIds: [9999] }] }).expect(400);
    expect(JSON.stringify(unknown.body)).toMatch(/unknown group id: 9999/);
    const empty = await policy({ mode: 'groups', groupIds: [], steps: [{ approverGroupIds: [step1] }] }).expect(400);
    expect(JSON.stringify(empty.body)).toMatch(/choose the groups/);
    await agent.put(`/api/mailboxes/${mailboxId}/approval-policy`, { mode: 'off' }).expect(403);
  });

  it('sends a reply at once without approval and marks the ticket handled when it went out', async () => {
    await policy({ mode: 'off' }).expect(200);
    const { ticket, messageId } = await inbound('承認なしの問い合わせ');
    const reply = await agent.post(`/api/tickets/${ticket.id}/replies`, { to: ['yamada@customer.example.jp'], text: 'ご連絡ありがとうございます。' }).expect(201);
    expect(reply.body).toMatchObject({ status: 'queued', steps: 0, step: null, author: { name: '佐藤 担当' } });
    expect(await state(ticket.id)).toBe('unhandled');
    sink.clear();
    await dispatch();
    const [mail] = await sink.waitFor(1);
    expect((await simpleParser(mail.raw)).inReplyTo).toBe(`<${messageId}>`);
    expect(await state(ticket.id)).toBe('handled');
    expect((await agent.get(`/api/replies/${reply.body.id}`).expect(200)).body.status).toBe('sent');
    const story = (await agent.get(`/api/tickets/${ticket.id}/transitions`).expect(200)).body;
    expect(story.map((s: { machine: string; event: string; to: string }) => `${s.machine}:${s.event}:${s.to}`)).toEqual([
      'reply:SUBMIT:approved',
      'reply:SENT:sent',
      'ticket:REPLY_SENT:handled',
    ]);
  });

  it('holds a reply for approval, refuses its author, and sends the final text exactly once after reject → edit → resubmit → approve', async () => {
    await policy({ mode: 'all', steps: [{ approverGroupIds: [step1] }] }).expect(200);
    const { ticket, messageId } = await inbound('承認が必要な問い合わせ');
    const view = (await agent.get(`/api/tickets/${ticket.id}`).expect(200)).body;
    expect(view).toMatchObject({ approvalRequired: true, approvalSteps: 1 });

    const reply = await agent.post(`/api/tickets/${ticket.id}/replies`, { to: ['yamada@customer.example.jp'], subject: view.replySubject, text: '初稿です。' }).expect(201);
    expect(reply.body).toMatchObject({ status: 'awaiting_approval', step: 1, steps: 1, canApprove: false, articleId: null });
    const id = reply.body.id;
    expect(await state(ticket.id)).toBe('awaiting_approval');
    expect(await outboxFor(ticket.id)).toHaveLength(0);

    // Nothing reaches the outbox, whatever the author tries.
    const selfApprove = await agent.post(`/api/replies/${id}/approve`, { step: 1 });
    expect([403, 409]).toContain(selfApprove.status);
    await agent.patch(`/api/replies/${id}`, { text: 'こっそり変更' }).expect(409);
    await agent.post(`/api/replies/${id}/resubmit`).expect(409);
    await agent.post(`/api/replies/${id}/cancel`).expect(409);
    await agent.post(`/api/tickets/${ticket.id}/mark-handled`, {}).expect(409);
    await dispatch();
    expect(await outboxFor(ticket.id)).toHaveLength(0);
    // The author sees their own reply in the queue as 申請中: listed, but not theirs to approve.
    const own = (await agent.get('/api/approvals').expect(200)).body as { id: number; canApprove: boolean }[];
    expect(own.map((r) => ({ id: r.id, canApprove: r.canApprove }))).toEqual([{ id, canApprove: false }]);

    // An approver who is not in the step group cannot decide it.
    const wrong = await approver2.post(`/api/replies/${id}/approve`, { step: 1 }).expect(409);
    expect(wrong.body.message).toMatch(/Only an approver of step 1/);

    // The approver sees it, rejects without a reason (refused) and with one.
    const queue = (await approver1.get('/api/approvals').expect(200)).body;
    expect(queue.map((r: { id: number }) => r.id)).toContain(id);
    expect(queue.find((r: { id: number }) => r.id === id)).toMatchObject({ canApprove: true, ticket: { code: ticket.code }, previous: null });
    const noReason = await approver1.post(`/api/replies/${id}/reject`, { reason: '' }).expect(400);
    expect(JSON.stringify(noReason.body)).toMatch(/reason is required/);
    const rejected = await approver1.post(`/api/replies/${id}/reject`, { reason: '宛名に「様」を付けてください', step: 1 }).expect(200);
    expect(rejected.body).toMatchObject({ status: 'rejected', rejectReason: '宛名に「様」を付けてください', rejectedBy: { name: '鈴木 課長' } });
    expect(await state(ticket.id)).toBe('rejected');
    const notes = (await agent.get('/api/notifications').expect(200)).body;
    expect(notes.items[0]).toMatchObject({ kind: 'reply_rejected', replyId: id });
    expect(notes.items[0].text).toContain('宛名に「様」を付けてください');
    // Named by name, not by the approver's email address.
    expect(notes.items[0].text).toContain('（鈴木 課長）');
    expect((await agent.get('/api/replies/mine').query({ status: 'rejected' }).expect(200)).body.map((r: { id: number }) => r.id)).toEqual([id]);

    // Only the author edits; then resubmits, and approval starts again at step 1.
    await approver1.patch(`/api/replies/${id}`, { text: '課長が直す' }).expect(409);
    const edited = await agent.patch(`/api/replies/${id}`, { text: '山田 花子 様\n\n修正版です。' }).expect(200);
    expect(edited.body).toMatchObject({ status: 'rejected', text: '山田 花子 様\n\n修正版です。', previous: { text: '初稿です。' } });
    const again = await agent.post(`/api/replies/${id}/resubmit`).expect(200);
    expect(again.body).toMatchObject({ status: 'awaiting_approval', step: 1 });
    expect(await state(ticket.id)).toBe('awaiting_approval');
    const inQueue = (await approver1.get('/api/approvals').expect(200)).body.find((r: { id: number }) => r.id === id);
    expect(inQueue.previous).toEqual({ subject: expect.any(String), text: '初稿です。' });

    const approved = await approver1.post(`/api/replies/${id}/approve`, { step: 1 }).expect(200);
    expect(approved.body).toMatchObject({ status: 'queued', approvals: [{ step: 1, user: { name: '鈴木 課長' } }] });
    expect(await state(ticket.id)).toBe('handled');
    expect(await outboxFor(ticket.id)).toHaveLength(1);

    sink.clear();
    await dispatch();
    await dispatch();
    const [mail] = await sink.waitFor(1);
    await new Promise((r) => setTimeout(r, 200));
    expect(sink.messages()).toHaveLength(1);
    const parsed = await simpleParser(mail.raw);
    expect(parsed.text).toContain('修正版です。');
    expect(parsed.text).not.toContain('初稿です。');
    expect(parsed.inReplyTo).toBe(`<${messageId}>`);
    expect(parsed.references).toContain(`<${messageId}>`);
    expect(parsed.subject).toContain(`[#${ticket.code}]`);
    expect((await agent.get(`/api/replies/${id}`).expect(200)).body.status).toBe('sent');

    const story = (await agent.get(`/api/tickets/${ticket.id}/transitions`).expect(200)).body as { machine: string; event: string; to: string; actor: { name: string } | null; reason: string | null }[];
    expect(story.map((s) => `${s.machine}:${s.event}:${s.to}`)).toEqual([
      'reply:SUBMIT:awaiting_approval',
      'ticket:REPLY_SUBMITTED:awaiting_approval',
      'reply:REJECT:rejected',
      'ticket:REPLY_REJECTED:rejected',
      'reply:EDIT:rejected',
      'reply:RESUBMIT:awaiting_approval',
      'ticket:REPLY_RESUBMITTED:awaiting_approval',
      'reply:APPROVE:approved',
      'ticket:REPLY_APPROVED:handled',
      'reply:SENT:sent',
    ]);
    expect(story[2]).toMatchObject({ actor: { name: '鈴木 課長' }, reason: '宛名に「様」を付けてください' });
  });

  it('needs both steps of a two-step policy, each by a different person, and tells approvers by mail when asked', async () => {
    await policy({ mode: 'all', steps: [{ approverGroupIds: [step1] }, { approverGroupIds: [step2] }], notifyByMail: true }).expect(200);
    const { ticket } = await inbound('二段階承認');
    sink.clear();
    const reply = await agent.post(`/api/tickets/${ticket.id}/replies`, { to: ['yamada@customer.example.jp'], text: '二段階の返信' }).expect(201);
    const id = reply.body.id;
    await dispatch();
    const notices = await sink.waitFor(2);
    expect(notices.flatMap((m) => m.envelope.rcptTo).sort()).toEqual([`kacho-${kind}@test.local`, `kacho2-${kind}@test.local`]);
    expect((await approver2.get('/api/approvals').expect(200)).body.map((r: { id: number }) => r.id)).not.toContain(id);

    const first = await approver1.post(`/api/replies/${id}/approve`, { step: 1 }).expect(200);
    expect(first.body).toMatchObject({ status: 'awaiting_approval', step: 2, steps: 2 });
    expect(await outboxFor(ticket.id)).toHaveLength(0);
    // The step-1 approver cannot take step 2 as well, nor can a late step-1 approval count.
    await approver1b.post(`/api/replies/${id}/approve`, { step: 1 }).expect(409);
    expect((await approver2.get('/api/approvals').expect(200)).body.map((r: { id: number }) => r.id)).toContain(id);
    const done = await approver2.post(`/api/replies/${id}/approve`, { step: 2 }).expect(200);
    expect(done.body.status).toBe('queued');
    expect(done.body.approvals.map((a: { user: { name: string } }) => a.user.name)).toEqual(['鈴木 課長', '田中 部長']);
    sink.clear();
    await dispatch();
    const mails = await sink.waitFor(1);
    const toCustomer = mails.filter((m) => m.envelope.rcptTo.includes('yamada@customer.example.jp'));
    expect(toCustomer).toHaveLength(1);
  });

  it('lets exactly one of two approvers deciding the same step at the same moment succeed', async () => {
    await policy({ mode: 'all', steps: [{ approverGroupIds: [step1] }] }).expect(200);
    for (let round = 0; round < 3; round++) {
      const { ticket } = await inbound(`同時承認 ${round}`);
      const reply = await agent.post(`/api/tickets/${ticket.id}/replies`, { to: ['yamada@customer.example.jp'], text: `同時 ${round}` }).expect(201);
      const id = reply.body.id;
      const results = await Promise.all([
        approver1.post(`/api/replies/${id}/approve`, { step: 1 }),
        round === 2 ? approver1b.post(`/api/replies/${id}/reject`, { reason: '同時に差し戻し', step: 1 }) : approver1b.post(`/api/replies/${id}/approve`, { step: 1 }),
      ]);
      expect(results.map((r) => r.status).sort()).toEqual([200, 409]);
      const loser = results.find((r) => r.status === 409)!;
      expect(loser.body.message).toMatch(/not waiting for approval|already decided|reload and try again/);
      const outbox = await outboxFor(ticket.id);
      const final = (await agent.get(`/api/replies/${id}`).expect(200)).body.status;
      expect(outbox).toHaveLength(final === 'queued' ? 1 : 0);
      const approvals = (await agent.get(`/api/tickets/${ticket.id}/transitions`).expect(200)).body.filter((s: { event: string }) => s.event === 'APPROVE' || s.event === 'REJECT');
      expect(approvals).toHaveLength(1);
    }
  });

  it('keeps replies by authors outside the chosen groups out of approval (mode groups)', async () => {
    await policy({ mode: 'groups', groupIds: [agents], steps: [{ approverGroupIds: [step1] }] }).expect(200);
    const { ticket } = await inbound('グループ指定');
    const byAgent = await agent.post(`/api/tickets/${ticket.id}/replies`, { to: ['yamada@customer.example.jp'], text: '担当者の返信' }).expect(201);
    expect(byAgent.body.status).toBe('awaiting_approval');
    const byApprover = await approver1.post(`/api/tickets/${ticket.id}/replies`, { to: ['yamada@customer.example.jp'], text: '課長の返信' }).expect(201);
    expect(byApprover.body.status).toBe('queued');
    // Four-eyes holds for admins too: an admin's own reply under mode all waits, and they cannot approve it.
    await policy({ mode: 'all', steps: [{ approverGroupIds: [step1] }] }).expect(200);
    const own = await admin.post(`/api/tickets/${ticket.id}/replies`, { to: ['yamada@customer.example.jp'], text: '管理者の返信' }).expect(201);
    const refused = await admin.post(`/api/replies/${own.body.id}/approve`, {}).expect(409);
    expect(refused.body.message).toMatch(/four-eyes/);
    // …but an admin may approve someone else's.
    await admin.post(`/api/replies/${byAgent.body.id}/approve`, {}).expect(200);
    await agent.post(`/api/replies/${own.body.id}/withdraw`).expect(404);
    await admin.post(`/api/replies/${own.body.id}/withdraw`).expect(200);
  });

  it('lets only users with the approve right on the mailbox decide, however they sit in the policy, and tells only them', async () => {
    // A group with view-only rights on this mailbox, named as the step's approver group.
    const viewOnly = (await admin.post('/api/groups', { name: '閲覧のみ課長', rights: [], mailboxRights: [{ mailboxId, view: true, reply: false, approve: false, manage: false }] }).expect(201)).body.id as number;
    await admin.post('/api/users', { email: `viewer-${kind}@test.local`, name: '閲覧 のみ', password: 'workflow-pass-123', groupIds: [viewOnly] }).expect(201);
    const viewer = await t.login(`viewer-${kind}@test.local`, 'workflow-pass-123');
    await policy({ mode: 'all', steps: [{ approverGroupIds: [viewOnly, step1] }], notifyByMail: true }).expect(200);
    const { ticket } = await inbound('閲覧者は承認できない');
    while ((await dispatch()) > 0);
    sink.clear();
    const reply = await agent.post(`/api/tickets/${ticket.id}/replies`, { to: ['yamada@customer.example.jp'], text: '承認待ちの返信' }).expect(201);
    const id = reply.body.id;
    await dispatch();
    // Approval mails go to the approvers with the right, not to the view-only member.
    const notices = await sink.waitFor(2);
    expect(notices.flatMap((m) => m.envelope.rcptTo).filter((a) => a.endsWith('@test.local')).sort()).toEqual([`kacho-${kind}@test.local`, `kacho2-${kind}@test.local`]);
    expect((await viewer.get('/api/notifications').expect(200)).body.items.filter((n: { replyId: number }) => n.replyId === id)).toEqual([]);
    expect((await viewer.get('/api/approvals').expect(200)).body).toEqual([]);
    expect((await viewer.get(`/api/replies/${id}`).expect(200)).body.canApprove).toBe(false);
    const approve = await viewer.post(`/api/replies/${id}/approve`, { step: 1 }).expect(403);
    expect(approve.body.error).toBe('REPLY_NOT_APPROVER');
    const reject = await viewer.post(`/api/replies/${id}/reject`, { reason: '差し戻し', step: 1 }).expect(403);
    expect(reject.body.error).toBe('REPLY_NOT_APPROVER');
    expect(await outboxFor(ticket.id)).toHaveLength(0);
    // Removing the approve right from a step approver takes effect at once.
    await admin.patch(`/api/groups/${step1}`, { mailboxRights: [{ mailboxId, view: true, reply: true, approve: false, manage: false }] }).expect(200);
    expect((await approver1.post(`/api/replies/${id}/approve`, { step: 1 })).status).toBe(403);
    await admin.patch(`/api/groups/${step1}`, { mailboxRights: [{ mailboxId, view: true, reply: true, approve: true, manage: false }] }).expect(200);
    await approver1.post(`/api/replies/${id}/approve`, { step: 1 }).expect(200);
  });

  it('answers cancel, withdraw and retry of someone else’s reply exactly as for an unknown id, and lets the mailbox manager cancel', async () => {
    await admin.post('/api/users', { email: `agent2-${kind}@test.local`, name: '別の 担当', password: 'workflow-pass-123', groupIds: [agents] }).expect(201);
    const other = await t.login(`agent2-${kind}@test.local`, 'workflow-pass-123');
    await policy({ mode: 'off' }).expect(200);
    const { ticket } = await inbound('他人の返信');
    const queued = (await agent.post(`/api/tickets/${ticket.id}/replies`, { to: ['yamada@customer.example.jp'], text: '送信待ち', sendAt: new Date(Date.now() + 3600_000).toISOString() }).expect(201)).body;
    await policy({ mode: 'all', steps: [{ approverGroupIds: [step1] }] }).expect(200);
    const pending = (await agent.post(`/api/tickets/${ticket.id}/replies`, { to: ['yamada@customer.example.jp'], text: '承認待ち' }).expect(201)).body;
    const shape = (r: { status: number; body: { error: string } }) => [r.status, r.body.error];
    for (const [url, unknown] of [
      [`/api/replies/${queued.id}/cancel`, '/api/replies/999999/cancel'],
      [`/api/replies/${pending.id}/withdraw`, '/api/replies/999999/withdraw'],
      [`/api/articles/${queued.articleId}/cancel`, '/api/articles/999999/cancel'],
      [`/api/articles/${queued.articleId}/retry`, '/api/articles/999999/retry'],
    ]) {
      const theirs = await other.post(url);
      expect(shape(theirs)).toEqual([404, expect.stringMatching(/_NOT_FOUND$/)]);
      expect(shape(theirs)).toEqual(shape(await other.post(unknown)));
    }
    expect((await agent.get(`/api/replies/${queued.id}`).expect(200)).body.status).toBe('queued');
    // The author may; so may a manager of the mailbox (the admin).
    await agent.post(`/api/replies/${pending.id}/withdraw`).expect(200);
    await admin.post(`/api/replies/${queued.id}/cancel`).expect(200);
    expect((await agent.get(`/api/replies/${queued.id}`).expect(200)).body.status).toBe('cancelled');
  });

  it('marks a ticket handled with a history note, reopens it, and a customer follow-up reopens a handled ticket', async () => {
    await policy({ mode: 'off' }).expect(200);
    const { ticket, messageId } = await inbound('電話で対応');
    const bad = await agent.post(`/api/tickets/${ticket.id}/history-notes`, { kind: 'email', text: '' }).expect(400);
    expect(JSON.stringify(bad.body)).toMatch(/kind must be one of phone, fax, visit, other/);
    const note = await agent.post(`/api/tickets/${ticket.id}/history-notes`, { kind: 'phone', text: '折り返し電話で説明済み' }).expect(201);
    expect(note.body).toMatchObject({ kind: 'history', historyKind: 'phone', text: '折り返し電話で説明済み' });
    const handled = await agent.post(`/api/tickets/${ticket.id}/mark-handled`, { note: { kind: 'visit', text: '来店いただき対応' } }).expect(200);
    expect(handled.body.state).toBe('handled');
    expect(handled.body.articles.filter((a: { kind: string }) => a.kind === 'history').map((a: { historyKind: string }) => a.historyKind)).toEqual(['phone', 'visit']);
    const twice = await agent.post(`/api/tickets/${ticket.id}/mark-handled`, {}).expect(409);
    expect(twice.body.message).toMatch(/already handled/);
    expect((await agent.post(`/api/tickets/${ticket.id}/reopen`).expect(200)).body.state).toBe('unhandled');
    await agent.post(`/api/tickets/${ticket.id}/reopen`).expect(409);
    await agent.post(`/api/tickets/${ticket.id}/mark-handled`, {}).expect(200);

    await t.app.get(IntakeService).ingest(
      { id: mailboxId, address },
      rawMail({ from: 'yamada@customer.example.jp', to: address, subject: 'Re: 電話で対応', body: 'もう一つ質問です', messageId: `follow-${kind}@customer.example.jp`, inReplyTo: messageId }),
      { kind: 'smtp' },
    );
    expect(await state(ticket.id)).toBe('unhandled');
    const story = (await agent.get(`/api/tickets/${ticket.id}/transitions`).expect(200)).body;
    expect(story.at(-1)).toMatchObject({ machine: 'ticket', event: 'CUSTOMER_WROTE', from: 'handled', to: 'unhandled', actor: null, actorLabel: 'customer' });
    const counts = (await agent.get('/api/ticket-counts').query({ mailboxId }).expect(200)).body;
    expect(Object.keys(counts).sort()).toEqual(['awaiting_approval', 'handled', 'on_hold', 'rejected', 'unhandled']);
    expect(counts.unhandled).toBeGreaterThanOrEqual(1);
  });

  it('sends attachments up to 10 MB and refuses a bigger file with a clear message', async () => {
    await policy({ mode: 'off' }).expect(200);
    const { ticket } = await inbound('添付の送付');
    const up = await agent.upload('/api/uploads', 'file', Buffer.from('見積書の中身'), '見積書.txt', 'text/plain').expect(201);
    expect(up.body).toMatchObject({ filename: '見積書.txt', size: Buffer.byteLength('見積書の中身') });
    const big = await agent.upload('/api/uploads', 'file', Buffer.alloc(10 * 1024 * 1024 + 1), 'big.bin', 'application/octet-stream').expect(413);
    expect(big.body.message).toMatch(/larger than 10 MB/);
    const foreign = await agent.post(`/api/tickets/${ticket.id}/replies`, { to: ['yamada@customer.example.jp'], text: 'x', attachments: ['00000000-0000-4000-8000-000000000000'] }).expect(400);
    expect(JSON.stringify(foreign.body)).toMatch(/upload the file again/);
    await agent.post(`/api/tickets/${ticket.id}/replies`, { to: ['yamada@customer.example.jp'], text: '見積書をお送りします。', attachments: [up.body.id] }).expect(201);
    // Earlier tests' replies may still be due: send everything and pick this one.
    sink.clear();
    while ((await dispatch()) > 0);
    const parsedAll = await Promise.all(sink.messages().map((m) => simpleParser(m.raw)));
    const parsed = parsedAll.find((p) => p.text?.includes('見積書をお送りします。'))!;
    expect(parsed.attachments.map((a) => [a.filename, a.content.toString('utf8')])).toEqual([['見積書.txt', '見積書の中身']]);
  });
});
