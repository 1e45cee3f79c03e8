import { HttpErrorResponse, HttpInterceptorFn } from '@angular/common/http';
import { inject } from '@angular/core';
import { Router } from '@angular/router';
import { catchError, throwError } from 'rxjs';

import { Session } from './session';

/**
 * A 401 from the API means the session is gone (expired, revoked, logged out elsewhere): back to
 * the login page, which returns to where the user was. The login call itself answers 401 for wrong
 * credentials, and `me` is handled by the auth guard, so those two are left to their callers.
 */
export const unauthorizedInterceptor: HttpInterceptorFn = (req, next) => {
  const router = inject(Router);
  const session = inject(Session);
  return next(req).pipe(
    catchError((error: unknown) => {
      if (
        error instanceof HttpErrorResponse &&
        error.status === 401 &&
        req.url.startsWith('/api/') &&
        !req.url.startsWith('/api/auth/login') &&
        !req.url.startsWith('/api/auth/me')
      ) {
        session.clear();
        const returnUrl = router.url;
        if (!returnUrl.startsWith('/login')) {
          void router.navigate(['/login'], { queryParams: { returnUrl } });
        }
      }
      return throwError(() => error);
    }),
  );
};
