import { createParamDecorator, ExecutionContext, SetMetadata } from '@nestjs/common';
import type { Request } from 'express';
import { Principal } from './principal';
import { GlobalRight } from './rights';

export const IS_PUBLIC = 'madoguchi:public';
export const REQUIRED_RIGHTS = 'madoguchi:rights';

export const SIGN_IN_OPTIONAL = 'madoguchi:signInOptional';

export const CTI_ONLY = 'madoguchi:ctiOnly';

/** The route needs no sign-in (login, health, public forms). */
export const Public = () => SetMetadata(IS_PUBLIC, true);

/** The route works signed in or not: the guard checks credentials when sent (CSRF included), never demands them. */
export const SignInOptional = () => SetMetadata(SIGN_IN_OPTIONAL, true);

/**
 * The route takes a CTI token (the phone system's webhook) and nothing else: no session, no
 * ordinary API token. The request then has `ctiTokenId` and no principal.
 */
export const CtiOnly = () => SetMetadata(CTI_ONLY, true);

/** The route needs every one of these global rights (admin has them all). */
export const RequireRights = (...rights: GlobalRight[]) => SetMetadata(REQUIRED_RIGHTS, rights);

export type AuthedRequest = Request & { principal?: Principal; sessionId?: number; tokenId?: number; ctiTokenId?: number };

export const CurrentPrincipal = createParamDecorator((_: unknown, ctx: ExecutionContext): Principal => {
  const req = ctx.switchToHttp().getRequest<AuthedRequest>();
  if (!req.principal) throw new Error('CurrentPrincipal used on a public route');
  return req.principal;
});
