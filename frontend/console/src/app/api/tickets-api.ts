import { HttpClient, HttpParams } from '@angular/common/http';
import { Injectable, inject } from '@angular/core';
import { Observable } from 'rxjs';

import type { TicketLabel } from './labels-api';

export const TICKET_STATES = ['unhandled', 'awaiting_approval', 'rejected', 'on_hold', 'handled'] as const;
export type TicketState = (typeof TICKET_STATES)[number];

export interface MailAddress {
  address: string;
  name: string;
}

/** A ticket as the inbox lists it. */
export interface TicketSummary {
  id: number;
  /** `IQ` + 6 digits */
  code: string;
  mailboxId: number;
  folderId: number | null;
  subject: string;
  state: TicketState;
  from: MailAddress;
  customerId: number | null;
  lastActivityAt: string;
  createdAt: string;
  unread: boolean;
  /** The ticket's labels, by name. */
  labels: TicketLabel[];
  spam: boolean;
  assigneeId: number | null;
  assigneeGroupId: number | null;
  /** The assigned user's and group's names. */
  assignee: { id: number; name: string } | null;
  assigneeGroup: { id: number; name: string } | null;
  /** The start of the customer's latest message (the list shows it under the subject). */
  preview?: string | null;
  /** A real attachment (not an inline image) is on the ticket. */
  hasAttachment?: boolean;
  /** How the customer wrote: email, form, mypage or sms (a reply goes out the same way). */
  channel?: string;
}

/** A user a ticket may be assigned to (active, can see the mailbox). */
export interface Assignable {
  id: number;
  name: string;
  branch: string | null;
}

/** `me`, `none` or a user id, as the list's `assignee` filter takes it. */
export type AssigneeFilter = 'me' | 'none' | number;

/** What `PATCH /api/tickets/:id` changes: only the fields given (`null` unassigns). */
export interface TicketPatch {
  assigneeId?: number | null;
  assigneeGroupId?: number | null;
  /** The ticket's labels, the whole set (needs the reply right). */
  labelIds?: number[];
  /** A new subject (needs the reply right). */
  subject?: string;
  /** 顧客に紐付け: the customer the ticket is about; null unlinks (needs customers.read too). */
  customerId?: number | null;
  /** A folder of the ticket's mailbox; null is the top level. */
  folderId?: number | null;
}

export type ArticleKind = 'email' | 'note' | 'bounce' | 'form' | 'mypage' | 'sms' | 'call' | 'history' | 'comment';
export type ArticleStatus = 'queued' | 'scheduled' | 'retrying' | 'sent' | 'captured' | 'failed' | 'cancelled' | 'delivered' | 'undelivered';

export interface Attachment {
  id: number;
  filename: string;
  size: number;
  contentType: string;
  /** Shown inside the HTML body (`cid:` image), not listed as a download. */
  inline: boolean;
  contentId: string | null;
  /** An attached mail (message/rfc822): what it says, for showing it as its own block. */
  forwarded?: ForwardedMail | null;
}

export interface ForwardedMail {
  subject: string;
  from: MailAddress | null;
  /** ISO 8601; null when the mail's date could not be read. */
  date: string | null;
  messageId: string | null;
  text: string;
}

/** One email, note, bounce, … on a ticket's timeline. */
export interface Article {
  id: number;
  kind: ArticleKind;
  direction: 'inbound' | 'outbound';
  sender: 'customer' | 'agent' | 'system';
  messageId: string | null;
  from: MailAddress;
  to: MailAddress[];
  cc: MailAddress[];
  bcc: MailAddress[];
  subject: string | null;
  text: string | null;
  /** Sanitized by the server; inline images point at `/api/attachments/N`. */
  html: string | null;
  /** Outbound only. */
  status: ArticleStatus | string | null;
  /** Inbound email: normal, auto_reply, bounce, abuse_report, loop. */
  classification: string | null;
  /** Why sending failed, in the server's words (for administrators; the console shows `errorCode`'s text). */
  error?: string | null;
  /** The delivery failure's code (SMTP_HOST_NOT_FOUND, …). */
  errorCode?: string | null;
  /** 送信エラー: when the next attempt is. */
  retryAt?: string | null;
  /** A queued reply can be cancelled until then. */
  undoUntil?: string | null;
  attachments: Attachment[];
  /** The staff member who wrote it (replies, notes, 社内メモ). */
  authorId?: number | null;
  createdAt: string;
  /** When a 社内メモ was last edited; null or absent: never. */
  editedAt?: string | null;
}

