import type {
  AutoHistoryEvent,
  HistoryKind,
  HistoryState,
  SentMailKind,
  SentMailStatus,
} from '../api/history-api';
import type { MessageKey } from '../i18n/ja';

export const HISTORY_STATE_LABELS: Record<HistoryState, MessageKey> = {
  waiting: 'history.state.waiting',
  in_progress: 'history.state.in_progress',
  done: 'history.state.done',
};

export const HISTORY_KIND_LABELS: Record<HistoryKind, MessageKey> = {
  note: 'history.kind.note',
  call: 'history.kind.call',
  visit: 'history.kind.visit',
  fax: 'history.kind.fax',
  mail: 'history.kind.mail',
  form: 'history.kind.form',
  mypage: 'history.kind.mypage',
  sms: 'history.kind.sms',
  system: 'history.kind.system',
};

export const AUTO_HISTORY_EVENT_LABELS: Record<AutoHistoryEvent, MessageKey> = {
  inquiry_mail: 'settings.history.event.inquiry_mail',
  inquiry_form: 'settings.history.event.inquiry_form',
  reply_sent: 'settings.history.event.reply_sent',
  reply_rejected: 'settings.history.event.reply_rejected',
  ticket_note: 'settings.history.event.ticket_note',
  incoming_call: 'settings.history.event.incoming_call',
  customer_registered: 'settings.history.event.customer_registered',
  customers_merged: 'settings.history.event.customers_merged',
  mypage_customer_post: 'settings.history.event.mypage_customer_post',
  mypage_staff_post: 'settings.history.event.mypage_staff_post',
  sms_sent: 'settings.history.event.sms_sent',
  sms_received: 'settings.history.event.sms_received',
  visit_recorded: 'settings.history.event.visit_recorded',
  customer_withdrawn: 'settings.history.event.customer_withdrawn',
  customer_reinstated: 'settings.history.event.customer_reinstated',
};

export const SENT_MAIL_KIND_LABELS: Record<SentMailKind, MessageKey> = {
  reply: 'history.sentMail.kind.reply',
  form_thanks: 'history.sentMail.kind.form_thanks',
};

export const SENT_MAIL_STATUS_LABELS: Record<SentMailStatus, MessageKey> = {
  sent: 'history.sentMail.status.sent',
  failed: 'history.sentMail.status.failed',
  queued: 'history.sentMail.status.queued',
  cancelled: 'history.sentMail.status.cancelled',
};

/** Japan keeps no daylight saving time: the business zone (Asia/Tokyo) is always UTC+9. */
const TOKYO_OFFSET_MS = 9 * 60 * 60 * 1000;

/**
 * An instant as a `datetime-local` value (`2025-04-01T15:30`) on Tokyo's wall clock, whatever the
 * browser's own zone; empty for no instant. The inverse of `fromTokyoLocal`.
 */
export function toTokyoLocal(value: string | Date | null | undefined): string {
  if (value === null || value === undefined || value === '') {
    return '';
  }
  const time = (value instanceof Date ? value : new Date(value)).getTime();
  if (!Number.isFinite(time)) {
    return '';
  }
  return new Date(time + TOKYO_OFFSET_MS).toISOString().slice(0, 16);
}

/** Staff names by id; an id nobody has any more shows as `#id`. */
export function staffName(names: ReadonlyMap<number, string>, id: number | null): string {
  if (id === null) {
    return '';
  }
  return names.get(id) ?? `#${id}`;
}

/** 担当 and 依頼先 of one entry as one cell: 「山田 → 佐藤」, or just the one given. */
export function staffPair(
  names: ReadonlyMap<number, string>,
  staffId: number | null,
  requestedToId: number | null,
): string {
  const staff = staffName(names, staffId);
  const requested = staffName(names, requestedToId);
  if (staff && requested && staffId !== requestedToId) {
    return `${staff} → ${requested}`;
  }
  return staff || requested;
}
