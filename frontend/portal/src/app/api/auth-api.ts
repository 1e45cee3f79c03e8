import { HttpClient } from '@angular/common/http';
import { Injectable, inject } from '@angular/core';
import type { Observable } from 'rxjs';

/** The signed-in customer (`GET /api/portal/auth/me`): nothing staff-only. */
export interface PortalMe {
  readonly customer: { readonly id: number; readonly code: string; readonly name: string };
  readonly email: string;
}

/** The customer realm's sign-in routes (`/api/portal/auth/…`, libs/mypage accounts). */
@Injectable({ providedIn: 'root' })
export class AuthApi {
  private readonly http = inject(HttpClient);

  login(email: string, password: string): Observable<PortalMe> {
    return this.http.post<PortalMe>('/api/portal/auth/login', { email, password });
  }

  logout(): Observable<void> {
    return this.http.post<void>('/api/portal/auth/logout', {});
  }

  me(): Observable<PortalMe> {
    return this.http.get<PortalMe>('/api/portal/auth/me');
  }

  signup(email: string, name: string | null): Observable<unknown> {
    return this.http.post('/api/portal/auth/signup', name ? { email, name } : { email });
  }

  requestReset(email: string): Observable<unknown> {
    return this.http.post('/api/portal/auth/password-reset', { email });
  }

  /** Follows a mailed link (invitation, sign-up or reset): sets the password; answers the address to sign in with. */
  setPassword(token: string, password: string): Observable<{ email: string }> {
    return this.http.post<{ email: string }>('/api/portal/auth/set-password', { token, password });
  }
}
