import { Injectable, computed, inject, signal } from '@angular/core';
import { Observable, catchError, finalize, of, shareReplay, tap } from 'rxjs';

import { AuthApi, type MailboxRights, type Me } from '../api/auth-api';

/** Who is signed in. Loaded once from `/api/auth/me`, set by login, cleared by logout or a 401. */
@Injectable({ providedIn: 'root' })
export class Session {
  private readonly authApi = inject(AuthApi);
  private readonly current = signal<Me | null>(null);
  private pending: Observable<Me | null> | null = null;

  readonly user = this.current.asReadonly();
  readonly isAdmin = computed(() => {
    const user = this.current();
    return user !== null && (user.isAdmin || user.rights.includes('admin'));
  });

  /** Administrators hold every global right. */
  can(right: string): boolean {
    const user = this.current();
    return user !== null && (this.isAdmin() || user.rights.includes(right));
  }

  /** A right on one mailbox; administrators hold every right on every mailbox. */
  canOnMailbox(mailboxId: number, right: Exclude<keyof MailboxRights, 'mailboxId'>): boolean {
    const user = this.current();
    if (user === null) {
      return false;
    }
    return this.isAdmin() || user.mailboxRights.some((r) => r.mailboxId === mailboxId && r[right]);
  }

  /** The signed-in user, asking the server only if nobody is known yet; null when signed out. */
  ensureLoaded(): Observable<Me | null> {
    const user = this.current();
    if (user) {
      return of(user);
    }
    this.pending ??= this.authApi.me().pipe(
      tap((me) => this.current.set(me)),
      // Signed out, or the server is unreachable: either way the login page is where to go.
      catchError(() => of(null)),
      finalize(() => (this.pending = null)),
      shareReplay(1),
    );
    return this.pending;
  }

  login(email: string, password: string): Observable<Me> {
    return this.authApi.login(email, password).pipe(tap((me) => this.current.set(me)));
  }

  logout(): Observable<void> {
    return this.authApi.logout().pipe(finalize(() => this.clear()));
  }

  clear(): void {
    this.current.set(null);
  }
}
