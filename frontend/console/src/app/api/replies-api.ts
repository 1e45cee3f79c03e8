import { HttpClient, HttpParams } from '@angular/common/http';
import { Injectable, inject } from '@angular/core';
import { Observable } from 'rxjs';

export const REPLY_STATUSES = [
  'draft',
  'awaiting_approval',
  'rejected',
  'queued',
  'retrying',
  'sent',
  'captured',
  'failed',
  'cancelled',
] as const;
export type ReplyStatus = (typeof REPLY_STATUSES)[number];

export interface UserRef {
  id: number;
  name: string;
}

/** A file sent with a reply: an upload (`POST /api/uploads`) the reply refers to. */
export interface ReplyAttachment {
  uploadId: string;
  filename: string;
  contentType: string;
  size: number;
}

/** One reply on its way: written, maybe through approval, then queued and sent. */
export interface Reply {
  id: number;
  ticketId: number;
  mailboxId: number;
  author: UserRef;
  status: ReplyStatus;
  /** While awaiting approval: the step waiting (1-based); `steps` is 0 when no approval applies. */
  step: number | null;
  steps: number;
  rejectReason: string | null;
  rejectedBy: UserRef | null;
  to: string[];
  cc: string[];
  bcc: string[];
  subject: string;
  text: string;
  /** A rich text reply's sanitised HTML; null: plain text. */
  html?: string | null;
  senderTemplateId: number | null;
  signatureTemplateId: number | null;
  attachments: ReplyAttachment[];
  /** The version last rejected, for the diff an approver sees. */
  previous: { subject: string; text: string } | null;
  approvals: { step: number; user: UserRef; at: string }[];
  sendAt: string | null;
  undoUntil: string | null;
  articleId: number | null;
  /** The server's words for the last failure (for administrators; the console shows `delivery.code`'s text). */
  error: string | null;
  /** The last failed delivery attempt: 送信エラー while `retryAt` is set, 送信失敗 once it is null. */
  delivery: { code: string; attempts: number; retryAt: string | null } | null;
  /** The caller may approve the current step now. */
  canApprove: boolean;
  /** The caller is the author and the reply is a draft or rejected. */
  canEdit: boolean;
  /** The caller may take it out of the outbox (its author, or a manager of the mailbox). */
  canCancel: boolean;
  createdAt: string;
  updatedAt: string;
  /** Set for the one who gave the final approval, while they may still undo it (server clock). */
  approvalUndo?: { until: string; remainingMs: number } | null;
  ticket: { id: number; code: string; subject: string };
}

export interface NewReply {
  to: string[];
  cc: string[];
  bcc: string[];
  subject: string;
  /** Left out with `bodyHtml`: the server derives the plain part from the HTML. */
  text?: string;
  /** A rich text reply (sanitised on the server; sent as multipart/alternative). */
  bodyHtml?: string;
  /** Upload ids. */
  attachments: string[];
  /** ISO instant; absent: as soon as the undo window (or the approval) allows. */
  sendAt?: string;
  senderTemplateId?: number;
  /** Only recorded: the composer has already put the signature's text into `text`. */
  signatureTemplateId?: number;
  /** Traffic cop: the newest article and reply the composer knew of; newer news answers 409 TICKET_CHANGED_SINCE_OPENED. */
  seenArticleId?: number;
  seenReplyId?: number;
  /** The writer has read the news and sends anyway. */
  confirmChanged?: boolean;
  /** What the ticket becomes once it goes out: 対応済 (default), 保留, or 未対応 as it is. */
  afterSend?: AfterSend;
  /** With `hold`: until when (ISO); absent: until the customer writes. */
  holdUntil?: string;
}

export type AfterSend = 'handled' | 'hold' | 'open';

export type ReplyChanges = Partial<Pick<NewReply, 'to' | 'cc' | 'bcc' | 'subject' | 'text' | 'attachments'>>;

/** Replies as the workflow sees them (the sent mail itself is an article on the timeline). */
@Injectable({ providedIn: 'root' })
export class RepliesApi {
  private readonly http = inject(HttpClient);

  /** Queued (no approval needed) or awaiting approval, as the mailbox's policy says. */
  create(ticketId: number, input: NewReply): Observable<Reply> {
    return this.http.post<Reply>(`/api/tickets/${ticketId}/replies`, input);
  }

  /** Oldest first. */
  forTicket(ticketId: number): Observable<Reply[]> {
    return this.http.get<Reply[]>(`/api/tickets/${ticketId}/replies`);
  }

  get(id: number): Observable<Reply> {
    return this.http.get<Reply>(`/api/replies/${id}`);
  }

  /** The caller's own replies in one status. */
  mine(status: ReplyStatus): Observable<Reply[]> {
    return this.http.get<Reply[]>('/api/replies/mine', { params: new HttpParams().set('status', status) });
  }

  /** Author only, while a draft or rejected. */
  update(id: number, changes: ReplyChanges): Observable<Reply> {
    return this.http.patch<Reply>(`/api/replies/${id}`, changes);
  }

  /** A rejected reply goes back to the first approval step. */
  resubmit(id: number): Observable<Reply> {
    return this.http.post<Reply>(`/api/replies/${id}/resubmit`, {});
  }

  /** The author gives up on a reply awaiting approval or rejected. */
  withdraw(id: number): Observable<Reply> {
    return this.http.post<Reply>(`/api/replies/${id}/withdraw`, {});
  }

  /** Undo a queued reply (inside the undo window, or before its `sendAt`); 409 once it is going out. */
  cancel(id: number): Observable<Reply> {
    return this.http.post<Reply>(`/api/replies/${id}/cancel`, {});
  }
}
