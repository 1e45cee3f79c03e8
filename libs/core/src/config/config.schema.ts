import { isIP } from 'node:net';
import { z } from 'zod';

const bool = z.union([z.boolean(), z.enum(['true', 'false', '1', '0', 'yes', 'no'])]).transform((v) => {
  if (typeof v === 'boolean') return v;
  return v === 'true' || v === '1' || v === 'yes';
});

const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);

function isProxyAddress(entry: string): boolean {
  if (['loopback', 'linklocal', 'uniquelocal'].includes(entry)) return true;
  const [addr, bits, ...rest] = entry.split('/');
  const kind = isIP(addr);
  if (!kind || rest.length) return false;
  return bits === undefined || (/^\d+$/.test(bits) && Number(bits) <= (kind === 4 ? 32 : 128));
}

/** The raw keys, as they stand in config/default.json and in the environment. */
export const rawConfigSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']),
  HOST: z.string().min(1),
  PORT: int(0, 65535),
  PUBLIC_URL: z.url(),
  /** Largest JSON or form body the API reads, in KB (file uploads have their own limit). */
  HTTP_BODY_LIMIT_KB: int(16, 100 * 1024),
  /** What one staff user may upload for replies within 24 hours, in MB; unattached uploads are deleted after a day. */
  UPLOAD_QUOTA_MB: int(1, 100 * 1024),
  ROLES: z
    .string()
    .transform((s) => s.split(',').map((r) => r.trim()).filter(Boolean))
    .pipe(z.array(z.enum(['web', 'worker'])).min(1)),
  DATABASE_URL: z
    .string()
    .refine((s) => /^(sqlite:|mysql:\/\/|mariadb:\/\/)/.test(s), 'must start with sqlite:, mysql:// or mariadb://'),
  DATABASE_MIGRATE: z.enum(['auto', 'true', 'false']),
  DATABASE_LOGGING: bool,
  SECRET_KEY: z.string(),
  SECRET_KEY_FILE: z.string(),
  STORAGE_DIR: z.string().min(1),
  /**
   * An address with a local part and a host; a dotless host (admin@localhost, the default when
   * none is set) is fine: it is a sign-in name, never mailed to by the check.
   */
  MADOGUCHI_ADMIN_EMAIL: z.union([z.literal(''), z.email(), z.string().regex(/^[^\s@]{1,64}@[A-Za-z0-9-]{1,63}$/, 'must be an email address')]),
  /** Length only here; the first start also refuses a common password (libs/auth password policy). */
  MADOGUCHI_ADMIN_PASSWORD: z.union([z.literal(''), z.string().min(10, 'must be at least 10 characters').max(128, 'must be at most 128 characters')]),
  DEMO_DATA: bool,
  /** `auto`: the database's full-text engine (Mroonga, FTS5) when it has one; `scan` forces the plain scan (docs/search.md). */
  SEARCH_ENGINE: z.enum(['auto', 'scan']),
  SESSION_TTL_HOURS: int(1, 24 * 90),
  /** auto: Secure whenever the request came over HTTPS (PUBLIC_URL https, or X-Forwarded-Proto from a trusted proxy). */
  COOKIE_SECURE: z.union([z.literal('auto'), bool]),
  LOGIN_MAX_FAILURES: int(1, 1000),
  LOGIN_WINDOW_MINUTES: int(1, 24 * 60),
  /** Proxies whose X-Forwarded-For/-Proto are believed: addresses or subnets, comma-separated; empty trusts none. */
  TRUSTED_PROXIES: z
    .string()
    .transform((s) => s.split(',').map((p) => p.trim()).filter(Boolean))
    .pipe(z.array(z.string().refine(isProxyAddress, 'each entry must be an IP address, a subnet (10.0.0.0/8) or loopback/linklocal/uniquelocal'))),
  /** Days an API token lasts when its creator does not choose. */
  API_TOKEN_DAYS: int(1, 3650),
  COMPANY_NAME: z.string(),
  TIME_ZONE: z.string().refine((tz) => {
    try {
      new Intl.DateTimeFormat('en', { timeZone: tz });
      return true;
    } catch {
      return false;
    }
  }, 'must be an IANA time zone such as Asia/Tokyo'),
  FRONTEND_DIR: z.string(),
  /** The built customer portal (MYPAGE), served at /mypage. */
  PORTAL_DIR: z.string(),
  MAIL_UNDO_SECONDS: int(0, 600),
  MAIL_MAX_MESSAGE_MB: int(1, 1024),
  /** Direct delivery (SMTP/LMTP push) listener; 0 turns it off. */
  MAIL_INTAKE_SMTP_PORT: int(0, 65535),
  MAIL_INTAKE_SMTP_HOST: z.string().min(1),
  /** Speak LMTP instead of SMTP on the direct-delivery port (for Postfix/Dovecot LMTP delivery). */
  MAIL_INTAKE_LMTP: bool,
  /** Direct delivery: connections at once in all, and from one client address; over either the next is answered 421. */
  MAIL_INTAKE_MAX_CONNECTIONS: int(1, 10_000),
  MAIL_INTAKE_MAX_CONNECTIONS_PER_ADDRESS: int(1, 10_000),
  /** Direct delivery: a connection that sends nothing for this long is closed (421). */
  MAIL_INTAKE_IDLE_TIMEOUT_SECONDS: int(1, 3600),
  /** A mailbox's connection test: how long to wait for the server, and how many tests one user may run per window. */
  MAIL_CONNECTION_TEST_TIMEOUT_SECONDS: int(1, 120),
  MAIL_CONNECTION_TEST_LIMIT: int(1, 1000),
  MAIL_CONNECTION_TEST_WINDOW_MINUTES: int(1, 24 * 60),
  /** Thank-you mails of public forms to one address per hour; further submissions are filed without one. */
  FORM_THANK_YOU_PER_ADDRESS_PER_HOUR: int(0, 1000),
  /** Keep outgoing mail of mailboxes without an SMTP account instead of refusing it: auto = outside production. */
  MAIL_CAPTURE: z.enum(['auto', 'true', 'false']),
  /** Names this instance in mailbox leases; defaults to host name and process id. */
  INSTANCE_ID: z.string().max(100),
  /** Show /api/docs (Swagger UI and the OpenAPI document) to visitors who are not signed in. */
  API_DOCS_PUBLIC: bool,
  /**
   * Hosts whose mail images the image proxy may fetch although they resolve to a private,
   * loopback or link-local address (an intranet image server); comma-separated host names or IPs.
   */
  REMOTE_IMAGE_ALLOWED_HOSTS: z
    .string()
    .transform((s) => s.split(',').map((h) => h.trim().toLowerCase()).filter(Boolean))
    .pipe(z.array(z.string().regex(/^[a-z0-9.:\-\[\]]+$/, 'each entry must be a host name or an IP address'))),
});

