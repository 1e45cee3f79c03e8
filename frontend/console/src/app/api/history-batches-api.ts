import { HttpClient, HttpDownloadProgressEvent, HttpErrorResponse, HttpEventType, HttpParams } from '@angular/common/http';
import { Injectable, inject } from '@angular/core';
import { Observable, filter, map } from 'rxjs';

import type { CustomerFilter } from './customers-api';
import type { HistoryState, Page } from './history-api';

/** The customer list's search as the server takes it: free text plus the per-field filters. */
export type HistoryBatchSearch = { q?: string } & Partial<Record<CustomerFilter, string>>;

/** 一括登録: the customers ticked, or every customer matching the search. */
export type HistoryBatchTarget = { customerIds: readonly number[] } | { search: HistoryBatchSearch };

export type HistoryBatchStaff = { mode: 'fixed'; staffId: number } | { mode: 'assignee' };

export interface HistoryBatchInput {
  title: string;
  state: HistoryState;
  /** ISO 8601 */
  createdAt: string;
  staff: HistoryBatchStaff;
}

export interface HistoryBatch {
  id: number;
  createdAt: string;
  createdById: number | null;
  createdByName: string | null;
  title: string;
  state: HistoryState;
  staffMode: 'fixed' | 'assignee';
  staffId: number | null;
  staffName: string | null;
  count: number;
  source: { type: 'ids'; customerCount: number } | { type: 'search'; search: HistoryBatchSearch };
}

/** What the stream says while the batch is written, then once at its end. */
export type HistoryBatchUpdate = { progress: { done: number; total: number } } | { result: { id: number; count: number } };

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

@Injectable({ providedIn: 'root' })
export class HistoryBatchesApi {
  private readonly http = inject(HttpClient);

  /**
   * Registers the batch in one request; the server writes it in one transaction and streams a
   * progress line per 1,000 entries (NDJSON), read here as it arrives.
   */
  create(target: HistoryBatchTarget, input: HistoryBatchInput): Observable<HistoryBatchUpdate> {
    let seen = 0;
    let buffer = '';
    // The text so far arrives whole each time: read only what is new, line by line.
    const linesOf = (text: string): (HistoryBatchUpdate | { error: { code: string } })[] => {
      buffer += text.slice(seen);
      seen = text.length;
      const lines = buffer.split('\n');
      buffer = lines.pop() ?? '';
      return lines.filter((l) => l.trim()).map((l) => JSON.parse(l) as HistoryBatchUpdate | { error: { code: string } });
    };
    return new Observable<HistoryBatchUpdate>((subscriber) => {
      const sub = this.http
        .post('/api/history/batches', { ...target, ...input }, { headers: { Accept: 'application/x-ndjson' }, observe: 'events', reportProgress: true, responseType: 'text' })
        .pipe(
          filter((e) => e.type === HttpEventType.DownloadProgress || e.type === HttpEventType.Response),
          map((e) => (e.type === HttpEventType.Response ? (e.body ?? '') + '\n' : ((e as HttpDownloadProgressEvent).partialText ?? ''))),
        )
        .subscribe({
          next: (text) => {
            for (const update of linesOf(text)) {
              if ('error' in update) {
                // The transaction rolled back: nothing was written; the error is by code.
                subscriber.error(new HttpErrorResponse({ error: { error: update.error.code }, status: 500 }));
                return;
              }
              subscriber.next(update);
            }
          },
          // Asked for text, an error's JSON body arrives unparsed: parse it for readApiError.
          error: (e: unknown) => subscriber.error(e instanceof HttpErrorResponse && typeof e.error === 'string' ? new HttpErrorResponse({ error: parseJson(e.error), status: e.status, statusText: e.statusText, headers: e.headers }) : e),
          complete: () => subscriber.complete(),
        });
      return () => sub.unsubscribe();
    });
  }

  list(page: number, pageSize: number): Observable<Page<HistoryBatch>> {
    return this.http.get<Page<HistoryBatch>>('/api/history/batches', { params: new HttpParams().set('page', page).set('pageSize', pageSize) });
  }

  delete(id: number): Observable<void> {
    return this.http.delete<void>(`/api/history/batches/${id}`);
  }
}
