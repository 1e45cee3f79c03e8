import { Forbidden, Unauthenticated, MissingRight } from '@madoguchi/core';
import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { timingSafeEqual } from 'node:crypto';
import { AuthService } from '../sessions/auth.service';
import { SESSION_COOKIE, XSRF_HEADER } from '../sessions/cookies';
import { AuthedRequest, CTI_ONLY, IS_PUBLIC, REQUIRED_RIGHTS, SIGN_IN_OPTIONAL } from './decorators';
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
    if (this.reflector.getAllAndOverride<boolean>(CTI_ONLY, targets)) {
      await this.authenticateCti(req);
      return true;
    }
    if (this.reflector.getAllAndOverride<boolean>(SIGN_IN_OPTIONAL, targets)) {
      // The route works without a user too: credentials that do not check out are ignored, but a
      // CTI token is refused outright (it may do nothing but post calls).
      await this.authenticate(req).catch((e: unknown) => {
        if (e instanceof Forbidden && e.code === 'CTI_TOKEN_SCOPE') throw e;
      });
      return true;
    }
    await this.authenticate(req);
    const needed = this.reflector.getAllAndOverride<GlobalRight[] | undefined>(REQUIRED_RIGHTS, targets) ?? [];
    const missing = needed.filter((r) => !req.principal!.has(r));
    if (missing.length) throw new MissingRight(missing, 'global');
    return true;
  }

  /** Only a live CTI token: a session or an ordinary token would let a phone system act as a person. */
  private async authenticateCti(req: AuthedRequest): Promise<void> {
    const header = req.headers.authorization;
    if (!header || !/^Bearer\s+/i.test(header)) throw new Unauthenticated('Send the CTI token as Authorization: Bearer <token>');
    const found = await this.auth.fromCtiToken(header.replace(/^Bearer\s+/i, '').trim());
    if (!found) throw new Unauthenticated('The CTI token is unknown or was deleted');
    if (found === 'other') throw new Forbidden('This route takes a CTI token (Settings > CTI tokens), not an API token', 'CTI_TOKEN_REQUIRED');
    req.ctiTokenId = found.tokenId;
  }

  private async authenticate(req: AuthedRequest): Promise<void> {
    const header = req.headers.authorization;
    if (header && /^Bearer\s+/i.test(header)) {
      const token = header.replace(/^Bearer\s+/i, '').trim();
      const found = await this.auth.fromBearer(token);
      if (!found) {
        if ((await this.auth.bearerScope(token)) === 'cti') {
          throw new Forbidden('A CTI token can only post calls to /api/cti/calls', 'CTI_TOKEN_SCOPE');
        }
        throw new Unauthenticated('The bearer token is unknown or revoked');
      }
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
