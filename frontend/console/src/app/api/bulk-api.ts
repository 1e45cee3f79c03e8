import { HttpClient, HttpDownloadProgressEvent, HttpErrorResponse, HttpEventType } from '@angular/common/http';
import { Injectable, inject } from '@angular/core';
import { Observable, filter, map } from 'rxjs';

import type { TicketFilter } from './views-api';

export type BulkAction =
  | { type: 'assign'; assigneeId?: number | null; assigneeGroupId?: number | null }
  | { type: 'label' | 'unlabel'; labelIds: number[] }
  | { type: 'move'; folderId: number | null }
  | { type: 'handle'; note?: { kind: 'phone' | 'fax' | 'visit' | 'other'; text: string } }
  | { type: 'spam'; block?: 'address' | 'domain' }
  | { type: 'notSpam' | 'read' | 'unread' };

/** The tickets a bulk action acts on: the checked ones, or everything the list's filter selects. */
export type BulkSelection = { ids: readonly number[] } | { filter: TicketFilter };

export interface BulkFailure {
  id: number;
  /** The ticket's code; null for one the user cannot see. */
  code: string | null;
  /** Why, as an error code (RIGHT_REQUIRED, TICKET_NOT_FOUND, …). */
  error: string;
}

export interface BulkResult {
  done: number;
  failed: BulkFailure[];
}

/** What the stream says while a bulk action runs, then once at its end. */
export type BulkUpdate = { progress: { done: number; failed: number; total: number } } | { result: BulkResult };

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

@Injectable({ providedIn: 'root' })
export class BulkApi {
  private readonly http = inject(HttpClient);

  /**
   * Runs the action in one request; the server works in batches and streams a progress line per
   * batch (NDJSON), which this reads as it arrives.
   */
  run(selection: BulkSelection, action: BulkAction): Observable<BulkUpdate> {
    let seen = 0;
    let buffer = '';
    // The text so far arrives whole each time: read only what is new, line by line.
    const linesOf = (text: string): (BulkUpdate | { error: { code: string } })[] => {
      buffer += text.slice(seen);
      seen = text.length;
      const lines = buffer.split('\n');
      buffer = lines.pop() ?? '';
      return lines.filter((l) => l.trim()).map((l) => JSON.parse(l) as BulkUpdate | { error: { code: string } });
    };
    return new Observable<BulkUpdate>((subscriber) => {
      const sub = this.http
        .post('/api/tickets/bulk', { ...selection, action }, { headers: { Accept: 'application/x-ndjson' }, observe: 'events', reportProgress: true, responseType: 'text' })
        .pipe(
          filter((e) => e.type === HttpEventType.DownloadProgress || e.type === HttpEventType.Response),
          map((e) => (e.type === HttpEventType.Response ? (e.body ?? '') + '\n' : ((e as HttpDownloadProgressEvent).partialText ?? ''))),
        )
        .subscribe({
          next: (text) => {
            for (const update of linesOf(text)) {
              if ('error' in update) {
                // Stopped after some batches: what was done stays done; the error is by code.
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
}
