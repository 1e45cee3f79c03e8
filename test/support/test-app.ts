import { AppConfig, loadConfig } from '@madoguchi/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import request from 'supertest';
import { createApp } from '../../apps/server/src/app.factory';
import { createTestDatabase, DbKind, TestDatabase } from './databases';

export const ADMIN_EMAIL = 'admin@test.local';
export const ADMIN_PASSWORD = 'admin-password-123';

export interface TestApp {
  app: NestExpressApplication;
  config: AppConfig;
  db: TestDatabase;
  http: ReturnType<typeof request>;
  /** A signed-in agent (cookies kept) with the CSRF header set for state-changing calls. */
  login(email?: string, password?: string): Promise<Session>;
  close(): Promise<void>;
}

export interface Session {
  get(url: string): request.Test;
  post(url: string, body?: object): request.Test;
  patch(url: string, body?: object): request.Test;
  put(url: string, body?: object): request.Test;
  delete(url: string): request.Test;
  /** A multipart upload of one file in field `field`. */
  upload(url: string, field: string, content: Buffer, filename: string, contentType: string): request.Test;
  csrf: string;
}

export type ConfigOverrides = NonNullable<NonNullable<Parameters<typeof loadConfig>[0]>['overrides']>;

/**
 * The whole server on a fresh database of the given kind, with an admin and no demo data.
 * Pass `shareDb` to start a second instance on another instance's database (it is then not
 * dropped by this instance's close()).
 */
export async function startTestApp(kind: DbKind, overrides: ConfigOverrides = {}, shareDb?: TestDatabase): Promise<TestApp> {
  const db = shareDb ?? (await createTestDatabase(kind));
  const dir = mkdtempSync(join(tmpdir(), 'madoguchi-app-'));
  const config = loadConfig({
    env: {},
    configDir: resolve(__dirname, '../../config'),
    baseDir: dir,
    overrides: {
      NODE_ENV: 'test',
      DATABASE_URL: db.url,
      SECRET_KEY: 'a'.repeat(64),
      STORAGE_DIR: join(dir, 'blobs'),
      MADOGUCHI_ADMIN_EMAIL: ADMIN_EMAIL,
      MADOGUCHI_ADMIN_PASSWORD: ADMIN_PASSWORD,
      DEMO_DATA: false,
      FRONTEND_DIR: resolve(__dirname, '../../dist/frontend/console/browser'),
      PORTAL_DIR: resolve(__dirname, '../../dist/frontend/portal/browser'),
      // Background roles (polling, outbox) and the SMTP listener only where a test asks for them.
      ROLES: 'web',
      MAIL_INTAKE_SMTP_PORT: 0,
      MAIL_UNDO_SECONDS: 0,
      ...overrides,
    },
  });
  const app = await createApp(config, { migrate: true, logger: ['error'] });
  await app.init();
  const server = app.getHttpServer();
  const http = request(server);

  const login = async (email = ADMIN_EMAIL, password = ADMIN_PASSWORD): Promise<Session> => {
    const agent = request.agent(server);
    const res = await agent.post('/api/auth/login').send({ email, password });
    if (res.status !== 200) throw new Error(`login as ${email} failed: ${res.status} ${JSON.stringify(res.body)}`);
    const cookies = ([] as string[]).concat(res.headers['set-cookie'] ?? []);
    const csrf = cookies.map((c) => /^XSRF-TOKEN=([^;]+)/.exec(c)?.[1]).find(Boolean) ?? '';
    return {
      csrf,
      get: (url) => agent.get(url),
      post: (url, body) => agent.post(url).set('X-XSRF-TOKEN', csrf).send(body ?? {}),
      patch: (url, body) => agent.patch(url).set('X-XSRF-TOKEN', csrf).send(body ?? {}),
      put: (url, body) => agent.put(url).set('X-XSRF-TOKEN', csrf).send(body ?? {}),
      delete: (url) => agent.delete(url).set('X-XSRF-TOKEN', csrf),
      upload: (url, field, content, filename, contentType) => agent.post(url).set('X-XSRF-TOKEN', csrf).attach(field, content, { filename, contentType }),
    };
  };

  return {
    app,
    config,
    db,
    http,
    login,
    close: async () => {
      await app.close();
      if (!shareDb) await db.drop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
