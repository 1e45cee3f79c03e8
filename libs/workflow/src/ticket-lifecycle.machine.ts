import { assign, setup } from 'xstate';

export type TicketLifecycleState = 'unhandled' | 'awaiting_approval' | 'rejected' | 'handled' | 'on_hold';

/**
 * What the ticket becomes once a reply goes out (送信して対応済 / 送信して保留 / 送信のみ):
 * `handled` (the default), `hold` (保留 until `holdUntil` or the customer's next message) or
 * `open` (the ticket stays 未対応).
 */
export type AfterSend = 'handled' | 'hold' | 'open';
export const AFTER_SEND = ['handled', 'hold', 'open'] as const;

export interface TicketLifecycleContext {
  /** Why the last reply was rejected, while the ticket is 非承認. */
  rejectReason: string | null;
  /** While 保留: until when (ISO time), or null for "until the customer writes". */
  holdUntil?: string | null;
}

export type TicketLifecycleEvent =
  /**
   * A reply went out; `customerWroteAfter` when the customer wrote again after it was written;
   * `then` what the ticket becomes (handled unless said).
   */
  | { type: 'REPLY_SENT'; customerWroteAfter: boolean; then?: AfterSend; holdUntil?: string | null }
  | { type: 'REPLY_SUBMITTED' }
  /** The last approval step passed; the ticket takes the reply's `then` at once. */
  | { type: 'REPLY_APPROVED'; then?: AfterSend; holdUntil?: string | null }
  | { type: 'REPLY_REJECTED'; reason: string }
  | { type: 'REPLY_RESUBMITTED' }
  /** A reply waiting for approval, rejected or queued was withdrawn or undone. */
  | { type: 'REPLY_WITHDRAWN' }
  | { type: 'CUSTOMER_WROTE' }
  | { type: 'MARK_HANDLED' }
  | { type: 'REOPEN' }
  /** 保留 by hand, until a time or (null) the customer's next message. */
  | { type: 'HOLD'; until: string | null }
  /** The hold's time came (the release job). */
  | { type: 'RELEASE' };

const thenOf = (event: TicketLifecycleEvent): AfterSend => ('then' in event && event.then ? event.then : 'handled');
const sent = (event: TicketLifecycleEvent) => event.type === 'REPLY_SENT' && !event.customerWroteAfter;

/**
 * The ticket lifecycle (§3): 未対応 unhandled, 承認待ち awaiting approval, 非承認 rejected, 対応済
 * handled, 保留 on hold (until a time or the customer's next message). No effects: notifications
 * belong to the reply machine.
 */
