import { HttpClient } from '@angular/common/http';
import { Injectable, inject } from '@angular/core';
import type { Observable } from 'rxjs';

/** The signed-in customer's own account (`/api/portal/account/…`). */
@Injectable({ providedIn: 'root' })
export class AccountApi {
  private readonly http = inject(HttpClient);

  /** As for staff (`POST /api/auth/password`): the current password and the new one. */
  changePassword(currentPassword: string, newPassword: string): Observable<unknown> {
    return this.http.post('/api/portal/account/password', { currentPassword, newPassword });
  }

  /** 退会: a request that staff see on the karte; the account stays until they act on it. */
  requestWithdrawal(reason: string | null): Observable<unknown> {
    return this.http.post('/api/portal/account/withdrawal', reason ? { reason } : {});
  }
}
