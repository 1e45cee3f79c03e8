import { HistoryKind, HistoryState } from './history-entry.entity';

/**
 * 自動履歴保存: the events that write a history entry by themselves, each with its kind and the
 * default state and title (the administrator may switch each off or change state and title).
 */
export const AUTO_HISTORY_EVENTS = {
  inquiry_mail: { kind: 'mail', state: 'waiting', title: 'メールでお問い合わせがありました。' },
  inquiry_form: { kind: 'form', state: 'waiting', title: 'フォームからお問い合わせがありました。' },
  reply_sent: { kind: 'mail', state: 'done', title: 'メールを送信しました。' },
  reply_rejected: { kind: 'system', state: 'in_progress', title: '返信が非承認になりました。' },
  ticket_note: { kind: 'note', state: 'done', title: '{kind}: {note}' },
  incoming_call: { kind: 'call', state: 'waiting', title: '電話着信あり {phone}' },
  customer_registered: { kind: 'system', state: 'done', title: '顧客が登録されました。' },
  customers_merged: { kind: 'system', state: 'done', title: '顧客を統合しました（{codes}）' },
  mypage_customer_post: { kind: 'mypage', state: 'waiting', title: 'MYPAGEに投稿がありました。' },
  mypage_staff_post: { kind: 'mypage', state: 'done', title: 'MYPAGEに投稿しました。' },
  sms_sent: { kind: 'sms', state: 'done', title: 'SMSが送信されました。' },
  sms_received: { kind: 'sms', state: 'waiting', title: 'SMSを受信しました。' },
  visit_recorded: { kind: 'visit', state: 'done', title: '来店を記録しました。' },
  customer_withdrawn: { kind: 'system', state: 'done', title: '退会しました。' },
  customer_reinstated: { kind: 'system', state: 'done', title: '再入会しました。' },
} as const satisfies Record<string, { kind: HistoryKind; state: HistoryState; title: string }>;

export type AutoHistoryEvent = keyof typeof AUTO_HISTORY_EVENTS;
export const AUTO_HISTORY_EVENT_NAMES = Object.keys(AUTO_HISTORY_EVENTS) as AutoHistoryEvent[];

export interface AutoHistorySetting {
  event: AutoHistoryEvent;
  enabled: boolean;
  state: HistoryState;
  title: string;
}

export function defaultAutoHistory(): AutoHistorySetting[] {
  return AUTO_HISTORY_EVENT_NAMES.map((event) => ({ event, enabled: true, state: AUTO_HISTORY_EVENTS[event].state, title: AUTO_HISTORY_EVENTS[event].title }));
}

/** `{phone}`, `{subject}`, `{name}` … in a title; an unknown placeholder is left as written. */
export function fillTitle(title: string, values: Record<string, string | null | undefined>): string {
  const filled = title.replace(/\{([a-z]+)\}/g, (all, key: string) => (key in values ? (values[key] ?? '') : all));
  // 「電話対応: 」 with an empty note reads as 「電話対応」.
  return filled.replace(/[:：]\s*$/, '').trim().slice(0, 100);
}

export const NOTE_KIND_LABELS: Record<string, string> = { phone: '電話対応', fax: 'FAX対応', visit: '来店対応', other: 'その他対応' };
export const NOTE_HISTORY_KINDS: Record<string, 'call' | 'fax' | 'visit' | 'note'> = { phone: 'call', fax: 'fax', visit: 'visit', other: 'note' };

/** The first non-blank line of a note, for its title. */
export function firstLine(text: string): string {
  return text.split(/\r?\n/).find((l) => l.trim())?.trim() ?? '';
}
