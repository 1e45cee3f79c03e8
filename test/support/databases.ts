import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createConnection } from 'mysql2/promise';

export type DbKind = 'sqlite' | 'mariadb';

/** Both databases every data-layer test runs on. */
export const DB_KINDS: DbKind[] = ['sqlite', 'mariadb'];

export function mariadbServer() {
  // Tests read their own knobs here; the app itself reads configuration only through libs/core.
  const url = new URL(process.env.TEST_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306');
  return {
    host: url.hostname,
    port: Number(url.port || 3306),
    user: decodeURIComponent(url.username || 'root'),
    password: decodeURIComponent(url.password),
  };
}

export interface TestDatabase {
  kind: DbKind;
  url: string;
  drop(): Promise<void>;
}

/** A fresh, uniquely named database (MariaDB) or file (SQLite), dropped by drop(). */
export async function createTestDatabase(kind: DbKind): Promise<TestDatabase> {
  if (kind === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'madoguchi-sqlite-'));
    return {
      kind,
      url: `sqlite:${join(dir, 'test.sqlite')}`,
      drop: async () => rmSync(dir, { recursive: true, force: true }),
    };
  }
  const s = mariadbServer();
  const name = `madoguchi_test_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
  const conn = await createConnection({ host: s.host, port: s.port, user: s.user, password: s.password });
  await conn.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_bin`);
  await conn.end();
  const auth = s.password ? `${encodeURIComponent(s.user)}:${encodeURIComponent(s.password)}` : encodeURIComponent(s.user);
  return {
    kind,
    url: `mysql://${auth}@${s.host}:${s.port}/${name}`,
    drop: async () => {
      const c = await createConnection({ host: s.host, port: s.port, user: s.user, password: s.password });
      await c.query(`DROP DATABASE IF EXISTS \`${name}\``);
      await c.end();
    },
  };
}
