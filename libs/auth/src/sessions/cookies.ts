import { AppConfig } from '@madoguchi/core';
import type { CookieOptions, Response } from 'express';

export const SESSION_COOKIE = 'madoguchi_session';
/** Angular's HttpClient reads this cookie and echoes it as X-XSRF-TOKEN. */
export const XSRF_COOKIE = 'XSRF-TOKEN';
export const XSRF_HEADER = 'x-xsrf-token';

export function setSessionCookies(res: Response, config: AppConfig, session: { sessionToken: string; csrfToken: string; expiresAt: Date }): void {
  const base: CookieOptions = { sameSite: 'lax', secure: config.auth.cookieSecure, path: '/', expires: session.expiresAt };
  res.cookie(SESSION_COOKIE, session.sessionToken, { ...base, httpOnly: true });
  res.cookie(XSRF_COOKIE, session.csrfToken, { ...base, httpOnly: false });
}

export function clearSessionCookies(res: Response): void {
  res.clearCookie(SESSION_COOKIE, { path: '/' });
  res.clearCookie(XSRF_COOKIE, { path: '/' });
}