export type RawConfig = z.infer<typeof rawConfigSchema>;

export type DatabaseConfig =
  | { type: 'sqlite'; url: string; file: string; migrate: boolean; logging: boolean }
  | {
      type: 'mysql';
      url: string;
      host: string;
      port: number;
      username: string;
      password: string;
      database: string;
      migrate: boolean;
      logging: boolean;
    };

export interface AppConfig {
  env: RawConfig['NODE_ENV'];
  http: { host: string; port: number; publicUrl: string; bodyLimitBytes: number; uploadQuotaBytes: number };
  roles: { web: boolean; worker: boolean };
  database: DatabaseConfig;
  /** 32-byte key for encrypting secrets at rest (mailbox passwords, provider tokens). */
  secretKey: Buffer;
  storage: { dir: string };
  bootstrap: { adminEmail: string; adminPassword: string; demoData: boolean };
  auth: {
    sessionTtlHours: number;
    cookieSecure: boolean | 'auto';
    loginMaxFailures: number;
    loginWindowMinutes: number;
    trustedProxies: string[];
    apiTokenDays: number;
  };
  company: { name: string; timeZone: string };
  /** `dir` the staff console, `portalDir` the customer portal (MYPAGE, served at /mypage). */
  frontend: { dir: string; portalDir: string };
  mail: {
    undoSeconds: number;
    maxMessageBytes: number;
    intakeSmtp: { port: number; host: string; lmtp: boolean; maxConnections: number; maxConnectionsPerAddress: number; idleTimeoutMs: number };
    capture: boolean;
    connectionTest: { timeoutMs: number; limit: number; windowMs: number };
  };
  forms: { thankYouPerAddressPerHour: number };
  instanceId: string;
  web: { apiDocsPublic: boolean; remoteImageAllowedHosts: string[] };
  search: { engine: 'auto' | 'scan' };
}

export const APP_CONFIG = Symbol('APP_CONFIG');
