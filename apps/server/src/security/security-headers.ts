import { AuthService } from '@madoguchi/auth';
import { AppConfig } from '@madoguchi/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { IncomingMessage } from 'node:http';
import helmet from 'helmet';

/** The session cookie of libs/auth (sessions/cookies.ts). */
const SESSION_COOKIE = 'madoguchi_session';

/** Swagger UI, its assets and the OpenAPI document (SwaggerModule.setup in app.factory). */
export function isApiDocsPath(path: string): boolean {
  return (
    path === '/api/docs' ||
    path.startsWith('/api/docs/') ||
    path === '/api/docs-json' ||
    path === '/api/docs-yaml'
  );
}

/**
 * Angular's component styles and Angular Material (and Swagger UI) add <style> elements at run
 * time, so the console needs 'unsafe-inline' for styles — never for scripts. The public form
 * pages are plain server HTML and do without it.
 */
function inlineStyles(req: IncomingMessage): string {
  const path = (req.url ?? '').split('?')[0];
  return path.startsWith('/forms/') || path.startsWith('/api/public/') ? '' : "'unsafe-inline'";
}

/**
 * One set of security headers for every response: console, API, public form pages, API docs.
 * Scripts only from the server itself (no inline or remote script), images only from the server
 * or embedded (a mail's remote image never loads directly: the image proxy serves it), no frames,
 * not framable, no sniffing, no referrer. Handlers may narrow it further (attachments send their
 * own sandboxed policy).
 */
export function securityHeaders(config: AppConfig): RequestHandler {
  const https = config.http.publicUrl.startsWith('https:');
  return helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'", inlineStyles],
        imgSrc: ["'self'", 'data:'],
        fontSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"],
        // The mail view renders sanitised HTML in the page; nothing in the console is a frame.
        frameSrc: ["'none'"],
        objectSrc: ["'none'"],
        baseUri: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        ...(https ? { upgradeInsecureRequests: [] } : {}),
      },
    },
    frameguard: { action: 'deny' },
    referrerPolicy: { policy: 'no-referrer' },
    // HSTS means something only over HTTPS; on a plain-HTTP LAN install it would be a lie.
    strictTransportSecurity: https ? { maxAge: 180 * 24 * 3600 } : false,
  });
}

/**
 * /api/docs for signed-in staff (session cookie or bearer token) unless API_DOCS_PUBLIC. Swagger's
 * routes sit on the HTTP adapter outside Nest's guards, so this middleware stands before them.
 */
export function apiDocsAccess(app: NestExpressApplication, config: AppConfig): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    if (config.web.apiDocsPublic || !isApiDocsPath(req.path)) return next();
    const refuse = () =>
      res
        .status(401)
        .json({
          statusCode: 401,
          error: 'UNAUTHENTICATED',
          message: 'Sign in to the console to see the API docs',
        });
    const auth = app.get(AuthService);
    const header = req.headers.authorization;
    const cookie = (req.cookies as Record<string, string> | undefined)?.[SESSION_COOKIE];
    const check =
      header && /^Bearer\s+/i.test(header)
        ? auth.fromBearer(header.replace(/^Bearer\s+/i, '').trim())
        : cookie
          ? auth.fromSession(cookie).then((found) => found?.principal ?? null)
          : Promise.resolve(null);
    check.then((principal) => (principal ? next() : refuse()), next);
  };
}

/** Security headers on everything, and the API docs closed to strangers; before any route. */
export function applySecurityHeaders(app: NestExpressApplication, config: AppConfig): void {
  app.use(securityHeaders(config));
  app.use(apiDocsAccess(app, config));
}
