import { HttpClient } from '@angular/common/http';
import { Injectable, inject } from '@angular/core';
import { Observable } from 'rxjs';

export interface ApiToken {
  id: number;
  name: string;
  userId: number;
  userEmail: string;
  prefix: string;
  createdAt: string;
  lastUsedAt: string | null;
  /** Null: never expires. */
  expiresAt: string | null;
  expired: boolean;
}

/** The only time the server returns the token text. */
export interface CreatedToken {
  id: number;
  name: string;
  token: string;
  expiresAt: string | null;
}

@Injectable({ providedIn: 'root' })
export class TokensApi {
  private readonly http = inject(HttpClient);

  list(): Observable<ApiToken[]> {
    return this.http.get<ApiToken[]>('/api/auth/tokens');
  }

  /** `expiresInDays` null: a token that never expires. */
  create(name: string, expiresInDays: number | null): Observable<CreatedToken> {
    return this.http.post<CreatedToken>('/api/auth/tokens', { name, expiresInDays });
  }

  revoke(id: number): Observable<void> {
    return this.http.delete<void>(`/api/auth/tokens/${id}`);
  }
}
