import type { ArticleKind, ArticleStatus, MailAddress, TicketState } from '../api/tickets-api';
import type { MessageKey } from '../i18n/ja';

export const TICKET_STATE_LABELS: Record<TicketState, MessageKey> = {
  unhandled: 'ticketState.unhandled',
  awaiting_approval: 'ticketState.awaiting_approval',
  rejected: 'ticketState.rejected',
  on_hold: 'ticketState.on_hold',
  handled: 'ticketState.handled',
};

export const ARTICLE_KIND_LABELS: Record<ArticleKind, MessageKey> = {
  email: 'article.kind.email',
  note: 'article.kind.note',
  bounce: 'article.kind.bounce',
  form: 'article.kind.form',
  mypage: 'article.kind.mypage',
  sms: 'article.kind.sms',
  call: 'article.kind.call',
  history: 'article.kind.history',
  comment: 'article.kind.comment',
};

const ARTICLE_STATUS_LABELS: Record<ArticleStatus, MessageKey> = {
  queued: 'article.status.queued',
  scheduled: 'article.status.scheduled',
  retrying: 'article.status.retrying',
  sent: 'article.status.sent',
  captured: 'article.status.captured',
  failed: 'article.status.failed',
  cancelled: 'article.status.cancelled',
  delivered: 'article.status.delivered',
  undelivered: 'article.status.undelivered',
};

const CLASSIFICATION_LABELS: Partial<Record<string, MessageKey>> = {
  auto_reply: 'article.classification.auto_reply',
  loop: 'article.classification.loop',
  abuse_report: 'article.classification.abuse_report',
};

/** Null for a status this console does not know yet (shown as the server's word). */
export function articleStatusLabel(status: string): MessageKey | null {
  return status in ARTICLE_STATUS_LABELS ? ARTICLE_STATUS_LABELS[status as ArticleStatus] : null;
}

export function articleKindLabel(kind: string): MessageKey | null {
  return kind in ARTICLE_KIND_LABELS ? ARTICLE_KIND_LABELS[kind as ArticleKind] : null;
}

/** Only the classifications worth pointing out (normal mail gets no badge). */
export function classificationLabel(classification: string | null): MessageKey | null {
  return classification ? (CLASSIFICATION_LABELS[classification] ?? null) : null;
}

/** `山田 花子 <hanako@example.jp>`, or the bare address when there is no name. */
export function formatAddress(address: MailAddress | null | undefined): string {
  if (!address) {
    return '';
  }
  const name = address.name?.trim();
  if (!name) {
    return address.address;
  }
  return address.address ? `${name} <${address.address}>` : name;
}

export function formatAddresses(addresses: readonly MailAddress[] | null | undefined): string {
  return (addresses ?? []).map(formatAddress).join(', ');
}
