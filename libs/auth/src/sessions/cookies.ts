import { AppConfig } from '@madoguchi/core';
import type { CookieOptions, Request, Response } from 'express';

export const SESSION_COOKIE = 'madoguchi_session';
/** Angular's HttpClient reads this cookie and echoes it as X-XSRF-TOKEN. */
export const XSRF_COOKIE = 'XSRF-TOKEN';
export const XSRF_HEADER = 'x-xsrf-token';

/**
 * Secure whenever the browser reached us over HTTPS: COOKIE_SECURE=auto (the default) looks at
 * PUBLIC_URL and at the request (X-Forwarded-Proto counts only from TRUSTED_PROXIES); true/false force it.
 */
export function cookieSecure(config: AppConfig, req: Request): boolean {
  const setting = config.auth.cookieSecure;
  if (setting !== 'auto') return setting;
  return config.http.publicUrl.startsWith('https:') || req.secure;
}

export function setSessionCookies(res: Response, req: Request, config: AppConfig, session: { sessionToken: string; csrfToken: string; expiresAt: Date }): void {
  const base: CookieOptions = { sameSite: 'lax', secure: cookieSecure(config, req), path: '/', expires: session.expiresAt };
  res.cookie(SESSION_COOKIE, session.sessionToken, { ...base, httpOnly: true });
  res.cookie(XSRF_COOKIE, session.csrfToken, { ...base, httpOnly: false });
}

export function clearSessionCookies(res: Response): void {
  res.clearCookie(SESSION_COOKIE, { path: '/' });
  res.clearCookie(XSRF_COOKIE, { path: '/' });
}
