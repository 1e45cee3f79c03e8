import { AppConfig, createValidationPipe, DomainExceptionFilter, IdParamPipe, runMigrations, TextHygienePipe, unitOfWorkMiddleware } from '@madoguchi/core';
import { Logger, LogLevel, RequestMethod } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import cookieParser from 'cookie-parser';
import type { NextFunction, Request, Response } from 'express';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { AppModule } from './app.module';
import { BootstrapService } from './bootstrap/bootstrap.service';
import { useBodyLimits } from './http/body-limits';
import { applySecurityHeaders } from './security/security-headers';

export interface CreateAppOptions {
  /** Run pending migrations first (the embedded default and tests do; production runs `npm run migrate`). */
  migrate?: boolean;
  logger?: LogLevel[] | false;
}

/** Builds the whole server (API, OpenAPI, console, customer portal) so main.ts and the e2e tests start the same thing. */
export async function createApp(config: AppConfig, options: CreateAppOptions = {}): Promise<NestExpressApplication> {
  if (options.migrate ?? config.database.migrate) {
    const applied = await runMigrations(config.database);
    if (applied.length) new Logger('Database').log(`Applied migrations: ${applied.join(', ')}`);
  }
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config), {
    logger: options.logger ?? ['log', 'warn', 'error'],
    bodyParser: false,
  });
  useBodyLimits(app, config.http.bodyLimitBytes);
  // X-Forwarded-For/-Proto are believed only from the proxies named in TRUSTED_PROXIES (none by default).
  app.set('trust proxy', config.auth.trustedProxies.length ? config.auth.trustedProxies : false);
  app.disable('x-powered-by');
  app.use(unitOfWorkMiddleware);
  app.use(cookieParser());
  applySecurityHeaders(app, config);
  // Public inquiry-form pages live at /forms/<slug>, a short address to give out (libs/forms); SMS short links at /s/<code> (libs/sms).
  app.setGlobalPrefix('api', { exclude: [{ path: 'forms/:slug', method: RequestMethod.GET }, { path: 's/:code', method: RequestMethod.GET }] });
  app.useGlobalPipes(new IdParamPipe(), new TextHygienePipe(), createValidationPipe());
  app.useGlobalFilters(new DomainExceptionFilter());
  app.enableShutdownHooks();

  const doc = new DocumentBuilder()
    .setTitle('Madoguchi API')
    .setDescription(
      'The API behind the Madoguchi console. Browsers sign in with POST /api/auth/login (httpOnly session cookie; ' +
        'state-changing requests must echo the XSRF-TOKEN cookie as the X-XSRF-TOKEN header). Scripts get a token ' +
        'from POST /api/auth/tokens and send it as Authorization: Bearer ….',
    )
    .setVersion('0.1')
    .addBearerAuth()
    .addCookieAuth('madoguchi_session')
    .build();
  SwaggerModule.setup('api/docs', app, () => SwaggerModule.createDocument(app, doc), {
    jsonDocumentUrl: 'api/docs-json',
    useGlobalPrefix: false,
  });

  // The portal first: its paths (/mypage, /mypage/*) are never the console's.
  servePortal(app, config.frontend.portalDir);
  serveConsole(app, config.frontend.dir);
  await app.get(BootstrapService).run();
  return app;
}

/** The Angular console: static files, and index.html for every other path but the API and public form pages (client-side routes). */
function serveConsole(app: NestExpressApplication, dir: string): void {
  const index = join(dir, 'index.html');
  if (existsSync(index)) {
    app.useStaticAssets(dir, { index: false, maxAge: '1h' });
  }
  app.use((req: Request, res: Response, next: NextFunction) => {
    if (req.method !== 'GET' || req.path.startsWith('/api/') || req.path === '/api' || req.path.startsWith('/forms/') || req.path.startsWith('/s/') || isPortalPath(req.path)) return next();
    if (!existsSync(index)) {
      res
        .status(503)
        .type('text/plain; charset=utf-8')
        .send('The console has not been built. Run: npm run build:frontend (npm start does it for you).');
      return;
    }
    res.setHeader('Cache-Control', 'no-cache');
    res.sendFile(index);
  });
}

/** `/mypage` and everything under it belong to the customer portal. */
function isPortalPath(path: string): boolean {
  return path === '/mypage' || path.startsWith('/mypage/');
}

/**
 * The customer portal (MYPAGE, its own Angular application built with base href /mypage/): its
 * static files under /mypage, and its index.html for its client routes (/mypage/login,
 * /mypage/threads/12, …). A missing file (a path whose last segment has a dot) is 404, not the
 * page, so a stale chunk name fails loudly instead of being parsed as HTML.
 */
function servePortal(app: NestExpressApplication, dir: string): void {
  const index = join(dir, 'index.html');
  if (existsSync(index)) {
    app.useStaticAssets(dir, { prefix: '/mypage', index: false, maxAge: '1h', redirect: false });
  }
  app.use((req: Request, res: Response, next: NextFunction) => {
    if (!isPortalPath(req.path)) return next();
    if (req.method !== 'GET' && req.method !== 'HEAD') return next();
    if (/\.[^/]*$/.test(req.path)) {
      res.status(404).type('text/plain; charset=utf-8').send('Not found');
      return;
    }
    if (!existsSync(index)) {
      res
        .status(503)
        .type('text/plain; charset=utf-8')
        .send('The customer portal has not been built. Run: npm run build:frontend (npm start does it for you).');
      return;
    }
    res.setHeader('Cache-Control', 'no-cache');
    res.sendFile(index);
  });
}
