import { inject } from '@angular/core';
import { CanActivateFn, Router } from '@angular/router';
import { map } from 'rxjs';

import { Session } from './session';

/** Signed-in customers only; others go to the sign-in page, which brings them back afterwards. */
export const authGuard: CanActivateFn = (_route, state) => {
  const router = inject(Router);
  return inject(Session)
    .ensureLoaded()
    .pipe(
      map((me) => (me ? true : router.createUrlTree(['/login'], { queryParams: { returnUrl: state.url } }))),
    );
};

/** The sign-in pages: a customer already signed in goes to the threads. */
export const signedOutGuard: CanActivateFn = () => {
  const router = inject(Router);
  return inject(Session)
    .ensureLoaded()
    .pipe(map((me) => (me ? router.createUrlTree(['/threads']) : true)));
};

/** Only paths inside the portal, so a crafted link cannot send the customer elsewhere. */
export function safeReturnUrl(url: string | undefined | null): string {
  if (
    url &&
    url.startsWith('/') &&
    !url.startsWith('//') &&
    !url.startsWith('/login') &&
    !url.includes('\\')
  ) {
    return url;
  }
  return '/threads';
}
