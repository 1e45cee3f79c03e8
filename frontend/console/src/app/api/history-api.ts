import { HttpClient, HttpParams } from '@angular/common/http';
import { Injectable, inject } from '@angular/core';
import { Observable } from 'rxjs';

export const HISTORY_STATES = ['waiting', 'in_progress', 'done'] as const;
export type HistoryState = (typeof HISTORY_STATES)[number];

export const HISTORY_KINDS = [
  'note',
  'call',
  'visit',
  'fax',
  'mail',
  'form',
  'mypage',
  'sms',
  'system',
] as const;
export type HistoryKind = (typeof HISTORY_KINDS)[number];

/** 自動履歴保存's events, as libs/customers/src/history/auto-history.ts names them. */
export const AUTO_HISTORY_EVENTS = [
  'inquiry_mail',
  'inquiry_form',
  'reply_sent',
  'reply_rejected',
  'ticket_note',
  'incoming_call',
  'customer_registered',
  'customers_merged',
  'mypage_customer_post',
  'mypage_staff_post',
  'sms_sent',
  'sms_received',
  'visit_recorded',
  'customer_withdrawn',
  'customer_reinstated',
] as const;
export type AutoHistoryEvent = (typeof AUTO_HISTORY_EVENTS)[number];

/** Most fixed phrases (定型文), and most characters in a title or a detail line (the server's limits). */
export const MAX_PHRASES = 10;
export const TITLE_MAX = 100;
export const DETAIL_CONTENT_MAX = 2000;

/** 明細: one line of an entry. */
export interface HistoryDetail {
  id: number;
  workedAt: string | null;
  scheduledAt: string | null;
  staffId: number | null;
  state: HistoryState | null;
  content: string;
}

/** 対応履歴: one entry as the server answers it. */
export interface HistoryEntry {
  id: number;
  customerId: number | null;
  createdAt: string;
  title: string;
  state: HistoryState;
  kind: HistoryKind;
  authorId: number | null;
  staffId: number | null;
  requestedToId: number | null;
  nextScheduledAt: string | null;
  ticketId: number | null;
  batchId: number | null;
  phone: string | null;
  updatedAt: string;
  details: HistoryDetail[];
}

export interface HistoryEntryInput {
  title: string;
  state: HistoryState;
  kind: HistoryKind;
  createdAt?: string;
  staffId: number | null;
  requestedToId: number | null;
  nextScheduledAt: string | null;
}

export interface HistoryDetailInput {
  workedAt: string | null;
  scheduledAt: string | null;
  staffId: number | null;
  state: HistoryState | null;
  content: string;
}

/** The karte's search: dates are `YYYY-MM-DD` (whole days in the company's zone); empty means no filter. */
export interface HistorySearch {
  createdFrom: string;
  createdTo: string;
  nextFrom: string;
  nextTo: string;
  staffId: number | null;
  state: HistoryState | '';
  kind: HistoryKind | '';
  q: string;
  openOnly: boolean;
  /** 1-based */
  page: number;
  pageSize: number;
}

export interface Page<T> {
  items: T[];
  total: number;
}

/** 作業管理: one row, with the customer it belongs to (null for an unknown caller). */
export interface WorkItem extends HistoryEntry {
  customer: { id: number; code: string; name: string } | null;
  overdue: boolean;
}

export type WorkState = HistoryState | 'open' | 'all';

/** The 作業管理 staff filter's "担当なし" (no user has id 0). */
export const UNASSIGNED = 0;

export interface WorkSearch {
  /** null: me; UNASSIGNED: work nobody has (neither 担当 nor 依頼先). */
  staffId: number | null;
  state: WorkState;
  nextFrom: string;
  nextTo: string;
  page: number;
  pageSize: number;
}

export interface AutoHistorySetting {
  event: AutoHistoryEvent;
  enabled: boolean;
  state: HistoryState;
  title: string;
}

/** What the server lists as mail sent to a customer: replies, and forms' thank-you mails (notifications go to staff). */
export const SENT_MAIL_KINDS = ['reply', 'form_thanks'] as const;
export type SentMailKind = (typeof SENT_MAIL_KINDS)[number];

export const SENT_MAIL_STATUSES = ['sent', 'failed', 'queued', 'cancelled'] as const;
export type SentMailStatus = (typeof SENT_MAIL_STATUSES)[number];

/** 送信メール: every outbound mail to the customer. */
export interface SentMail {
  id: number;
  ticketId: number | null;
  ticketCode: string | null;
  kind: SentMailKind;
  subject: string | null;
  to: string[];
  sentAt: string | null;
  status: SentMailStatus;
}

/** 送信予約: a send-later reply not sent yet. */
export interface ScheduledMail {
  id: number;
  ticketId: number | null;
  ticketCode: string | null;
  subject: string | null;
  to: string[];
  sendAt: string;
}

