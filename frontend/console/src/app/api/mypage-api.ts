import type { ListFlag } from './customers-api';
import { HttpClient, HttpParams } from '@angular/common/http';
import { Injectable, inject } from '@angular/core';
import { Observable } from 'rxjs';

import type { ReplyStatus } from './replies-api';

/** The limits the server's DTOs hold too; the console checks first so nobody waits for a refusal. */
export const THREAD_TITLE_MAX = 100;
export const THREAD_LABEL_MAX = 50;
export const POST_TEXT_MAX = 1000;

export interface ThreadCustomer {
  id: number;
  code: string;
  name: string;
  /** リスト区分, shown as a badge (グレー / ブラック). */
  listFlag?: ListFlag;
}

/** MYPAGE settings: where threads go, whether customers may start them, who hears of posts by customers without a 担当. */
export interface MypageSettings {
  /** null: the oldest active mailbox. */
  mailboxId: number | null;
  customersMayStartThreads: boolean;
  /** Staff user ids, at most 20. */
  fallbackRecipients: number[];
}

export const FALLBACK_RECIPIENTS_MAX = 20;

/** One row of メッセージ管理. */
export interface ThreadSummary {
  id: number;
  code: string;
  title: string;
  customer: ThreadCustomer;
  lastPostAt: string;
  /** The customer's latest post is unread by staff (shared by all staff). */
  isNew: boolean;
  label: string | null;
  /** The thread's ticket: the console's ticket events name it when the thread changes. */
  ticketId: number | null;
}

export interface ThreadPage {
  items: ThreadSummary[];
  total: number;
}

/** The search of メッセージ管理, as in the URL and `GET /api/mypage/threads`. */
export interface ThreadSearch {
  code: string;
  title: string;
  customerId: number | null;
  branch: string;
  /** 担当顧客のみ表示 */
  mine: boolean;
  /** `YYYY-MM-DD`, whole local days */
  postedFrom: string;
  postedTo: string;
  label: string;
  /** 1-based */
  page: number;
  pageSize: number;
}

/** `visible`: on the portal; `pending`: a staff post not out yet (its reply waits for approval or the outbox). */
export type PostState = 'pending' | 'visible';

export interface PostFile {
  filename: string;
  contentType: string;
  size: number;
  /** Where the browser fetches it (permission-checked by the session cookie). */
  url: string;
}

export interface ThreadPost {
  id: number;
  author: 'customer' | 'staff';
  /** The staff member who posted (null for the customer's posts). */
  staff: { id: number; name: string } | null;
  kind: 'text' | 'image' | 'file';
  text: string | null;
  file: PostFile | null;
  state: PostState;
  replyId: number | null;
  /** A staff post's reply: awaiting_approval, rejected, queued, sent, … (null for the customer's). */
  replyStatus: ReplyStatus | null;
  articleId: number | null;
  createdAt: string;
  visibleAt: string | null;
}

export interface ThreadDetail extends ThreadSummary {
  memo: string | null;
  mailboxId: number;
  createdBy: { id: number; name: string } | null;
  createdByCustomer: boolean;
  createdAt: string;
  updatedAt: string;
  posts: ThreadPost[];
}

/** Exactly one of text or an upload (`POST /api/uploads` gives the id). */
export type PostInput = { text: string } | { uploadId: string };

export interface NewThread {
  customerId: number;
  title: string;
  label?: string;
  memo?: string;
  post: PostInput;
}

/** MYPAGE message threads, staff side (`/api/mypage/threads`). */
@Injectable({ providedIn: 'root' })
export class MypageApi {
  private readonly http = inject(HttpClient);

  list(search: ThreadSearch): Observable<ThreadPage> {
    const params = searchParams(search).set('page', search.page).set('pageSize', search.pageSize);
    return this.http.get<ThreadPage>('/api/mypage/threads', { params });
  }

  /** Plain URL with the same filters, so the browser downloads the CSV with the session cookie. */
  exportUrl(search: ThreadSearch): string {
    const query = searchParams(search).toString();
    return query ? `/api/mypage/threads/export.csv?${query}` : '/api/mypage/threads/export.csv';
  }

  /** The labels in use on the threads the caller may see (at most 500), for the list's ラベル suggestions. */
  labels(): Observable<{ labels: string[] }> {
    return this.http.get<{ labels: string[] }>('/api/mypage/threads/labels');
  }

  get(id: number): Observable<ThreadDetail> {
    return this.http.get<ThreadDetail>(`/api/mypage/threads/${id}`);
  }

  create(input: NewThread): Observable<{ id: number; code: string }> {
    return this.http.post<{ id: number; code: string }>('/api/mypage/threads', input);
  }

  /** Title, label and memo (label and memo staff only); null clears. */
  update(
    id: number,
    change: { title?: string; label?: string | null; memo?: string | null },
  ): Observable<ThreadDetail> {
    return this.http.patch<ThreadDetail>(`/api/mypage/threads/${id}`, change);
  }

  post(id: number, input: PostInput): Observable<ThreadPost> {
    return this.http.post<ThreadPost>(`/api/mypage/threads/${id}/posts`, input);
  }

  delete(ids: readonly number[]): Observable<{ deleted: number }> {
    return this.http.post<{ deleted: number }>('/api/mypage/threads/delete', { ids });
  }

  /** MYPAGE settings (`GET|PUT /api/mypage/settings`, the `mypage` right). */
  settings(): Observable<MypageSettings> {
    return this.http.get<MypageSettings>('/api/mypage/settings');
  }

  saveSettings(settings: MypageSettings): Observable<MypageSettings> {
    return this.http.put<MypageSettings>('/api/mypage/settings', settings);
  }

  /** The karte's list: the customer's threads (up to 100) among those the caller may see. */
  forCustomer(customerId: number): Observable<ThreadPage> {
    return this.http.get<ThreadPage>(`/api/customers/${customerId}/mypage-threads`);
  }
}

function searchParams(search: ThreadSearch): HttpParams {
  let params = new HttpParams();
  for (const key of ['code', 'title', 'branch', 'label'] as const) {
    const value = search[key].trim();
    if (value) params = params.set(key, value);
  }
  if (search.customerId !== null) params = params.set('customerId', search.customerId);
  if (search.mine) params = params.set('mine', 'true');
  // Whole days (YYYY-MM-DD); the server reads them in the company's time zone.
  if (search.postedFrom) params = params.set('postedFrom', search.postedFrom);
  if (search.postedTo) params = params.set('postedTo', search.postedTo);
  return params;
}
