import { missingRightMessage } from '@madoguchi/core';
import { and, assign, setup } from 'xstate';

/** One approval step: any member of these groups may approve it. */
export interface ApprovalStep {
  approverGroupIds: number[];
}

export interface ReplyApprovalContext {
  authorId: number;
  /** The policy's steps as they were when the reply was (re)submitted; empty = no approval. */
  steps: ApprovalStep[];
  /** 1-based step waiting for approval; 0 outside awaiting_approval. */
  step: number;
  approvals: { step: number; userId: number }[];
  rejectReason: string | null;
  rejectedBy: number | null;
  /** Where delivery stands once approved: the last failed attempt (null before one, and once sent). */
  delivery?: DeliveryProblem | null;
  /** Sent means kept locally by the embedded default (no SMTP account): nobody received it. */
  captured?: boolean;
}

/** A failed delivery attempt as the channel reported it: a stable code the console translates. */
export interface DeliveryProblem {
  code: string;
  /** The channel's own words, for the log and the administrator; never shown instead of the code's text. */
  detail: string | null;
  attempts: number;
  /** When the channel tries again (ISO 8601); null when it has given up (送信失敗). */
  retryAt: string | null;
}

/** Who is acting, as far as the machine's guards need to know. */
export interface Approver {
  actorId: number;
  groupIds: number[];
  isAdmin: boolean;
  /** The approve right on the reply's mailbox, checked at the moment of deciding. */
  hasApproveRight: boolean;
}

export type ReplyApprovalEvent =
  | { type: 'SUBMIT'; actorId: number; steps: ApprovalStep[] }
  | ({ type: 'APPROVE'; step?: number } & Approver)
  | ({ type: 'REJECT'; step?: number; reason: string } & Approver)
  | { type: 'EDIT'; actorId: number }
  | { type: 'RESUBMIT'; actorId: number; steps: ApprovalStep[] }
  | { type: 'WITHDRAW'; actorId: number }
  | { type: 'SENT'; captured?: boolean }
  | ({ type: 'SEND_FAILED' } & DeliveryProblem)
  | { type: 'RETRY' }
  | { type: 'CANCEL'; reason?: string }
  /** The final approver takes their approval back within the undo window: back to their step, nothing sent. */
  | { type: 'UNDO_APPROVAL'; actorId: number; hasApproveRight: boolean };

export type ReplyApprovalState = 'draft' | 'awaiting_approval' | 'approved' | 'rejected' | 'sent' | 'failed' | 'cancelled';

/** What the outbound article of a reply shows; set only by the machine's `setArticleStatus` action. */
export type OutboundArticleStatus = 'scheduled' | 'queued' | 'retrying' | 'sent' | 'captured' | 'failed' | 'cancelled';

/** Effects the runner turns into rows after the transition (never executed by the machine). */
export type ReplyApprovalAction =
  | { type: 'notifyApprovers'; params: { step: number } }
  | { type: 'enqueueReply'; params: Record<string, never> }
  | { type: 'notifyAuthorRejected'; params: { reason: string } }
  | { type: 'notifyAuthorApproved'; params: Record<string, never> }
  | { type: 'setArticleStatus'; params: { status: OutboundArticleStatus } }
  | { type: 'notifyAuthorSendFailed'; params: { code: string; final: boolean } }
  | { type: 'cancelDelivery'; params: Record<string, never> }
  | { type: 'requeueDelivery'; params: Record<string, never> }
  | { type: 'withdrawDelivery'; params: Record<string, never> };

const isApprover = (c: ReplyApprovalContext, e: Approver & { step?: number }): boolean => {
  if (!e.hasApproveRight) return false; // a place in the policy is not the right itself
  if (e.actorId === c.authorId) return false; // four-eyes, admins included
  if (e.step !== undefined && e.step !== c.step) return false; // someone else already decided that step
  if (c.approvals.some((a) => a.userId === e.actorId)) return false; // one person, one step
  const step = c.steps[c.step - 1];
  if (!step) return false;
  return e.isAdmin || step.approverGroupIds.some((g) => e.groupIds.includes(g));
};

/**
 * An outgoing reply: draft → awaiting approval step k of n → approved (in the outbox) → sent.
 * A rejection at any step sends it back to the author with a reason; editing and resubmitting
 * starts again at step 1 under the policy of that moment. Delivery is part of the same life:
 * the channel reports SENT or SEND_FAILED (with a retry time, or none when it gives up: failed,
 * from where RETRY puts it back in the outbox); CANCEL is the undo. Effect-free: the runner hands
 * the named actions to the effect handlers registered for this machine (outbox, article status,
 * notifications), in the same transaction.
 */