/** 対応履歴 on the karte, 作業管理, and their settings (定型文, 自動履歴保存). */
@Injectable({ providedIn: 'root' })
export class HistoryApi {
  private readonly http = inject(HttpClient);

  search(customerId: number, search: HistorySearch): Observable<Page<HistoryEntry>> {
    const params = historyParams(search).set('page', search.page).set('pageSize', search.pageSize);
    return this.http.get<Page<HistoryEntry>>(`/api/customers/${customerId}/history`, { params });
  }

  /** Plain URL, so the browser downloads it with the session cookie. */
  exportUrl(customerId: number, search: HistorySearch): string {
    const query = historyParams(search).toString();
    return `/api/customers/${customerId}/history.csv${query ? `?${query}` : ''}`;
  }

  get(id: number): Observable<HistoryEntry> {
    return this.http.get<HistoryEntry>(`/api/history/${id}`);
  }

  create(customerId: number, input: HistoryEntryInput): Observable<HistoryEntry> {
    return this.http.post<HistoryEntry>(`/api/customers/${customerId}/history`, input);
  }

  update(id: number, input: Partial<HistoryEntryInput>): Observable<HistoryEntry> {
    return this.http.patch<HistoryEntry>(`/api/history/${id}`, input);
  }

  delete(id: number): Observable<void> {
    return this.http.delete<void>(`/api/history/${id}`);
  }

  addDetail(id: number, input: HistoryDetailInput): Observable<HistoryEntry> {
    return this.http.post<HistoryEntry>(`/api/history/${id}/details`, input);
  }

  updateDetail(id: number, detailId: number, input: HistoryDetailInput): Observable<HistoryEntry> {
    return this.http.patch<HistoryEntry>(`/api/history/${id}/details/${detailId}`, input);
  }

  removeDetail(id: number, detailId: number): Observable<HistoryEntry> {
    return this.http.delete<HistoryEntry>(`/api/history/${id}/details/${detailId}`);
  }

  work(search: WorkSearch): Observable<Page<WorkItem>> {
    let params = new HttpParams()
      .set('state', search.state)
      .set('page', search.page)
      .set('pageSize', search.pageSize);
    if (search.staffId === UNASSIGNED) {
      params = params.set('unassigned', true);
    } else if (search.staffId !== null) {
      params = params.set('staffId', search.staffId);
    }
    if (search.nextFrom) {
      params = params.set('nextFrom', search.nextFrom);
    }
    if (search.nextTo) {
      params = params.set('nextTo', search.nextTo);
    }
    return this.http.get<Page<WorkItem>>('/api/work', { params });
  }

  phrases(): Observable<{ phrases: string[] }> {
    return this.http.get<{ phrases: string[] }>('/api/settings/history-phrases');
  }

  setPhrases(phrases: string[]): Observable<{ phrases: string[] }> {
    return this.http.put<{ phrases: string[] }>('/api/settings/history-phrases', { phrases });
  }

  autoHistory(): Observable<{ events: AutoHistorySetting[] }> {
    return this.http.get<{ events: AutoHistorySetting[] }>('/api/settings/auto-history');
  }

  setAutoHistory(events: AutoHistorySetting[]): Observable<{ events: AutoHistorySetting[] }> {
    return this.http.put<{ events: AutoHistorySetting[] }>('/api/settings/auto-history', { events });
  }

  sentMail(
    customerId: number,
    kind: SentMailKind | '',
    page: number,
    pageSize: number,
  ): Observable<Page<SentMail>> {
    let params = new HttpParams().set('page', page).set('pageSize', pageSize);
    if (kind) {
      params = params.set('kind', kind);
    }
    return this.http.get<Page<SentMail>>(`/api/customers/${customerId}/sent-mail`, { params });
  }

  scheduledMail(customerId: number): Observable<Page<ScheduledMail>> {
    return this.http.get<Page<ScheduledMail>>(`/api/customers/${customerId}/scheduled-mail`);
  }
}

/** The search's filters as query parameters (no paging: the CSV takes every match). */
export function historyParams(search: HistorySearch): HttpParams {
  let params = new HttpParams();
  for (const key of ['createdFrom', 'createdTo', 'nextFrom', 'nextTo', 'q'] as const) {
    const value = search[key].trim();
    if (value) {
      params = params.set(key, value);
    }
  }
  if (search.staffId !== null) {
    params = params.set('staffId', search.staffId);
  }
  if (search.state) {
    params = params.set('state', search.state);
  }
  if (search.kind) {
    params = params.set('kind', search.kind);
  }
  if (search.openOnly) {
    params = params.set('openOnly', 'true');
  }
  return params;
}
