import { HttpClient } from '@angular/common/http';
import { Injectable, inject } from '@angular/core';
import { Observable, map } from 'rxjs';

/** The caller's half-written reply on a ticket, kept on the server. */
export interface ReplyDraft {
  ticketId: number;
  body: string;
  /** A rich text draft's HTML (sanitised by the server); null for plain text. */
  bodyHtml: string | null;
  subject: string | null;
  to: string[];
  cc: string[];
  bcc: string[];
  version: number;
  updatedAt: string;
}

export interface DraftInput {
  body: string;
  /** Rich mode: the editor's HTML, so a reload keeps the formatting. */
  bodyHtml?: string | null;
  subject?: string;
  to?: string[];
  cc?: string[];
  bcc?: string[];
  /** The version this save builds on; 0 for a new draft. 409 DRAFT_VERSION_CONFLICT (with `current`) when it moved on. */
  version: number;
}

@Injectable({ providedIn: 'root' })
export class DraftsApi {
  private readonly http = inject(HttpClient);

  /** Null when there is none (204). */
  get(ticketId: number): Observable<ReplyDraft | null> {
    return this.http
      .get<ReplyDraft | null>(`/api/tickets/${ticketId}/draft`, { observe: 'response' })
      .pipe(map((res) => (res.status === 204 ? null : res.body)));
  }

  save(ticketId: number, draft: DraftInput): Observable<ReplyDraft> {
    return this.http.put<ReplyDraft>(`/api/tickets/${ticketId}/draft`, draft);
  }

  delete(ticketId: number): Observable<void> {
    return this.http.delete<void>(`/api/tickets/${ticketId}/draft`);
  }
}
