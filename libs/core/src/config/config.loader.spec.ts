import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ConfigError, loadConfig } from './config.loader';

const configDir = resolve(__dirname, '../../../../config');

describe('configuration', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'madoguchi-config-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const load = (env: Record<string, string>) => loadConfig({ env, configDir, baseDir: dir });

  it('defaults to an embedded SQLite file under data/ and port 3000', () => {
    const c = load({});
    expect(c.database).toMatchObject({ type: 'sqlite', file: join(dir, 'data/madoguchi.sqlite'), migrate: true });
    expect(c.http.port).toBe(3000);
    expect(c.storage.dir).toBe(join(dir, 'data/blobs'));
    expect(c.roles).toEqual({ web: true, worker: true });
  });

  it('puts the default public URL on the port the server listens on, unless one is given', () => {
    expect(load({}).http.publicUrl).toBe('http://localhost:3000');
    expect(load({ PORT: '3000' }).http.publicUrl).toBe('http://localhost:3000');
    expect(load({ PORT: '3100' }).http.publicUrl).toBe('http://localhost:3100');
    expect(load({ PORT: '3100', PUBLIC_URL: 'https://madoguchi.example.jp/' }).http.publicUrl).toBe('https://madoguchi.example.jp');
  });

  it('generates and keeps a secret key outside production', () => {
    const first = load({});
    expect(first.secretKey).toHaveLength(32);
    expect(readFileSync(join(dir, 'data/secret.key'), 'utf8').trim()).toBe(first.secretKey.toString('hex'));
    expect(load({}).secretKey.equals(first.secretKey)).toBe(true);
  });

  it('reads a MySQL URL and does not migrate it unless told to', () => {
    const c = load({ DATABASE_URL: 'mysql://app:p%40ss@db.internal:3307/madoguchi' });
    expect(c.database).toMatchObject({ type: 'mysql', host: 'db.internal', port: 3307, username: 'app', password: 'p@ss', database: 'madoguchi', migrate: false });
    expect(load({ DATABASE_URL: 'mysql://root@127.0.0.1/x', DATABASE_MIGRATE: 'true' }).database.migrate).toBe(true);
  });

  it('accepts the default administrator admin@localhost when it is set explicitly', () => {
    expect(load({ MADOGUCHI_ADMIN_EMAIL: 'admin@localhost' }).bootstrap.adminEmail).toBe('admin@localhost');
    expect(() => load({ MADOGUCHI_ADMIN_EMAIL: 'admin@' })).toThrow(/MADOGUCHI_ADMIN_EMAIL/);
    expect(() => load({ MADOGUCHI_ADMIN_EMAIL: 'a b@localhost' })).toThrow(/MADOGUCHI_ADMIN_EMAIL/);
  });

  it.each([
    [{ PORT: 'eighty' }, 'PORT'],
    [{ DATABASE_URL: 'postgres://x/y' }, 'DATABASE_URL'],
    [{ MADOGUCHI_ADMIN_EMAIL: 'not-an-email' }, 'MADOGUCHI_ADMIN_EMAIL'],
    [{ TIME_ZONE: 'Mars/Base' }, 'TIME_ZONE'],
    [{ SECRET_KEY: 'short' }, 'SECRET_KEY'],
    [{ NODE_ENV: 'production', SECRET_KEY: '' }, 'SECRET_KEY'],
    [{ DATABASE_URL: 'mysql://root@127.0.0.1:3306/' }, 'DATABASE_URL'],
  ])('refuses %j and names the key', (env, key) => {
    expect(() => load(env as Record<string, string>)).toThrow(ConfigError);
    expect(() => load(env as Record<string, string>)).toThrow(new RegExp(key));
  });
});
