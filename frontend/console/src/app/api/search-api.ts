import { HttpClient, HttpParams } from '@angular/common/http';
import { Injectable, inject } from '@angular/core';
import { Observable } from 'rxjs';

import type { TicketState, TicketSummary } from './tickets-api';

/** `relevance` (the default) or newest activity first. */
export const SEARCH_SORTS = ['relevance', 'activity'] as const;
export type SearchSort = (typeof SEARCH_SORTS)[number];

/** One search over every mailbox the user may see and every state, unless narrowed. */
export interface TicketSearchQuery {
  q: string;
  /** Absent: every mailbox the user may see. */
  mailboxId?: number;
  /** Absent: every state. */
  state?: TicketState;
  sort: SearchSort;
  /** 1-based */
  page: number;
  pageSize: number;
}

/** `[start, end)` offsets into the snippet (JavaScript string indices) of one hit. */
export type SnippetMark = readonly [number, number];

export interface SearchHit {
  /** The same row as the ticket list's. */
  ticket: TicketSummary;
  /** Plain text around the hit (never HTML). */
  snippet: string;
  marks: readonly SnippetMark[];
  /** The article the snippet comes from; null when the hit is the ticket itself (code, subject). */
  articleId: number | null;
}

export interface SearchResult {
  items: SearchHit[];
  /** Hits in the state asked for (all states when none). */
  total: number;
  /** Hits per state for the same query and mailbox, whatever the state asked for. */
  counts: Record<TicketState, number>;
  /** The query was a ticket code or Message-ID naming one ticket: open it instead of listing. */
  direct: { ticketId: number } | null;
}

@Injectable({ providedIn: 'root' })
export class SearchApi {
  private readonly http = inject(HttpClient);

  search(query: TicketSearchQuery): Observable<SearchResult> {
    let params = new HttpParams()
      .set('q', query.q)
      .set('sort', query.sort)
      .set('page', query.page)
      .set('pageSize', query.pageSize);
    if (query.mailboxId !== undefined) {
      params = params.set('mailboxId', query.mailboxId);
    }
    if (query.state) {
      params = params.set('state', query.state);
    }
    return this.http.get<SearchResult>('/api/search', { params });
  }
}
