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
  | { type: 'SENT' }
  | { type: 'CANCEL' };

export type ReplyApprovalState = 'draft' | 'awaiting_approval' | 'approved' | 'rejected' | 'sent' | 'cancelled';

/** Effects the runner turns into rows after the transition (never executed by the machine). */
export type ReplyApprovalAction =
  | { type: 'notifyApprovers'; params: { step: number } }
  | { type: 'enqueueReply'; params: Record<string, never> }
  | { type: 'notifyAuthorRejected'; params: { reason: string } }
  | { type: 'notifyAuthorApproved'; params: Record<string, never> };

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
 * An outgoing reply: draft → awaiting approval step k of n → approved (queued for sending) → sent.
 * A rejection at any step sends it back to the author with a reason; editing and resubmitting
 * starts again at step 1 under the policy of that moment. Effect-free: the runner turns the
 * named actions into outbox and notification rows.
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
  },
  actions: {
    notifyApprovers: (_, _params: { step: number }) => {},
    enqueueReply: () => {},
    notifyAuthorRejected: (_, _params: { reason: string }) => {},
    notifyAuthorApproved: () => {},
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
  version: '1',
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
        SENT: { target: 'sent' },
        CANCEL: { target: 'cancelled' },
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
      return `This reply was not approved for sending (it is ${state.replace('_', ' ')})`;
    case 'CANCEL':
      return `Only a reply waiting in the outbox can be cancelled (it is ${state.replace('_', ' ')})`;
  }
}
