import { HttpClient, HttpParams } from '@angular/common/http';
import { Injectable, inject } from '@angular/core';
import { Observable } from 'rxjs';

/** A colleague who has the ticket open; `composing` while they write a reply. */
export interface Presence {
  userId: number;
  name: string;
  composing: boolean;
  since: string;
}

/** Who else has a ticket open (collision warnings). The server counts a tab gone after 15 s without a beat. */
@Injectable({ providedIn: 'root' })
export class PresenceApi {
  private readonly http = inject(HttpClient);

  /** The heartbeat (every ~5 s, and at once when typing starts or stops). */
  beat(ticketId: number, composing: boolean, session: string): Observable<void> {
    return this.http.post<void>(`/api/tickets/${ticketId}/presence`, { composing, session });
  }

  leave(ticketId: number, session: string): Observable<void> {
    return this.http.delete<void>(`/api/tickets/${ticketId}/presence`, {
      params: new HttpParams().set('session', session),
    });
  }

  /** Everyone but the caller. */
  forTicket(ticketId: number): Observable<Presence[]> {
    return this.http.get<Presence[]>(`/api/tickets/${ticketId}/presence`);
  }

  /** For a list's 対応中 badge: only the tickets (of up to 200 asked) someone else has open. */
  forTickets(ticketIds: readonly number[]): Observable<{ ticketId: number; users: Presence[] }[]> {
    return this.http.get<{ ticketId: number; users: Presence[] }[]>('/api/presence', {
      params: new HttpParams().set('ticketIds', ticketIds.join(',')),
    });
  }
}
