import { Forbidden, Unauthenticated } from '@madoguchi/core';
import { CanActivate, createParamDecorator, ExecutionContext, Injectable, SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { timingSafeEqual } from 'node:crypto';
import { PortalAuthService, PortalCustomer } from './portal-auth.service';
import { PORTAL_SESSION_COOKIE, XSRF_HEADER } from './portal-cookies';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
export const PORTAL_ANONYMOUS = 'madoguchi:portalAnonymous';

/** A portal route a visitor reaches without signing in (login, sign-up, reset, set-password). */
export const PortalAnonymous = () => SetMetadata(PORTAL_ANONYMOUS, true);

export type PortalRequest = Request & { portalCustomer?: PortalCustomer };

function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * The customer realm's guard, on every portal controller (which are @Public() to the staff
 * guard): the `madoguchi_portal_session` cookie and nothing else. A staff cookie or a bearer
 * token signs no one in here (401), and unsafe requests must echo PORTAL-XSRF-TOKEN as X-XSRF-TOKEN.
 */
@Injectable()
export class PortalGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly auth: PortalAuthService,
  ) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    if (this.reflector.getAllAndOverride<boolean>(PORTAL_ANONYMOUS, [ctx.getHandler(), ctx.getClass()]))
      return true;
    const req = ctx.switchToHttp().getRequest<PortalRequest>();
    const cookie = (req.cookies as Record<string, string> | undefined)?.[PORTAL_SESSION_COOKIE];
    if (!cookie) throw new Unauthenticated('Sign in to MYPAGE first');
    const found = await this.auth.fromSession(cookie);
    if (!found) throw new Unauthenticated('Your MYPAGE session has ended; sign in again');
    if (!SAFE_METHODS.has(req.method)) {
      const sent = req.header(XSRF_HEADER);
      if (!sent || !sameText(sent, found.csrfToken))
        throw new Forbidden('Missing or wrong X-XSRF-TOKEN header (reload the page)', 'XSRF_TOKEN_INVALID');
    }
    req.portalCustomer = found.customer;
    return true;
  }
}

/** The signed-in customer of a portal route (behind PortalGuard). */
export const CurrentCustomer = createParamDecorator((_: unknown, ctx: ExecutionContext): PortalCustomer => {
  const req = ctx.switchToHttp().getRequest<PortalRequest>();
  if (!req.portalCustomer) throw new Unauthenticated('Sign in to MYPAGE first');
  return req.portalCustomer;
});
