import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createConnection } from 'mysql2/promise';
import { TestDatabase } from './databases';

const MARIADBD = '/usr/sbin/mariadbd';
const INSTALL_DB = '/usr/bin/mariadb-install-db';

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/**
 * A second, private MariaDB server on a loopback port, from a fresh data directory and no option
 * files: no plugin is loaded, Mroonga included — what an installation without
 * `mariadb-plugin-mroonga` runs. Fails (never skips) when the server binaries are missing.
 */
export async function startBareMariadb(): Promise<{ database(): Promise<TestDatabase>; stop(): Promise<void> }> {
  for (const bin of [MARIADBD, INSTALL_DB]) if (!existsSync(bin)) throw new Error(`${bin} is missing (apt-get install mariadb-server): the test without Mroonga needs a second MariaDB server`);
  const dir = mkdtempSync(join(tmpdir(), 'madoguchi-bare-mariadb-'));
  const data = join(dir, 'data');
  const user = process.getuid?.() === 0 ? ['--user=root'] : [];
  const init = spawnSync(INSTALL_DB, ['--no-defaults', `--datadir=${data}`, '--auth-root-authentication-method=normal', '--skip-test-db', ...user], { encoding: 'utf8' });
  if (init.status !== 0) throw new Error(`mariadb-install-db failed: ${init.stderr || init.stdout}`);
  const port = await freePort();
  const server: ChildProcess = spawn(
    MARIADBD,
    ['--no-defaults', `--datadir=${data}`, `--socket=${join(dir, 'mysqld.sock')}`, `--pid-file=${join(dir, 'mysqld.pid')}`, `--port=${port}`, '--bind-address=127.0.0.1', '--innodb-buffer-pool-size=32M', '--skip-log-bin', ...user],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let log = '';
  server.stderr?.on('data', (d: Buffer) => (log += d.toString()));
  const connect = () => createConnection({ host: '127.0.0.1', port, user: 'root' });
  for (let i = 0; ; i++) {
    try {
      await (await connect()).end();
      break;
    } catch (e) {
      if (i >= 100 || server.exitCode !== null) {
        server.kill('SIGKILL');
        throw new Error(`the private MariaDB did not start: ${(e as Error).message}\n${log.slice(-2000)}`);
      }
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  return {
    async database() {
      const name = `madoguchi_bare_${Date.now().toString(36)}`;
      const c = await connect();
      await c.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_bin`);
      await c.end();
      return {
        kind: 'mariadb',
        url: `mysql://root@127.0.0.1:${port}/${name}`,
        drop: async () => {
          const d = await connect();
          await d.query(`DROP DATABASE IF EXISTS \`${name}\``);
          await d.end();
        },
      };
    },
    async stop() {
      const exited = new Promise((r) => server.once('exit', r));
      server.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
      if (server.exitCode === null) server.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
