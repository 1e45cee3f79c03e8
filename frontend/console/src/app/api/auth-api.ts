import { HttpClient } from '@angular/common/http';
import { Injectable, inject } from '@angular/core';
import { Observable, map } from 'rxjs';

export interface MailboxRights {
  mailboxId: number;
  view: boolean;
  reply: boolean;
  approve: boolean;
  manage: boolean;
}

/** The signed-in staff user, as `GET /api/auth/me` describes them. */
export interface Me {
  id: number;
  email: string;
  name: string;
  branch: string | null;
  isAdmin: boolean;
  rights: string[];
  groups: { id: number; name: string }[];
  mailboxRights: MailboxRights[];
}

@Injectable({ providedIn: 'root' })
export class AuthApi {
  private readonly http = inject(HttpClient);

  login(email: string, password: string): Observable<Me> {
    return this.http
      .post<{ user: Me }>('/api/auth/login', { email, password })
      .pipe(map((response) => response.user));
  }

  logout(): Observable<void> {
    return this.http.post<void>('/api/auth/logout', {});
  }

  /** The signed-in user's own password; the server ends their other sessions. */
  changePassword(currentPassword: string, newPassword: string): Observable<void> {
    return this.http.post<void>('/api/auth/password', { currentPassword, newPassword });
  }

  me(): Observable<Me> {
    return this.http.get<Me>('/api/auth/me');
  }
}
