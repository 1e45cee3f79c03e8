import { createConnection } from 'mysql2/promise';
import { mariadbServer } from './databases';

/**
 * Runs once before the integration, e2e and ui projects: a test that needs MariaDB must fail
 * loudly when it is not there, never skip.
 */
export default async function globalSetup(): Promise<void> {
  const { host, port, user, password } = mariadbServer();
  try {
    const conn = await createConnection({ host, port, user, password, connectTimeout: 5000 });
    await conn.end();
  } catch (e) {
    throw new Error(
      `MariaDB is not reachable at ${host}:${port} as ${user} (${(e as Error).message}).\n` +
        'Start it with: start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd\n' +
        'or point TEST_MYSQL_URL at a MySQL 8 / MariaDB 10.11 server (mysql://user:pass@host:port).',
    );
  }
}