export const replyApprovalMachine = setup({
  types: {
    context: {} as ReplyApprovalContext,
    events: {} as ReplyApprovalEvent,
    input: {} as { authorId: number },
  },
  guards: {
    isAuthor: ({ context, event }) => 'actorId' in event && event.actorId === context.authorId,
    needsApproval: ({ event }) => 'steps' in event && event.steps.length > 0,
    isApprover: ({ context, event }) => (event.type === 'APPROVE' || event.type === 'REJECT') && isApprover(context, event),
    isLastStep: ({ context }) => context.step >= context.steps.length,
    hasReason: ({ event }) => event.type === 'REJECT' && event.reason.trim().length > 0,
    willRetry: ({ event }) => event.type === 'SEND_FAILED' && event.retryAt !== null,
    firstFailure: ({ context }) => !context.delivery,
    // Only the one who gave the last approval takes it back, while they still hold the approve right.
    isFinalApprover: ({ context, event }) =>
      event.type === 'UNDO_APPROVAL' &&
      event.hasApproveRight &&
      context.steps.length > 0 &&
      context.approvals.length === context.steps.length &&
      context.approvals[context.approvals.length - 1].userId === event.actorId,
  },
  actions: {
    notifyApprovers: (_, _params: { step: number }) => {},
    enqueueReply: () => {},
    notifyAuthorRejected: (_, _params: { reason: string }) => {},
    notifyAuthorApproved: () => {},
    setArticleStatus: (_, _params: { status: OutboundArticleStatus }) => {},
    notifyAuthorSendFailed: (_, _params: { code: string; final: boolean }) => {},
    cancelDelivery: () => {},
    requeueDelivery: () => {},
    withdrawDelivery: () => {},
    reopenLastStep: assign(({ context }) => ({
      approvals: context.approvals.slice(0, -1),
      step: context.approvals[context.approvals.length - 1]?.step ?? context.steps.length,
    })),
    recordDeliveryProblem: assign(({ event }) =>
      event.type === 'SEND_FAILED' ? { delivery: { code: event.code, detail: event.detail, attempts: event.attempts, retryAt: event.retryAt } } : {},
    ),
    recordSent: assign(({ event }) => ({ delivery: null, captured: event.type === 'SENT' && !!event.captured })),
    clearDeliveryProblem: assign({ delivery: null }),
    startApproval: assign(({ event }) => ({
      steps: 'steps' in event ? event.steps : [],
      step: 1,
      approvals: [],
      rejectReason: null,
      rejectedBy: null,
    })),
    skipApproval: assign({ steps: [], step: 0, approvals: [], rejectReason: null, rejectedBy: null }),
    recordApproval: assign(({ context, event }) => ({
      approvals: [...context.approvals, { step: context.step, userId: (event as Approver).actorId }],
      step: context.step + 1,
    })),
    finishApproval: assign(({ context, event }) => ({
      approvals: [...context.approvals, { step: context.step, userId: (event as Approver).actorId }],
      step: 0,
    })),
    recordRejection: assign(({ event }) => ({
      rejectReason: event.type === 'REJECT' ? event.reason.trim() : null,
      rejectedBy: event.type === 'REJECT' ? event.actorId : null,
      step: 0,
    })),
  },
}).createMachine({
  id: 'replyApproval',
  version: '3',
  initial: 'draft',
  context: ({ input }) => ({ authorId: input.authorId, steps: [], step: 0, approvals: [], rejectReason: null, rejectedBy: null }),
  states: {
    draft: {
      on: {
        SUBMIT: [
          {
            guard: 'needsApproval',
            target: 'awaiting_approval',
            actions: ['startApproval', { type: 'notifyApprovers', params: { step: 1 } }],
          },
          { target: 'approved', actions: ['skipApproval', 'enqueueReply'] },
        ],
        EDIT: { guard: 'isAuthor', target: 'draft' },
        WITHDRAW: { guard: 'isAuthor', target: 'cancelled' },
      },
    },
    awaiting_approval: {
      on: {
        APPROVE: [
          {
            guard: and(['isApprover', 'isLastStep']),
            target: 'approved',
            actions: ['finishApproval', 'enqueueReply', 'notifyAuthorApproved'],
          },
          {
            guard: 'isApprover',
            target: 'awaiting_approval',
            reenter: true,
            actions: ['recordApproval', { type: 'notifyApprovers', params: ({ context }) => ({ step: context.step }) }],
          },
        ],
        REJECT: {
          guard: and(['isApprover', 'hasReason']),
          target: 'rejected',
          actions: ['recordRejection', { type: 'notifyAuthorRejected', params: ({ event }) => ({ reason: (event as { reason: string }).reason.trim() }) }],
        },
        WITHDRAW: { guard: 'isAuthor', target: 'cancelled' },
      },
    },
    rejected: {
      on: {
        EDIT: { guard: 'isAuthor', target: 'rejected' },
        RESUBMIT: [
          {
            guard: and(['isAuthor', 'needsApproval']),
            target: 'awaiting_approval',
            actions: ['startApproval', { type: 'notifyApprovers', params: { step: 1 } }],
          },
          { guard: 'isAuthor', target: 'approved', actions: ['skipApproval', 'enqueueReply'] },
        ],
        WITHDRAW: { guard: 'isAuthor', target: 'cancelled' },
      },
    },
    approved: {
      on: {
        SENT: {
          target: 'sent',
          actions: ['recordSent', { type: 'setArticleStatus', params: ({ event }) => ({ status: (event as { captured?: boolean }).captured ? 'captured' : 'sent' }) }],
        },
        SEND_FAILED: [
          // 送信エラー: the channel tries again; the author hears of the first failure only.
          {
            guard: and(['willRetry', 'firstFailure']),
            target: 'approved',
            actions: [
              'recordDeliveryProblem',
              { type: 'setArticleStatus', params: { status: 'retrying' } },
              { type: 'notifyAuthorSendFailed', params: ({ event }) => ({ code: (event as { code: string }).code, final: false }) },
            ],
          },
          { guard: 'willRetry', target: 'approved', actions: ['recordDeliveryProblem', { type: 'setArticleStatus', params: { status: 'retrying' } }] },
          // 送信失敗: given up; a person decides (再送 or not).
          {
            target: 'failed',
            actions: [
              'recordDeliveryProblem',
              { type: 'setArticleStatus', params: { status: 'failed' } },
              { type: 'notifyAuthorSendFailed', params: ({ event }) => ({ code: (event as { code: string }).code, final: true }) },
            ],
          },
        ],
        CANCEL: { target: 'cancelled', actions: ['cancelDelivery', { type: 'setArticleStatus', params: { status: 'cancelled' } }] },
        // Undo of the final approval (the runner's effect checks the window and that nothing went out yet).
        UNDO_APPROVAL: { guard: 'isFinalApprover', target: 'awaiting_approval', actions: ['reopenLastStep', 'withdrawDelivery'] },
      },
    },
    failed: {
      on: {
        // Given up on, and not to be sent after all: out of the outbox for good.
        CANCEL: { target: 'cancelled', actions: ['cancelDelivery', { type: 'setArticleStatus', params: { status: 'cancelled' } }] },
        RETRY: { target: 'approved', actions: ['clearDeliveryProblem', 'requeueDelivery', { type: 'setArticleStatus', params: { status: 'queued' } }] },
        // Found in the Sent folder after all (an interrupted send that did go out).
        SENT: {
          target: 'sent',
          actions: ['recordSent', { type: 'setArticleStatus', params: ({ event }) => ({ status: (event as { captured?: boolean }).captured ? 'captured' : 'sent' }) }],
        },
      },
    },
    sent: { type: 'final' },
    cancelled: { type: 'final' },
  },
});

