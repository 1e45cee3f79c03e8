import { assign, setup } from 'xstate';

export type TicketLifecycleState = 'unhandled' | 'awaiting_approval' | 'rejected' | 'handled';

export interface TicketLifecycleContext {
  /** Why the last reply was rejected, while the ticket is 非承認. */
  rejectReason: string | null;
}

export type TicketLifecycleEvent =
  /** A reply went out; `customerWroteAfter` when the customer wrote again after it was written. */
  | { type: 'REPLY_SENT'; customerWroteAfter: boolean }
  | { type: 'REPLY_SUBMITTED' }
  | { type: 'REPLY_APPROVED' }
  | { type: 'REPLY_REJECTED'; reason: string }
  | { type: 'REPLY_RESUBMITTED' }
  /** A reply waiting for approval, rejected or queued was withdrawn or undone. */
  | { type: 'REPLY_WITHDRAWN' }
  | { type: 'CUSTOMER_WROTE' }
  | { type: 'MARK_HANDLED' }
  | { type: 'REOPEN' };

/**
 * The ticket lifecycle (§3): 未対応 unhandled, 承認待ち awaiting approval, 非承認 rejected, 対応済
 * handled. No effects: notifications belong to the reply machine.
 */
export const ticketLifecycleMachine = setup({
  types: {
    context: {} as TicketLifecycleContext,
    events: {} as TicketLifecycleEvent,
  },
  guards: {
    notOvertaken: ({ event }) => event.type === 'REPLY_SENT' && !event.customerWroteAfter,
  },
  actions: {
    clearReason: assign({ rejectReason: null }),
    recordReason: assign(({ event }) => ({ rejectReason: event.type === 'REPLY_REJECTED' ? event.reason : null })),
  },
}).createMachine({
  id: 'ticketLifecycle',
  version: '1',
  initial: 'unhandled',
  context: { rejectReason: null },
  states: {
    unhandled: {
      on: {
        REPLY_SENT: { guard: 'notOvertaken', target: 'handled', actions: 'clearReason' },
        REPLY_SUBMITTED: { target: 'awaiting_approval' },
        REPLY_APPROVED: { target: 'handled' },
        REPLY_REJECTED: { target: 'rejected', actions: 'recordReason' },
        MARK_HANDLED: { target: 'handled' },
      },
    },
    awaiting_approval: {
      on: {
        REPLY_SENT: { guard: 'notOvertaken', target: 'handled' },
        REPLY_APPROVED: { target: 'handled' },
        REPLY_REJECTED: { target: 'rejected', actions: 'recordReason' },
        REPLY_WITHDRAWN: { target: 'unhandled' },
      },
    },
    rejected: {
      on: {
        REPLY_SENT: { guard: 'notOvertaken', target: 'handled', actions: 'clearReason' },
        REPLY_SUBMITTED: { target: 'awaiting_approval', actions: 'clearReason' },
        REPLY_RESUBMITTED: { target: 'awaiting_approval', actions: 'clearReason' },
        REPLY_APPROVED: { target: 'handled', actions: 'clearReason' },
        REPLY_WITHDRAWN: { target: 'unhandled', actions: 'clearReason' },
        MARK_HANDLED: { target: 'handled', actions: 'clearReason' },
      },
    },
    handled: {
      on: {
        CUSTOMER_WROTE: { target: 'unhandled' },
        REOPEN: { target: 'unhandled' },
        REPLY_SUBMITTED: { target: 'awaiting_approval' },
        REPLY_REJECTED: { target: 'rejected', actions: 'recordReason' },
        REPLY_WITHDRAWN: { target: 'unhandled' },
      },
    },
  },
});

/** Why the ticket cannot take an event in its state, in words a person understands. */
export function ticketRefusal(state: TicketLifecycleState, event: TicketLifecycleEvent): string {
  switch (event.type) {
    case 'MARK_HANDLED':
      if (state === 'handled') return 'This ticket is already handled';
      return 'A reply on this ticket is waiting for approval: approve, reject or withdraw it first';
    case 'REOPEN':
      return `Only a handled ticket can be reopened (this one is ${state.replace('_', ' ')})`;
    case 'CUSTOMER_WROTE':
      return `The ticket is already open (${state.replace('_', ' ')})`;
    case 'REPLY_SENT':
      return event.customerWroteAfter ? 'The customer wrote again after this reply was written: the ticket stays open' : `The ticket is already ${state}`;
    default:
      return `The ticket cannot take ${event.type} while it is ${state.replace('_', ' ')}`;
  }
}
