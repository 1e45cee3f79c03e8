import { transition } from 'xstate';
import { TicketLifecycleEvent, TicketLifecycleState, ticketLifecycleMachine, ticketRefusal } from './ticket-lifecycle.machine';

const STATES: TicketLifecycleState[] = ['unhandled', 'awaiting_approval', 'rejected', 'handled', 'on_hold'];
const UNTIL = '2026-12-10T00:00:00.000Z';
const EVENTS: Record<string, TicketLifecycleEvent> = {
  REPLY_SENT: { type: 'REPLY_SENT', customerWroteAfter: false },
  REPLY_SENT_OVERTAKEN: { type: 'REPLY_SENT', customerWroteAfter: true },
  REPLY_SENT_HOLD: { type: 'REPLY_SENT', customerWroteAfter: false, then: 'hold', holdUntil: UNTIL },
  REPLY_SENT_OPEN: { type: 'REPLY_SENT', customerWroteAfter: false, then: 'open' },
  REPLY_SUBMITTED: { type: 'REPLY_SUBMITTED' },
  REPLY_APPROVED: { type: 'REPLY_APPROVED' },
  REPLY_APPROVED_HOLD: { type: 'REPLY_APPROVED', then: 'hold', holdUntil: null },
  REPLY_APPROVED_OPEN: { type: 'REPLY_APPROVED', then: 'open' },
  REPLY_REJECTED: { type: 'REPLY_REJECTED', reason: '敬語を直してください' },
  REPLY_RESUBMITTED: { type: 'REPLY_RESUBMITTED' },
  REPLY_WITHDRAWN: { type: 'REPLY_WITHDRAWN' },
  CUSTOMER_WROTE: { type: 'CUSTOMER_WROTE' },
  MARK_HANDLED: { type: 'MARK_HANDLED' },
  REOPEN: { type: 'REOPEN' },
  HOLD: { type: 'HOLD', until: UNTIL },
  RELEASE: { type: 'RELEASE' },
};

type S = TicketLifecycleState | null;
// Every state × event: the next state, or null where the event is refused.
const row = (o: Partial<Record<keyof typeof EVENTS, S>>): Record<keyof typeof EVENTS, S> => Object.fromEntries(Object.keys(EVENTS).map((k) => [k, o[k] ?? null])) as Record<keyof typeof EVENTS, S>;
const TABLE: Record<TicketLifecycleState, Record<keyof typeof EVENTS, S>> = {
  unhandled: row({
    REPLY_SENT: 'handled', REPLY_SENT_HOLD: 'on_hold', REPLY_SUBMITTED: 'awaiting_approval', REPLY_APPROVED: 'handled', REPLY_APPROVED_HOLD: 'on_hold',
    REPLY_REJECTED: 'rejected', MARK_HANDLED: 'handled', HOLD: 'on_hold',
  }),
  awaiting_approval: row({
    REPLY_SENT: 'handled', REPLY_SENT_HOLD: 'on_hold', REPLY_SENT_OPEN: 'unhandled', REPLY_APPROVED: 'handled', REPLY_APPROVED_HOLD: 'on_hold', REPLY_APPROVED_OPEN: 'unhandled',
    REPLY_REJECTED: 'rejected', REPLY_WITHDRAWN: 'unhandled',
  }),
  rejected: row({
    REPLY_SENT: 'handled', REPLY_SENT_HOLD: 'on_hold', REPLY_SENT_OPEN: 'unhandled', REPLY_SUBMITTED: 'awaiting_approval', REPLY_APPROVED: 'handled', REPLY_APPROVED_HOLD: 'on_hold', REPLY_APPROVED_OPEN: 'unhandled',
    REPLY_RESUBMITTED: 'awaiting_approval', REPLY_WITHDRAWN: 'unhandled', MARK_HANDLED: 'handled', HOLD: 'on_hold',
  }),
  handled: row({
    REPLY_SUBMITTED: 'awaiting_approval', REPLY_REJECTED: 'rejected', REPLY_WITHDRAWN: 'unhandled', CUSTOMER_WROTE: 'unhandled', REOPEN: 'unhandled',
  }),
  on_hold: row({
    REPLY_SENT: 'handled', REPLY_SENT_HOLD: 'on_hold', REPLY_SENT_OPEN: 'unhandled', REPLY_SUBMITTED: 'awaiting_approval', REPLY_REJECTED: 'rejected',
    CUSTOMER_WROTE: 'unhandled', MARK_HANDLED: 'handled', REOPEN: 'unhandled', HOLD: 'on_hold', RELEASE: 'unhandled',
  }),
};

const at = (state: TicketLifecycleState, rejectReason: string | null = null) => ticketLifecycleMachine.resolveState({ value: state, context: { rejectReason } });

describe('ticket lifecycle machine', () => {
  const cases = STATES.flatMap((s) => Object.keys(EVENTS).map((e) => [s, e, TABLE[s][e]] as const));

  it.each(cases)('%s + %s → %s', (state, name, expected) => {
    const snapshot = at(state);
    const event = EVENTS[name];
    expect(snapshot.can(event)).toBe(expected !== null);
    if (expected === null) {
      expect(ticketRefusal(state, event)).toMatch(/\w/);
      return;
    }
    const [next, actions] = transition(ticketLifecycleMachine, snapshot, event);
    expect(next.value).toBe(expected);
    // The lifecycle has no effects: nothing for the runner to write besides the row.
    expect(actions.filter((a) => !a.type.startsWith('xstate.'))).toEqual([]);
  });

  it('keeps the rejection reason while the ticket is rejected and clears it on resubmission', () => {
    const [rejected] = transition(ticketLifecycleMachine, at('awaiting_approval'), EVENTS.REPLY_REJECTED);
    expect(rejected.context.rejectReason).toBe('敬語を直してください');
    const [again] = transition(ticketLifecycleMachine, rejected, EVENTS.REPLY_RESUBMITTED);
    expect(again.value).toBe('awaiting_approval');
    expect(again.context.rejectReason).toBeNull();
  });

  it('keeps until when a ticket is on hold, and forgets it when the customer writes', () => {
    const [held] = transition(ticketLifecycleMachine, at('unhandled'), EVENTS.REPLY_SENT_HOLD);
    expect(held.context.holdUntil).toBe(UNTIL);
    const [open] = transition(ticketLifecycleMachine, held, EVENTS.CUSTOMER_WROTE);
    expect(open.value).toBe('unhandled');
    expect(open.context.holdUntil).toBeNull();
    const [untilReply] = transition(ticketLifecycleMachine, at('awaiting_approval'), EVENTS.REPLY_APPROVED_HOLD);
    expect(untilReply.value).toBe('on_hold');
    expect(untilReply.context.holdUntil).toBeNull();
  });

  it('refuses to mark a ticket handled while a reply waits for approval, saying why', () => {
    expect(ticketRefusal('awaiting_approval', EVENTS.MARK_HANDLED)).toMatch(/waiting for approval/);
    expect(ticketRefusal('handled', EVENTS.MARK_HANDLED)).toMatch(/already handled/);
  });
});