export const ticketLifecycleMachine = setup({
  types: {
    context: {} as TicketLifecycleContext,
    events: {} as TicketLifecycleEvent,
  },
  guards: {
    sentHandled: ({ event }) => sent(event) && thenOf(event) === 'handled',
    sentHold: ({ event }) => sent(event) && thenOf(event) === 'hold',
    sentOpen: ({ event }) => sent(event) && thenOf(event) === 'open',
    approvedHandled: ({ event }) => event.type === 'REPLY_APPROVED' && thenOf(event) === 'handled',
    approvedHold: ({ event }) => event.type === 'REPLY_APPROVED' && thenOf(event) === 'hold',
    approvedOpen: ({ event }) => event.type === 'REPLY_APPROVED' && thenOf(event) === 'open',
  },
  actions: {
    clearReason: assign({ rejectReason: null }),
    recordReason: assign(({ event }) => ({ rejectReason: event.type === 'REPLY_REJECTED' ? event.reason : null })),
    recordHold: assign(({ event }) => ({
      rejectReason: null,
      holdUntil: event.type === 'HOLD' ? event.until : 'holdUntil' in event ? (event.holdUntil ?? null) : null,
    })),
    clearHold: assign({ holdUntil: null }),
  },
}).createMachine({
  id: 'ticketLifecycle',
  version: '2',
  initial: 'unhandled',
  context: { rejectReason: null, holdUntil: null },
  states: {
    unhandled: {
      on: {
        REPLY_SENT: [
          { guard: 'sentHandled', target: 'handled', actions: 'clearReason' },
          { guard: 'sentHold', target: 'on_hold', actions: 'recordHold' },
        ],
        REPLY_SUBMITTED: { target: 'awaiting_approval' },
        REPLY_APPROVED: [
          { guard: 'approvedHandled', target: 'handled' },
          { guard: 'approvedHold', target: 'on_hold', actions: 'recordHold' },
        ],
        REPLY_REJECTED: { target: 'rejected', actions: 'recordReason' },
        MARK_HANDLED: { target: 'handled' },
        HOLD: { target: 'on_hold', actions: 'recordHold' },
      },
    },
    awaiting_approval: {
      on: {
        REPLY_SENT: [
          { guard: 'sentHandled', target: 'handled' },
          { guard: 'sentHold', target: 'on_hold', actions: 'recordHold' },
          { guard: 'sentOpen', target: 'unhandled' },
        ],
        REPLY_APPROVED: [
          { guard: 'approvedHandled', target: 'handled' },
          { guard: 'approvedHold', target: 'on_hold', actions: 'recordHold' },
          { guard: 'approvedOpen', target: 'unhandled' },
        ],
        REPLY_REJECTED: { target: 'rejected', actions: 'recordReason' },
        REPLY_WITHDRAWN: { target: 'unhandled' },
      },
    },
    rejected: {
      on: {
        REPLY_SENT: [
          { guard: 'sentHandled', target: 'handled', actions: 'clearReason' },
          { guard: 'sentHold', target: 'on_hold', actions: 'recordHold' },
          { guard: 'sentOpen', target: 'unhandled', actions: 'clearReason' },
        ],
        REPLY_SUBMITTED: { target: 'awaiting_approval', actions: 'clearReason' },
        REPLY_RESUBMITTED: { target: 'awaiting_approval', actions: 'clearReason' },
        REPLY_APPROVED: [
          { guard: 'approvedHandled', target: 'handled', actions: 'clearReason' },
          { guard: 'approvedHold', target: 'on_hold', actions: 'recordHold' },
          { guard: 'approvedOpen', target: 'unhandled', actions: 'clearReason' },
        ],
        REPLY_WITHDRAWN: { target: 'unhandled', actions: 'clearReason' },
        MARK_HANDLED: { target: 'handled', actions: 'clearReason' },
        HOLD: { target: 'on_hold', actions: 'recordHold' },
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
    on_hold: {
      on: {
        CUSTOMER_WROTE: { target: 'unhandled', actions: 'clearHold' },
        RELEASE: { target: 'unhandled', actions: 'clearHold' },
        REOPEN: { target: 'unhandled', actions: 'clearHold' },
        MARK_HANDLED: { target: 'handled', actions: 'clearHold' },
        HOLD: { target: 'on_hold', actions: 'recordHold', reenter: true },
        REPLY_SUBMITTED: { target: 'awaiting_approval', actions: 'clearHold' },
        REPLY_REJECTED: { target: 'rejected', actions: ['clearHold', 'recordReason'] },
        REPLY_SENT: [
          { guard: 'sentHandled', target: 'handled', actions: 'clearHold' },
          { guard: 'sentHold', target: 'on_hold', actions: 'recordHold', reenter: true },
          { guard: 'sentOpen', target: 'unhandled', actions: 'clearHold' },
        ],
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
      return `Only a handled or held ticket can be reopened (this one is ${state.replace('_', ' ')})`;
    case 'HOLD':
      return state === 'handled' ? 'A handled ticket is not put on hold: reopen it first' : 'A reply on this ticket is waiting for approval: approve, reject or withdraw it first';
    case 'RELEASE':
      return `Only a ticket on hold is released (this one is ${state.replace('_', ' ')})`;
    case 'CUSTOMER_WROTE':
      return `The ticket is already open (${state.replace('_', ' ')})`;
    case 'REPLY_SENT':
      return event.customerWroteAfter ? 'The customer wrote again after this reply was written: the ticket stays open' : `The ticket is already ${state}`;
    default:
      return `The ticket cannot take ${event.type} while it is ${state.replace('_', ' ')}`;
  }
}
