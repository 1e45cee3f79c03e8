import { HttpClient, HttpParams } from '@angular/common/http';
import { Injectable, inject } from '@angular/core';
import { Observable } from 'rxjs';

import type { UserRef } from './replies-api';
import type { Article, TicketDetail, TicketState } from './tickets-api';

export const HISTORY_KINDS = ['phone', 'fax', 'visit', 'other'] as const;
export type HistoryKind = (typeof HISTORY_KINDS)[number];

export interface HistoryNote {
  kind: HistoryKind;
  text: string;
}

/** The ticket view with what the reply workflow adds. */
export interface WorkflowTicket extends TicketDetail {
  /** A reply by the caller on this ticket would need approval. */
  approvalRequired?: boolean;
  approvalSteps?: number;
}

/** A response-history note (kind `history`) says how the work was done. */
export interface WorkflowArticle extends Article {
  historyKind?: HistoryKind | string | null;
}

export type TicketCounts = Record<TicketState, number>;

/** One recorded state change of the ticket or of one of its replies. */
export interface Transition {
  id: number;
  machine: 'ticket' | 'reply';
  entityId: number;
  from: string | null;
  to: string;
  event: string;
  reason: string | null;
  actor: UserRef | null;
  at: string;
}

/** The ticket's own lifecycle: counts per state, its history, and what an agent does besides replying. */
@Injectable({ providedIn: 'root' })
export class WorkflowApi {
  private readonly http = inject(HttpClient);

  /** Without a mailbox: over every mailbox the user may see. */
  counts(mailboxId?: number): Observable<TicketCounts> {
    const params = mailboxId === undefined ? new HttpParams() : new HttpParams().set('mailboxId', mailboxId);
    return this.http.get<TicketCounts>('/api/ticket-counts', { params });
  }

  /** Chronological, the ticket's and its replies' together. */
  transitions(ticketId: number): Observable<Transition[]> {
    return this.http.get<Transition[]>(`/api/tickets/${ticketId}/transitions`);
  }

  addHistoryNote(ticketId: number, note: HistoryNote): Observable<WorkflowArticle> {
    return this.http.post<WorkflowArticle>(`/api/tickets/${ticketId}/history-notes`, note);
  }

  /** Handled without a mail (solved by phone, say), optionally with a note saying how. */
  markHandled(ticketId: number, note?: HistoryNote): Observable<WorkflowTicket> {
    return this.http.post<WorkflowTicket>(`/api/tickets/${ticketId}/mark-handled`, note ? { note } : {});
  }

  /** 保留: until `until` (ISO), or without it until the customer writes. */
  hold(ticketId: number, until?: string): Observable<WorkflowTicket> {
    return this.http.post<WorkflowTicket>(`/api/tickets/${ticketId}/hold`, until ? { until } : {});
  }

  reopen(ticketId: number): Observable<WorkflowTicket> {
    return this.http.post<WorkflowTicket>(`/api/tickets/${ticketId}/reopen`, {});
  }
}
