import {
  ReplyApprovalContext,
  ReplyApprovalEvent,
  replyApprovalMachine,
  replyRefusal,
  TicketLifecycleEvent,
  ticketLifecycleMachine,
  ticketRefusal,
  WorkflowDefinition,
} from '@madoguchi/workflow';
import { Ticket } from '../ticket.entity';
import { Reply } from './reply.entity';

/** The ticket lifecycle, bound to the `ticket` table. */
export const TICKET_WORKFLOW: WorkflowDefinition<Ticket & { stateContext: string | null }, TicketLifecycleEvent> = {
  name: 'ticket',
  machine: ticketLifecycleMachine,
  // 2: 保留 (on_hold, HOLD, RELEASE, a reply's `then`); v1 rows read the same.
  version: 2,
  entity: Ticket,
  initialContext: () => ({ rejectReason: null, holdUntil: null }),
  ticketIdOf: (t) => t.id,
  refusal: (state, _context, event) => ticketRefusal(state as Ticket['state'], event),
};

/** The reply approval, bound to the `reply` table. */
export const REPLY_WORKFLOW: WorkflowDefinition<Reply, ReplyApprovalEvent> = {
  name: 'reply',
  machine: replyApprovalMachine,
  // 2: delivery in the machine (failed, SEND_FAILED, RETRY); 3: UNDO_APPROVAL; older rows read the same.
  version: 3,
  entity: Reply,
  initialContext: (r): ReplyApprovalContext => ({ authorId: r.authorId ?? 0, steps: [], step: 0, approvals: [], rejectReason: null, rejectedBy: null }),
  ticketIdOf: (r) => r.ticketId,
  refusal: (state, context, event) => replyRefusal(state as Reply['state'], context as ReplyApprovalContext, event),
};

export const replyContext = (r: Reply): ReplyApprovalContext =>
  r.stateContext ? (JSON.parse(r.stateContext) as ReplyApprovalContext) : (REPLY_WORKFLOW.initialContext(r) as ReplyApprovalContext);
