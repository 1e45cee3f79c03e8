import { HttpClient, HttpParams } from '@angular/common/http';
import { Injectable, inject } from '@angular/core';
import { Observable } from 'rxjs';

import type { TicketPage } from './tickets-api';
import type { WorkflowTicket } from './workflow-api';

export type BlockKind = 'address' | 'domain';

/** 迷惑メール送信者: an address or `@domain` whose new mail the mailbox files straight to spam. */
export interface BlockedSender {
  id: number;
  pattern: string;
  kind: BlockKind;
  createdBy: number | null;
  createdAt: string;
}

/** 統合 / 分割 of tickets, 迷惑メール on a ticket and the mailbox's blocked senders. */
@Injectable({ providedIn: 'root' })
export class MergeSpamApi {
  private readonly http = inject(HttpClient);

  /** Moves everything of `sourceIds` into `targetId`; answers the survivor. */
  merge(targetId: number, sourceIds: number[]): Observable<WorkflowTicket> {
    return this.http.post<WorkflowTicket>('/api/tickets/merge', { targetId, sourceIds });
  }

  /** Takes a customer's message out into a new ticket; answers the new ticket. */
  split(articleId: number): Observable<WorkflowTicket> {
    return this.http.post<WorkflowTicket>(`/api/articles/${articleId}/split`, {});
  }

  /** Tickets of a mailbox whose code, subject or sender match `q` (the merge dialog looks codes up with it). */
  search(mailboxId: number, q: string): Observable<TicketPage> {
    return this.http.get<TicketPage>('/api/tickets', { params: new HttpParams().set('mailboxId', mailboxId).set('q', q).set('spam', 'all').set('pageSize', 20) });
  }

  markSpam(ticketId: number, block?: BlockKind): Observable<WorkflowTicket> {
    return this.http.post<WorkflowTicket>(`/api/tickets/${ticketId}/spam`, block ? { block } : {});
  }

  markNotSpam(ticketId: number): Observable<WorkflowTicket> {
    return this.http.post<WorkflowTicket>(`/api/tickets/${ticketId}/not-spam`, {});
  }

  blockedSenders(mailboxId: number): Observable<BlockedSender[]> {
    return this.http.get<BlockedSender[]>(`/api/mailboxes/${mailboxId}/blocked-senders`);
  }

  addBlockedSender(mailboxId: number, pattern: string): Observable<BlockedSender> {
    return this.http.post<BlockedSender>(`/api/mailboxes/${mailboxId}/blocked-senders`, { pattern });
  }

  removeBlockedSender(mailboxId: number, senderId: number): Observable<void> {
    return this.http.delete<void>(`/api/mailboxes/${mailboxId}/blocked-senders/${senderId}`);
  }
}
