import { transition } from 'xstate';
import { TicketLifecycleEvent, TicketLifecycleState, ticketLifecycleMachine, ticketRefusal } from './ticket-lifecycle.machine';

const STATES: TicketLifecycleState[] = ['unhandled', 'awaiting_approval', 'rejected', 'handled'];
const EVENTS: Record<string, TicketLifecycleEvent> = {
  REPLY_SENT: { type: 'REPLY_SENT', customerWroteAfter: false },
  REPLY_SENT_OVERTAKEN: { type: 'REPLY_SENT', customerWroteAfter: true },
  REPLY_SUBMITTED: { type: 'REPLY_SUBMITTED' },
  REPLY_APPROVED: { type: 'REPLY_APPROVED' },
  REPLY_REJECTED: { type: 'REPLY_REJECTED', reason: '敬語を直してください' },
  REPLY_RESUBMITTED: { type: 'REPLY_RESUBMITTED' },
  REPLY_WITHDRAWN: { type: 'REPLY_WITHDRAWN' },
  CUSTOMER_WROTE: { type: 'CUSTOMER_WROTE' },
  MARK_HANDLED: { type: 'MARK_HANDLED' },
  REOPEN: { type: 'REOPEN' },
};

// Every state × event: the next state, or null where the event is refused.
const TABLE: Record<TicketLifecycleState, Record<keyof typeof EVENTS, TicketLifecycleState | null>> = {
  unhandled: {
    REPLY_SENT: 'handled', REPLY_SENT_OVERTAKEN: null, REPLY_SUBMITTED: 'awaiting_approval', REPLY_APPROVED: 'handled',
    REPLY_REJECTED: 'rejected', REPLY_RESUBMITTED: null, REPLY_WITHDRAWN: null, CUSTOMER_WROTE: null, MARK_HANDLED: 'handled', REOPEN: null,
  },
  awaiting_approval: {
    REPLY_SENT: 'handled', REPLY_SENT_OVERTAKEN: null, REPLY_SUBMITTED: null, REPLY_APPROVED: 'handled',
    REPLY_REJECTED: 'rejected', REPLY_RESUBMITTED: null, REPLY_WITHDRAWN: 'unhandled', CUSTOMER_WROTE: null, MARK_HANDLED: null, REOPEN: null,
  },
  rejected: {
    REPLY_SENT: 'handled', REPLY_SENT_OVERTAKEN: null, REPLY_SUBMITTED: 'awaiting_approval', REPLY_APPROVED: 'handled',
    REPLY_REJECTED: null, REPLY_RESUBMITTED: 'awaiting_approval', REPLY_WITHDRAWN: 'unhandled', CUSTOMER_WROTE: null, MARK_HANDLED: 'handled', REOPEN: null,
  },
  handled: {
    REPLY_SENT: null, REPLY_SENT_OVERTAKEN: null, REPLY_SUBMITTED: 'awaiting_approval', REPLY_APPROVED: null,
    REPLY_REJECTED: 'rejected', REPLY_RESUBMITTED: null, REPLY_WITHDRAWN: 'unhandled', CUSTOMER_WROTE: 'unhandled', MARK_HANDLED: null, REOPEN: 'unhandled',
  },
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

  it('refuses to mark a ticket handled while a reply waits for approval, saying why', () => {
    expect(ticketRefusal('awaiting_approval', EVENTS.MARK_HANDLED)).toMatch(/waiting for approval/);
    expect(ticketRefusal('handled', EVENTS.MARK_HANDLED)).toMatch(/already handled/);
  });
});
