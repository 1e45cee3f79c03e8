import { transition } from 'xstate';
import { ReplyApprovalContext, ReplyApprovalEvent, ReplyApprovalState, replyApprovalMachine, replyRefusal } from './reply-approval.machine';

const AUTHOR = 1;
const APPROVER_1 = 2; // group 10
const APPROVER_2 = 3; // group 20
const OUTSIDER = 4; // group 99
const ADMIN = 5;
const TWO_STEPS = [{ approverGroupIds: [10] }, { approverGroupIds: [20] }];

const ctx = (over: Partial<ReplyApprovalContext> = {}): ReplyApprovalContext => ({
  authorId: AUTHOR,
  steps: TWO_STEPS,
  step: 0,
  approvals: [],
  rejectReason: null,
  rejectedBy: null,
  ...over,
});
const at = (state: ReplyApprovalState, over: Partial<ReplyApprovalContext> = {}) => replyApprovalMachine.resolveState({ value: state, context: ctx(over) });
const effects = (actions: { type: string; params?: unknown }[]) => actions.filter((a) => !a.type.startsWith('xstate.')).map((a) => ({ type: a.type, params: a.params ?? {} }));

const EVENTS: Record<string, ReplyApprovalEvent> = {
  SUBMIT: { type: 'SUBMIT', actorId: AUTHOR, steps: TWO_STEPS },
  SUBMIT_NO_POLICY: { type: 'SUBMIT', actorId: AUTHOR, steps: [] },
  APPROVE: { type: 'APPROVE', actorId: APPROVER_1, groupIds: [10], isAdmin: false, hasApproveRight: true },
  REJECT: { type: 'REJECT', actorId: APPROVER_1, groupIds: [10], isAdmin: false, hasApproveRight: true, reason: '宛名が違います' },
  EDIT: { type: 'EDIT', actorId: AUTHOR },
  RESUBMIT: { type: 'RESUBMIT', actorId: AUTHOR, steps: TWO_STEPS },
  WITHDRAW: { type: 'WITHDRAW', actorId: AUTHOR },
  SENT: { type: 'SENT' },
  SEND_FAILED: { type: 'SEND_FAILED', code: 'SMTP_TIMEOUT', detail: 'No answer', attempts: 1, retryAt: '2026-12-03T00:00:30.000Z' },
  GAVE_UP: { type: 'SEND_FAILED', code: 'SMTP_HOST_NOT_FOUND', detail: 'Host not found', attempts: 3, retryAt: null },
  RETRY: { type: 'RETRY' },
  CANCEL: { type: 'CANCEL' },
  // Nobody approved the table's rows: an undo of an approval is refused everywhere there.
  UNDO_APPROVAL: { type: 'UNDO_APPROVAL', actorId: APPROVER_2, hasApproveRight: true },
};
const STATES: ReplyApprovalState[] = ['draft', 'awaiting_approval', 'approved', 'rejected', 'sent', 'failed', 'cancelled'];
// awaiting_approval is taken at step 1 of 2 for this table.
const NONE = { SEND_FAILED: null, GAVE_UP: null, RETRY: null } as const;
const TABLE: Record<ReplyApprovalState, Record<keyof typeof EVENTS, ReplyApprovalState | null>> = {
  draft: { SUBMIT: 'awaiting_approval', SUBMIT_NO_POLICY: 'approved', APPROVE: null, REJECT: null, EDIT: 'draft', RESUBMIT: null, WITHDRAW: 'cancelled', SENT: null, CANCEL: null, ...NONE, UNDO_APPROVAL: null },
  awaiting_approval: { SUBMIT: null, SUBMIT_NO_POLICY: null, APPROVE: 'awaiting_approval', REJECT: 'rejected', EDIT: null, RESUBMIT: null, WITHDRAW: 'cancelled', SENT: null, CANCEL: null, ...NONE, UNDO_APPROVAL: null },
  approved: { SUBMIT: null, SUBMIT_NO_POLICY: null, APPROVE: null, REJECT: null, EDIT: null, RESUBMIT: null, WITHDRAW: null, SENT: 'sent', CANCEL: 'cancelled', SEND_FAILED: 'approved', GAVE_UP: 'failed', RETRY: null, UNDO_APPROVAL: null },
  failed: { SUBMIT: null, SUBMIT_NO_POLICY: null, APPROVE: null, REJECT: null, EDIT: null, RESUBMIT: null, WITHDRAW: null, SENT: 'sent', CANCEL: 'cancelled', SEND_FAILED: null, GAVE_UP: null, RETRY: 'approved', UNDO_APPROVAL: null },
  rejected: { SUBMIT: null, SUBMIT_NO_POLICY: null, APPROVE: null, REJECT: null, EDIT: 'rejected', RESUBMIT: 'awaiting_approval', WITHDRAW: 'cancelled', SENT: null, CANCEL: null, ...NONE, UNDO_APPROVAL: null },
  sent: { SUBMIT: null, SUBMIT_NO_POLICY: null, APPROVE: null, REJECT: null, EDIT: null, RESUBMIT: null, WITHDRAW: null, SENT: null, CANCEL: null, ...NONE, UNDO_APPROVAL: null },
  cancelled: { SUBMIT: null, SUBMIT_NO_POLICY: null, APPROVE: null, REJECT: null, EDIT: null, RESUBMIT: null, WITHDRAW: null, SENT: null, CANCEL: null, ...NONE, UNDO_APPROVAL: null },
};