/** Why an event the machine refused was refused, in words a person understands. */
export function replyRefusal(state: ReplyApprovalState, context: ReplyApprovalContext, event: ReplyApprovalEvent): string {
  const isAuthor = 'actorId' in event && event.actorId === context.authorId;
  switch (event.type) {
    case 'APPROVE':
    case 'REJECT':
      if (state !== 'awaiting_approval') return `This reply is not waiting for approval (it is ${state.replace('_', ' ')})`;
      if (!event.hasApproveRight) return missingRightMessage(['approve'], 'mailbox', 'to decide this reply');
      if (event.actorId === context.authorId) return 'You wrote this reply: someone else must approve it (four-eyes rule)';
      if (event.step !== undefined && event.step !== context.step) return `Step ${event.step} was already decided; the reply is now at step ${context.step} of ${context.steps.length}`;
      if (context.approvals.some((a) => a.userId === event.actorId)) return 'You already approved an earlier step of this reply: another approver must take this step';
      if (event.type === 'REJECT' && !event.reason.trim()) return 'A reason is required to reject a reply';
      return `Only an approver of step ${context.step} of ${context.steps.length} may decide this reply`;
    case 'EDIT':
      if (!isAuthor) return 'Only the author can edit this reply';
      return `A reply can be edited only as a draft or after it was rejected (it is ${state.replace('_', ' ')})`;
    case 'RESUBMIT':
      if (!isAuthor) return 'Only the author can resubmit this reply';
      return `Only a rejected reply can be resubmitted (it is ${state.replace('_', ' ')})`;
    case 'SUBMIT':
      return `This reply was already submitted (it is ${state.replace('_', ' ')})`;
    case 'WITHDRAW':
      if (!isAuthor) return 'Only the author can withdraw this reply';
      return `This reply can no longer be withdrawn (it is ${state.replace('_', ' ')})`;
    case 'SENT':
    case 'SEND_FAILED':
      return `This reply was not approved for sending (it is ${state.replace('_', ' ')})`;
    case 'RETRY':
      return `Only a reply whose sending failed can be sent again (it is ${state.replace('_', ' ')})`;
    case 'CANCEL':
      return `Only a reply waiting in the outbox or given up on can be cancelled (it is ${state.replace('_', ' ')})`;
    case 'UNDO_APPROVAL':
      if (state !== 'approved') return `Only an approved reply waiting to be sent can have its approval undone (it is ${state.replace('_', ' ')})`;
      if (!event.hasApproveRight) return missingRightMessage(['approve'], 'mailbox', 'to undo an approval');
      return 'Only the approver who gave the last approval can undo it';
  }
}
