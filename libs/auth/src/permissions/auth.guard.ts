import { Forbidden, Unauthenticated, MissingRight } from '@madoguchi/core';
import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { timingSafeEqual } from 'node:crypto';
import { AuthService } from '../sessions/auth.service';
import { SESSION_COOKIE, XSRF_HEADER } from '../sessions/cookies';
import { AuthedRequest, IS_PUBLIC, REQUIRED_RIGHTS, SIGN_IN_OPTIONAL } from './decorators';
import { GlobalRight } from './rights';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * Global guard: every route needs a signed-in staff member unless marked @Public().
 * Browser sessions must echo their CSRF token on state-changing requests; bearer tokens need not
 * (a browser never adds an Authorization header by itself).
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly auth: AuthService,
  ) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    const targets = [ctx.getHandler(), ctx.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets)) return true;
    const req = ctx.switchToHttp().getRequest<AuthedRequest>();
    if (this.reflector.getAllAndOverride<boolean>(SIGN_IN_OPTIONAL, targets)) {
      // The route works without a user too: credentials that do not check out are ignored.
      await this.authenticate(req).catch(() => undefined);
      return true;
    }
    await this.authenticate(req);
    const needed = this.reflector.getAllAndOverride<GlobalRight[] | undefined>(REQUIRED_RIGHTS, targets) ?? [];
    const missing = needed.filter((r) => !req.principal!.has(r));
    if (missing.length) throw new MissingRight(missing, 'global');
    return true;
  }

  private async authenticate(req: AuthedRequest): Promise<void> {
    const header = req.headers.authorization;
    if (header && /^Bearer\s+/i.test(header)) {
      const found = await this.auth.fromBearer(header.replace(/^Bearer\s+/i, '').trim());
      if (!found) throw new Unauthenticated('The bearer token is unknown or revoked');
      req.principal = found.principal;
      req.tokenId = found.tokenId;
      return;
    }
    const cookie = (req.cookies as Record<string, string> | undefined)?.[SESSION_COOKIE];
    if (!cookie) throw new Unauthenticated();
    const found = await this.auth.fromSession(cookie);
    if (!found) throw new Unauthenticated('Your session has expired; sign in again');
    if (!SAFE_METHODS.has(req.method)) {
      const sent = req.header(XSRF_HEADER);
      if (!sent || !sameText(sent, found.session.csrfToken)) {
        throw new Forbidden('Missing or wrong X-XSRF-TOKEN header (reload the page)', 'XSRF_TOKEN_INVALID');
      }
    }
    req.principal = found.principal;
    req.sessionId = found.session.id;
  }
}
