import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { dirname, isAbsolute, resolve } from 'node:path';
import { AppConfig, DatabaseConfig, rawConfigSchema, RawConfig } from './config.schema';

/** Raised when the configuration cannot be used; the message names every bad key. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

export interface LoadConfigOptions {
  /** Environment to read overrides from (default: process.env). */
  env?: Record<string, string | undefined>;
  /** Directory holding default.json (default: ./config under the working directory). */
  configDir?: string;
  /** Base directory for relative paths (default: the working directory). */
  baseDir?: string;
  /** Extra values that win over both defaults and environment (used by tests). */
  overrides?: Partial<Record<keyof RawConfig, string | number | boolean>>;
}

/**
 * Reads config/default.json, lets environment variables of the same names override it, validates
 * the result and turns it into typed namespaces. This is the only code that reads process.env.
 */
export function loadConfig(options: LoadConfigOptions = {}): AppConfig {
  const env = options.env ?? process.env;
  const baseDir = options.baseDir ?? process.cwd();
  const configDir = options.configDir ?? env.MADOGUCHI_CONFIG_DIR ?? resolve(baseDir, 'config');
  const defaultsFile = resolve(configDir, 'default.json');
  if (!existsSync(defaultsFile)) {
    throw new ConfigError([`config file ${defaultsFile} not found (set MADOGUCHI_CONFIG_DIR)`]);
  }
  const defaults = JSON.parse(readFileSync(defaultsFile, 'utf8')) as Record<string, unknown>;
  const merged: Record<string, unknown> = { ...defaults };
  for (const key of Object.keys(rawConfigSchema.shape)) {
    if (env[key] !== undefined) merged[key] = env[key];
  }
  Object.assign(merged, options.overrides ?? {});
  // Without a PUBLIC_URL of its own, a server on another port is at localhost on that port.
  if (env.PUBLIC_URL === undefined && options.overrides?.PUBLIC_URL === undefined && String(merged.PORT) !== String(defaults.PORT) && merged.PUBLIC_URL === defaults.PUBLIC_URL) {
    merged.PUBLIC_URL = `http://localhost:${String(merged.PORT)}`;
  }

  const parsed = rawConfigSchema.safeParse(merged);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message} (got ${JSON.stringify(merged[String(i.path[0])])})`),
    );
  }
  const raw = parsed.data;
  const abs = (p: string) => (isAbsolute(p) ? p : resolve(baseDir, p));
  const migrateFlag = raw.DATABASE_MIGRATE;
  const database = parseDatabaseUrl(raw.DATABASE_URL, abs, raw.DATABASE_LOGGING);
  database.migrate = migrateFlag === 'auto' ? database.type === 'sqlite' : migrateFlag === 'true';

  return {
    env: raw.NODE_ENV,
    http: { host: raw.HOST, port: raw.PORT, publicUrl: raw.PUBLIC_URL.replace(/\/$/, ''), bodyLimitBytes: raw.HTTP_BODY_LIMIT_KB * 1024, uploadQuotaBytes: raw.UPLOAD_QUOTA_MB * 1024 * 1024 },
    roles: { web: raw.ROLES.includes('web'), worker: raw.ROLES.includes('worker') },
    database,
    secretKey: resolveSecretKey(raw, abs),
    storage: { dir: abs(raw.STORAGE_DIR) },
    bootstrap: {
      adminEmail: raw.MADOGUCHI_ADMIN_EMAIL,
      adminPassword: raw.MADOGUCHI_ADMIN_PASSWORD,
      demoData: raw.DEMO_DATA,
    },
    auth: {
      sessionTtlHours: raw.SESSION_TTL_HOURS,
      cookieSecure: raw.COOKIE_SECURE,
      loginMaxFailures: raw.LOGIN_MAX_FAILURES,
      loginWindowMinutes: raw.LOGIN_WINDOW_MINUTES,
      trustedProxies: raw.TRUSTED_PROXIES,
      apiTokenDays: raw.API_TOKEN_DAYS,
    },
    company: { name: raw.COMPANY_NAME, timeZone: raw.TIME_ZONE },
    frontend: { dir: abs(raw.FRONTEND_DIR), portalDir: abs(raw.PORTAL_DIR) },
    mail: {
      undoSeconds: raw.MAIL_UNDO_SECONDS,
      maxMessageBytes: raw.MAIL_MAX_MESSAGE_MB * 1024 * 1024,
      // Off in production unless asked for: a listening SMTP port is something to decide on.
      intakeSmtp: {
        port: raw.NODE_ENV === 'production' && env.MAIL_INTAKE_SMTP_PORT === undefined && options.overrides?.MAIL_INTAKE_SMTP_PORT === undefined ? 0 : raw.MAIL_INTAKE_SMTP_PORT,
        host: raw.MAIL_INTAKE_SMTP_HOST,
        lmtp: raw.MAIL_INTAKE_LMTP,
        maxConnections: raw.MAIL_INTAKE_MAX_CONNECTIONS,
        maxConnectionsPerAddress: raw.MAIL_INTAKE_MAX_CONNECTIONS_PER_ADDRESS,
        idleTimeoutMs: raw.MAIL_INTAKE_IDLE_TIMEOUT_SECONDS * 1000,
      },
      capture: raw.MAIL_CAPTURE === 'auto' ? raw.NODE_ENV !== 'production' : raw.MAIL_CAPTURE === 'true',
      connectionTest: {
        timeoutMs: raw.MAIL_CONNECTION_TEST_TIMEOUT_SECONDS * 1000,
        limit: raw.MAIL_CONNECTION_TEST_LIMIT,
        windowMs: raw.MAIL_CONNECTION_TEST_WINDOW_MINUTES * 60_000,
      },
    },
    forms: { thankYouPerAddressPerHour: raw.FORM_THANK_YOU_PER_ADDRESS_PER_HOUR },
    instanceId: raw.INSTANCE_ID || `${hostname()}-${process.pid}`,
    web: { apiDocsPublic: raw.API_DOCS_PUBLIC, remoteImageAllowedHosts: raw.REMOTE_IMAGE_ALLOWED_HOSTS },
    search: { engine: raw.SEARCH_ENGINE },
  };
}

function parseDatabaseUrl(url: string, abs: (p: string) => string, logging: boolean): DatabaseConfig {
  if (url.startsWith('sqlite:')) {
    const file = url.slice('sqlite:'.length).replace(/^\/\//, '');
    if (!file) throw new ConfigError(['DATABASE_URL: sqlite: needs a file path, e.g. sqlite:data/madoguchi.sqlite']);
    return { type: 'sqlite', url, file: file === ':memory:' ? file : abs(file), migrate: true, logging };
  }
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new ConfigError(['DATABASE_URL: not a valid URL (expected mysql://user:pass@host:port/database)']);
  }
  const database = decodeURIComponent(u.pathname.replace(/^\//, ''));
  if (!database) throw new ConfigError(['DATABASE_URL: the database name is missing (mysql://user:pass@host:port/database)']);
  return {
    type: 'mysql',
    url,
    host: u.hostname || '127.0.0.1',
    port: u.port ? Number(u.port) : 3306,
    username: decodeURIComponent(u.username || 'root'),
    password: decodeURIComponent(u.password),
    database,
    migrate: false,
    logging,
  };
}

/**
 * SECRET_KEY wins; without it, development keeps a generated key in SECRET_KEY_FILE so the
 * embedded default works on a fresh clone. Production must be given a key.
 */
function resolveSecretKey(raw: RawConfig, abs: (p: string) => string): Buffer {
  const decode = (text: string, source: string): Buffer => {
    const t = text.trim();
    const key = /^[0-9a-fA-F]{64}$/.test(t) ? Buffer.from(t, 'hex') : Buffer.from(t, 'base64');
    if (key.length !== 32) {
      throw new ConfigError([`${source}: must be 32 bytes as 64 hex characters or base64 (openssl rand -hex 32)`]);
    }
    return key;
  };
  if (raw.SECRET_KEY) return decode(raw.SECRET_KEY, 'SECRET_KEY');
  if (raw.NODE_ENV === 'production') {
    throw new ConfigError(['SECRET_KEY: required in production (openssl rand -hex 32)']);
  }
  const file = abs(raw.SECRET_KEY_FILE);
  if (existsSync(file)) return decode(readFileSync(file, 'utf8'), `SECRET_KEY_FILE (${file})`);
  mkdirSync(dirname(file), { recursive: true });
  const key = randomBytes(32);
  writeFileSync(file, key.toString('hex') + '\n', { mode: 0o600 });
  return key;
}
