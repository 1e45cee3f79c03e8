import { AppConfig } from '@madoguchi/core';
import type { CookieOptions, Request, Response } from 'express';

/** The customer realm's own cookies: the staff guard reads `madoguchi_session` only, the portal guard this one only. */
export const PORTAL_SESSION_COOKIE = 'madoguchi_portal_session';
/** Readable by the portal's script, echoed as X-XSRF-TOKEN on every unsafe portal request. */
export const PORTAL_XSRF_COOKIE = 'PORTAL-XSRF-TOKEN';
export const XSRF_HEADER = 'x-xsrf-token';

/** Secure as the staff cookies are (COOKIE_SECURE, PUBLIC_URL, the request). */
function secure(config: AppConfig, req: Request): boolean {
  const setting = config.auth.cookieSecure;
  if (setting !== 'auto') return setting;
  return config.http.publicUrl.startsWith('https:') || req.secure;
}

export function setPortalCookies(
  res: Response,
  req: Request,
  config: AppConfig,
  session: { sessionToken: string; csrfToken: string; expiresAt: Date },
): void {
  const base: CookieOptions = {
    sameSite: 'lax',
    secure: secure(config, req),
    path: '/',
    expires: session.expiresAt,
  };
  res.cookie(PORTAL_SESSION_COOKIE, session.sessionToken, { ...base, httpOnly: true });
  res.cookie(PORTAL_XSRF_COOKIE, session.csrfToken, { ...base, httpOnly: false });
}

export function clearPortalCookies(res: Response): void {
  res.clearCookie(PORTAL_SESSION_COOKIE, { path: '/' });
  res.clearCookie(PORTAL_XSRF_COOKIE, { path: '/' });
}