describe('reply approval machine', () => {
  const cases = STATES.flatMap((s) => Object.keys(EVENTS).map((e) => [s, e, TABLE[s][e]] as const));

  it.each(cases)('%s + %s → %s', (state, name, expected) => {
    const snapshot = at(state, state === 'awaiting_approval' ? { step: 1 } : {});
    const event = EVENTS[name];
    expect(snapshot.can(event)).toBe(expected !== null);
    if (expected === null) {
      expect(replyRefusal(state, snapshot.context, event)).toMatch(/\w/);
      return;
    }
    const [next] = transition(replyApprovalMachine, snapshot, event);
    expect(next.value).toBe(expected);
  });

  it('walks two steps with two different approvers, and only then queues the reply', () => {
    let [s, actions] = transition(replyApprovalMachine, at('draft'), EVENTS.SUBMIT);
    expect(s.value).toBe('awaiting_approval');
    expect(s.context.step).toBe(1);
    expect(effects(actions)).toEqual([{ type: 'notifyApprovers', params: { step: 1 } }]);

    [s, actions] = transition(replyApprovalMachine, s, { type: 'APPROVE', actorId: APPROVER_1, groupIds: [10], isAdmin: false, hasApproveRight: true, step: 1 });
    expect(s.value).toBe('awaiting_approval');
    expect(s.context.step).toBe(2);
    expect(effects(actions)).toEqual([{ type: 'notifyApprovers', params: { step: 2 } }]);

    // The step-1 approver is not a step-2 approver; nor may one person take two steps.
    expect(s.can({ type: 'APPROVE', actorId: APPROVER_1, groupIds: [10, 20], isAdmin: false, hasApproveRight: true })).toBe(false);
    expect(replyRefusal('awaiting_approval', s.context, { type: 'APPROVE', actorId: APPROVER_1, groupIds: [10, 20], isAdmin: false, hasApproveRight: true })).toMatch(/earlier step/);

    [s, actions] = transition(replyApprovalMachine, s, { type: 'APPROVE', actorId: APPROVER_2, groupIds: [20], isAdmin: false, hasApproveRight: true, step: 2 });
    expect(s.value).toBe('approved');
    expect(s.context.approvals).toEqual([
      { step: 1, userId: APPROVER_1 },
      { step: 2, userId: APPROVER_2 },
    ]);
    expect(effects(actions).map((a) => a.type)).toEqual(['enqueueReply', 'notifyAuthorApproved']);
  });

  it('sends at once when there is no approval policy', () => {
    const [s, actions] = transition(replyApprovalMachine, at('draft'), EVENTS.SUBMIT_NO_POLICY);
    expect(s.value).toBe('approved');
    expect(effects(actions).map((a) => a.type)).toEqual(['enqueueReply']);
  });

  describe('who may approve', () => {
    const waiting = at('awaiting_approval', { step: 1 });
    it.each([
      ['the step group member', { actorId: APPROVER_1, groupIds: [10], isAdmin: false, hasApproveRight: true }, true],
      ['the author, even in the approver group (four-eyes)', { actorId: AUTHOR, groupIds: [10], isAdmin: false, hasApproveRight: true }, false],
      ['the author, even as admin (four-eyes)', { actorId: AUTHOR, groupIds: [], isAdmin: true, hasApproveRight: true }, false],
      ['an admin who is not the author', { actorId: ADMIN, groupIds: [], isAdmin: true, hasApproveRight: true }, true],
      ['a member of the next step only', { actorId: APPROVER_2, groupIds: [20], isAdmin: false, hasApproveRight: true }, false],
      ['an outsider', { actorId: OUTSIDER, groupIds: [99], isAdmin: false, hasApproveRight: true }, false],
      ['the step group member without the approve right on the mailbox', { actorId: APPROVER_1, groupIds: [10], isAdmin: false, hasApproveRight: false }, false],
    ])('%s: %s', (_name, who, allowed) => {
      expect(waiting.can({ type: 'APPROVE', ...who })).toBe(allowed);
      expect(waiting.can({ type: 'REJECT', reason: 'x', ...who })).toBe(allowed);
    });

    it('refuses the author with the four-eyes reason', () => {
      expect(replyRefusal('awaiting_approval', waiting.context, { type: 'APPROVE', actorId: AUTHOR, groupIds: [10], isAdmin: true, hasApproveRight: true })).toMatch(/four-eyes/);
    });

    it('refuses a decision on a step that was already decided (two approvers at once)', () => {
      const [s] = transition(replyApprovalMachine, waiting, { type: 'APPROVE', actorId: APPROVER_1, groupIds: [10], isAdmin: false, hasApproveRight: true, step: 1 });
      const late = { type: 'APPROVE' as const, actorId: ADMIN, groupIds: [10, 20], isAdmin: true, hasApproveRight: true, step: 1 };
      expect(s.can(late)).toBe(false);
      expect(replyRefusal('awaiting_approval', s.context, late)).toMatch(/already decided/);
    });

    it('refuses a rejection without a reason', () => {
      const blank = { type: 'REJECT' as const, actorId: APPROVER_1, groupIds: [10], isAdmin: false, hasApproveRight: true, reason: '  ' };
      expect(waiting.can(blank)).toBe(false);
      expect(replyRefusal('awaiting_approval', waiting.context, blank)).toMatch(/reason is required/);
    });
  });

  it('rejects at step 2 with a reason, and resubmission starts again at step 1', () => {
    const atStep2 = at('awaiting_approval', { step: 2, approvals: [{ step: 1, userId: APPROVER_1 }] });
    const [rejected, actions] = transition(replyApprovalMachine, atStep2, { type: 'REJECT', actorId: APPROVER_2, groupIds: [20], isAdmin: false, hasApproveRight: true, reason: ' 金額を確認 ' });
    expect(rejected.value).toBe('rejected');
    expect(rejected.context.rejectReason).toBe('金額を確認');
    expect(rejected.context.rejectedBy).toBe(APPROVER_2);
    expect(effects(actions)).toEqual([{ type: 'notifyAuthorRejected', params: { reason: '金額を確認' } }]);

    expect(rejected.can({ type: 'EDIT', actorId: APPROVER_2 })).toBe(false);
    const [again] = transition(replyApprovalMachine, rejected, EVENTS.RESUBMIT);
    expect(again.value).toBe('awaiting_approval');
    expect(again.context.step).toBe(1);
    expect(again.context.approvals).toEqual([]);
    expect(again.context.rejectReason).toBeNull();
  });

  it('resubmits straight to sending when the policy was switched off meanwhile', () => {
    const [s, actions] = transition(replyApprovalMachine, at('rejected'), { type: 'RESUBMIT', actorId: AUTHOR, steps: [] });
    expect(s.value).toBe('approved');
    expect(effects(actions).map((a) => a.type)).toEqual(['enqueueReply']);
  });

  it('keeps delivery in the machine: 送信エラー while retrying (author told once), 送信失敗 when given up, 再送, sent or kept locally', () => {
    const queued = at('approved', { step: 0 });
    let [s, actions] = transition(replyApprovalMachine, queued, EVENTS.SEND_FAILED);
    expect(s.value).toBe('approved');
    expect(s.context.delivery).toEqual({ code: 'SMTP_TIMEOUT', detail: 'No answer', attempts: 1, retryAt: '2026-12-03T00:00:30.000Z' });
    expect(effects(actions)).toEqual([
      { type: 'setArticleStatus', params: { status: 'retrying' } },
      { type: 'notifyAuthorSendFailed', params: { code: 'SMTP_TIMEOUT', final: false } },
    ]);
    // The second failure in a row does not notify again.
    [s, actions] = transition(replyApprovalMachine, s, { ...EVENTS.SEND_FAILED, attempts: 2 } as ReplyApprovalEvent);
    expect(effects(actions)).toEqual([{ type: 'setArticleStatus', params: { status: 'retrying' } }]);
    expect(s.context.delivery?.attempts).toBe(2);

    [s, actions] = transition(replyApprovalMachine, s, EVENTS.GAVE_UP);
    expect(s.value).toBe('failed');
    expect(effects(actions)).toEqual([
      { type: 'setArticleStatus', params: { status: 'failed' } },
      { type: 'notifyAuthorSendFailed', params: { code: 'SMTP_HOST_NOT_FOUND', final: true } },
    ]);
    // Given up on: it can be thrown away (CANCEL) or sent again (RETRY).
    expect(s.can(EVENTS.CANCEL)).toBe(true);
    expect(effects(transition(replyApprovalMachine, s, EVENTS.CANCEL)[1])).toEqual([{ type: 'cancelDelivery', params: {} }, { type: 'setArticleStatus', params: { status: 'cancelled' } }]);

    [s, actions] = transition(replyApprovalMachine, s, EVENTS.RETRY);
    expect(s.value).toBe('approved');
    expect(s.context.delivery).toBeNull();
    expect(effects(actions)).toEqual([{ type: 'requeueDelivery', params: {} }, { type: 'setArticleStatus', params: { status: 'queued' } }]);

    [s, actions] = transition(replyApprovalMachine, s, { type: 'SENT', captured: true });
    expect(s.value).toBe('sent');
    expect(s.context.captured).toBe(true);
    expect(effects(actions)).toEqual([{ type: 'setArticleStatus', params: { status: 'captured' } }]);
    expect(effects(transition(replyApprovalMachine, queued, EVENTS.SENT)[1])).toEqual([{ type: 'setArticleStatus', params: { status: 'sent' } }]);
  });

  it('takes a queued reply out of the outbox on CANCEL, through an effect', () => {
    const [s, actions] = transition(replyApprovalMachine, at('approved'), EVENTS.CANCEL);
    expect(s.value).toBe('cancelled');
    expect(effects(actions)).toEqual([{ type: 'cancelDelivery', params: {} }, { type: 'setArticleStatus', params: { status: 'cancelled' } }]);
  });

  it('undoes the final approval only for its approver, back to that step, and withdraws the delivery', () => {
    const approved = at('approved', { step: 0, approvals: [{ step: 1, userId: APPROVER_1 }, { step: 2, userId: APPROVER_2 }] });
    const [s, actions] = transition(replyApprovalMachine, approved, EVENTS.UNDO_APPROVAL);
    expect(s.value).toBe('awaiting_approval');
    expect(s.context).toMatchObject({ step: 2, approvals: [{ step: 1, userId: APPROVER_1 }] });
    expect(effects(actions)).toEqual([{ type: 'withdrawDelivery', params: {} }]);
    // Step 1's approver, the author, and the final approver without the right any more: refused.
    for (const event of [
      { type: 'UNDO_APPROVAL', actorId: APPROVER_1, hasApproveRight: true },
      { type: 'UNDO_APPROVAL', actorId: AUTHOR, hasApproveRight: true },
      { type: 'UNDO_APPROVAL', actorId: APPROVER_2, hasApproveRight: false },
    ] as ReplyApprovalEvent[]) {
      expect(approved.can(event)).toBe(false);
      expect(replyRefusal('approved', approved.context, event)).toMatch(/approv/);
    }
    // A reply that needed no approval has no approval to undo.
    expect(at('approved', { steps: [] }).can(EVENTS.UNDO_APPROVAL)).toBe(false);
    // Once sent, too late.
    expect(at('sent', approved.context).can(EVENTS.UNDO_APPROVAL)).toBe(false);
  });
});
