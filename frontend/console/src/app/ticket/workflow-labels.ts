import type { ReplyStatus } from '../api/replies-api';
import type { HistoryKind, Transition } from '../api/workflow-api';
import type { MessageKey } from '../i18n/ja';
import { TICKET_STATE_LABELS } from './ticket-labels';

export const REPLY_STATUS_LABELS: Record<ReplyStatus, MessageKey> = {
  draft: 'workflow.replyStatus.draft',
  awaiting_approval: 'workflow.replyStatus.awaiting_approval',
  rejected: 'workflow.replyStatus.rejected',
  queued: 'workflow.replyStatus.queued',
  retrying: 'workflow.replyStatus.retrying',
  sent: 'workflow.replyStatus.sent',
  captured: 'workflow.replyStatus.captured',
  failed: 'workflow.replyStatus.failed',
  cancelled: 'workflow.replyStatus.cancelled',
};

export const HISTORY_KIND_LABELS: Record<HistoryKind, MessageKey> = {
  phone: 'workflow.historyKind.phone',
  fax: 'workflow.historyKind.fax',
  visit: 'workflow.historyKind.visit',
  other: 'workflow.historyKind.other',
};

const EVENT_LABELS: Record<string, MessageKey> = {
  REPLY_SENT: 'workflow.event.REPLY_SENT',
  REPLY_SUBMITTED: 'workflow.event.REPLY_SUBMITTED',
  REPLY_APPROVED: 'workflow.event.REPLY_APPROVED',
  REPLY_REJECTED: 'workflow.event.REPLY_REJECTED',
  REPLY_RESUBMITTED: 'workflow.event.REPLY_RESUBMITTED',
  REPLY_WITHDRAWN: 'workflow.event.REPLY_WITHDRAWN',
  CUSTOMER_WROTE: 'workflow.event.CUSTOMER_WROTE',
  MARK_HANDLED: 'workflow.event.MARK_HANDLED',
  REOPEN: 'workflow.event.REOPEN',
  HOLD: 'workflow.event.HOLD',
  RELEASE: 'workflow.event.RELEASE',
  SUBMIT: 'workflow.event.SUBMIT',
  APPROVE: 'workflow.event.APPROVE',
  REJECT: 'workflow.event.REJECT',
  EDIT: 'workflow.event.EDIT',
  RESUBMIT: 'workflow.event.RESUBMIT',
  WITHDRAW: 'workflow.event.WITHDRAW',
  SENT: 'workflow.event.SENT',
  CANCEL: 'workflow.event.CANCEL',
};

/** Null for a word this console does not know yet (shown as the server's word). */
export function replyStatusLabel(status: string): MessageKey | null {
  return status in REPLY_STATUS_LABELS ? REPLY_STATUS_LABELS[status as ReplyStatus] : null;
}

export function historyKindLabel(kind: string | null | undefined): MessageKey | null {
  return kind && kind in HISTORY_KIND_LABELS ? HISTORY_KIND_LABELS[kind as HistoryKind] : null;
}

export function eventLabel(event: string): MessageKey | null {
  return EVENT_LABELS[event] ?? null;
}

/** A state of either machine: ticket states and reply statuses are named differently. */
export function transitionStateLabel(
  machine: Transition['machine'],
  state: string | null,
): MessageKey | null {
  if (state === null) {
    return null;
  }
  if (machine === 'ticket') {
    return (TICKET_STATE_LABELS as Record<string, MessageKey>)[state] ?? null;
  }
  // The reply machine's `approved` (waiting in the outbox) is shown to people as queued elsewhere.
  return state === 'approved' ? 'workflow.replyState.approved' : replyStatusLabel(state);
}
