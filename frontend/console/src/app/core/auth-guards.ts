import { inject } from '@angular/core';
import { CanActivateFn, Router } from '@angular/router';
import { map } from 'rxjs';

import { Session } from './session';

/** Signed-in users only; others go to the login page, which brings them back afterwards. */
export const authGuard: CanActivateFn = (_route, state) => {
  const router = inject(Router);
  return inject(Session)
    .ensureLoaded()
    .pipe(
      map((user) =>
        user ? true : router.createUrlTree(['/login'], { queryParams: { returnUrl: state.url } }),
      ),
    );
};

/** Administrators only (the settings screens); the server checks again on every call. */
export const adminGuard: CanActivateFn = () => {
  const router = inject(Router);
  const session = inject(Session);
  return session
    .ensureLoaded()
    .pipe(map((user) => (user && session.isAdmin() ? true : router.createUrlTree(['/customers']))));
};