export interface TicketDetail extends TicketSummary {
  /** Where replies go by default. */
  contact: MailAddress;
  /** A stranger's mail that named another ticket's code is linked to it, never merged. */
  mentions: { id: number; code: string } | null;
  /** Set on a merged ticket: the ticket it was merged into (the console goes there). */
  mergedInto?: { id: number; code: string } | null;
  /** What a reply's subject should be (`Re: …` keeping the ticket code). */
  replySubject: string;
  /** The newest articles, oldest first; older ones come from `olderArticles`. */
  articles: Article[];
  articlesTotal: number;
  hasOlderArticles: boolean;
}

export interface TicketSearch {
  mailboxId: number;
  /** Absent: every state. */
  state?: TicketState;
  q: string;
  /** Absent: whoever is assigned. */
  assignee?: AssigneeFilter;
  /** Absent: newest activity first. */
  sort?: TicketSort;
  /** Tickets carrying every one of these labels; absent or empty: any. */
  labels?: readonly number[];
  /** 1-based */
  page: number;
  pageSize: number;
}

/** The list's orders (the server's TICKET_SORTS): newest first unless `_asc`; `customer` is A→Z. */
export const TICKET_SORTS = ['activity', 'activity_asc', 'created', 'created_asc', 'customer', 'customer_desc', 'state', 'state_asc'] as const;
export type TicketSort = (typeof TICKET_SORTS)[number];

/** The list route's query params for a search (a folder or the spam is added by the caller). */
export function ticketSearchParams(search: TicketSearch): HttpParams {
  let params = new HttpParams().set('mailboxId', search.mailboxId).set('page', search.page).set('pageSize', search.pageSize);
  if (search.state) {
    params = params.set('state', search.state);
  }
  if (search.q) {
    params = params.set('q', search.q);
  }
  if (search.assignee !== undefined) {
    params = params.set('assignee', search.assignee);
  }
  if (search.sort && search.sort !== 'activity') {
    params = params.set('sort', search.sort);
  }
  if (search.labels?.length) {
    params = params.set('label', search.labels.join(','));
  }
  return params;
}

export interface TicketPage {
  items: TicketSummary[];
  total: number;
  page: number;
  pageSize: number;
}

export interface ReplyInput {
  to: string[];
  cc: string[];
  bcc: string[];
  subject: string;
  text: string;
}

@Injectable({ providedIn: 'root' })
export class TicketsApi {
  private readonly http = inject(HttpClient);

  /** Newest activity first. */
  search(search: TicketSearch): Observable<TicketPage> {
    return this.http.get<TicketPage>('/api/tickets', { params: ticketSearchParams(search) });
  }

  /** The ticket with its newest `limit` articles (the server's default 50, at most 200). */
  /** Changes the fields given; answers the ticket as the list shows it. */
  /** A customer's tickets across the mailboxes the user may see, newest activity first. */
  byCustomer(customerId: number, pageSize: number): Observable<TicketPage> {
    return this.http.get<TicketPage>('/api/tickets', { params: new HttpParams().set('customerId', customerId).set('pageSize', pageSize).set('spam', 'all') });
  }

  update(id: number, patch: TicketPatch): Observable<TicketSummary> {
    return this.http.patch<TicketSummary>(`/api/tickets/${id}`, patch);
  }

  /** Whom the mailbox's tickets may be assigned to, by name. */
  assignable(mailboxId: number): Observable<Assignable[]> {
    return this.http.get<Assignable[]>(`/api/mailboxes/${mailboxId}/assignable`);
  }

  /** Which groups the mailbox's tickets may be assigned to (groups with a right on it), by name. */
  assignableGroups(mailboxId: number): Observable<{ id: number; name: string }[]> {
    return this.http.get<{ id: number; name: string }[]>(`/api/mailboxes/${mailboxId}/assignable-groups`);
  }

  get(id: number, limit?: number): Observable<TicketDetail> {
    const params = limit ? new HttpParams().set('limit', limit) : undefined;
    return this.http.get<TicketDetail>(`/api/tickets/${id}`, { params });
  }

  /** Articles older than `beforeId`, oldest first. */
  olderArticles(id: number, beforeId: number, limit = 50): Observable<{ items: Article[]; hasMore: boolean }> {
    return this.http.get<{ items: Article[]; hasMore: boolean }>(`/api/tickets/${id}/articles`, { params: new HttpParams().set('beforeId', beforeId).set('limit', limit) });
  }

  markRead(id: number): Observable<void> {
    return this.http.post<void>(`/api/tickets/${id}/read`, {});
  }

  /** Queues a reply; it goes out when its undo window (`undoUntil`) has passed. */
  reply(id: number, input: ReplyInput): Observable<Article> {
    return this.http.post<Article>(`/api/tickets/${id}/replies`, input);
  }

  /** Plain URL, so the browser fetches the file with the session cookie. */
  attachmentUrl(attachmentId: number): string {
    return `/api/attachments/${attachmentId}`;
  }
}
