import { Injectable, inject, signal } from '@angular/core';
import { Observable, catchError, finalize, of, shareReplay, tap } from 'rxjs';

import { AuthApi, type PortalMe } from '../api/auth-api';

/** Who is signed in. Loaded once from `me`, set by login, cleared by logout or a 401. */
@Injectable({ providedIn: 'root' })
export class Session {
  private readonly api = inject(AuthApi);
  private readonly current = signal<PortalMe | null>(null);
  private pending: Observable<PortalMe | null> | null = null;

  readonly me = this.current.asReadonly();

  ensureLoaded(): Observable<PortalMe | null> {
    const me = this.current();
    if (me) return of(me);
    this.pending ??= this.api.me().pipe(
      tap((m) => this.current.set(m)),
      // Signed out, or the server unreachable: either way the sign-in page is where to go.
      catchError(() => of(null)),
      finalize(() => (this.pending = null)),
      shareReplay(1),
    );
    return this.pending;
  }

  login(email: string, password: string): Observable<PortalMe> {
    return this.api.login(email, password).pipe(tap((m) => this.current.set(m)));
  }

  logout(): Observable<void> {
    return this.api.logout().pipe(finalize(() => this.clear()));
  }

  clear(): void {
    this.current.set(null);
  }
}
