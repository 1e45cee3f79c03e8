import { HttpClient } from '@angular/common/http';
import { Injectable, inject } from '@angular/core';
import { Observable } from 'rxjs';

/** A CTI token as the settings list shows it (never its text). */
export interface CtiToken {
  id: number;
  name: string;
  prefix: string;
  createdAt: string;
  createdBy: string;
  lastUsedAt: string | null;
}

/** The only time the server returns the token text. */
export interface CreatedCtiToken {
  id: number;
  name: string;
  token: string;
}

/** What the history entry of an incoming call keeps about it. */
export interface CallDetails {
  callId: string;
  from: string;
  to: string | null;
  answeredBy: string | null;
  answeredAt: string | null;
  endedAt: string | null;
  durationSeconds: number | null;
  candidateIds: number[];
}

/** The entry as far as the pop-up needs it. */
export interface CallEntry {
  id: number;
  customerId: number | null;
  title: string;
  call: CallDetails | null;
}

/** CTI tokens (settings) and linking a call to a customer (the pop-up). */
@Injectable({ providedIn: 'root' })
export class CtiApi {
  private readonly http = inject(HttpClient);

  tokens(): Observable<CtiToken[]> {
    return this.http.get<CtiToken[]>('/api/settings/cti-tokens');
  }

  createToken(name: string): Observable<CreatedCtiToken> {
    return this.http.post<CreatedCtiToken>('/api/settings/cti-tokens', { name });
  }

  deleteToken(id: number): Observable<void> {
    return this.http.delete<void>(`/api/settings/cti-tokens/${id}`);
  }

  entry(id: number): Observable<CallEntry> {
    return this.http.get<CallEntry>(`/api/history/${id}`);
  }

  /** Moves the call's entry onto the customer (an unknown caller found, one of several chosen). */
  link(entryId: number, customerId: number): Observable<CallEntry> {
    return this.http.post<CallEntry>(`/api/history/${entryId}/link`, { customerId });
  }
}
