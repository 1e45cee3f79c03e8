import { dataSourceOptions, loadConfig, runMigrations } from '@madoguchi/core';
import { createTestDatabase, DB_KINDS, TestDatabase } from '@test/support/databases';
import { tmpdir } from 'node:os';
import { resolve } from 'node:path';
import { DataSource } from 'typeorm';

jest.setTimeout(60_000);

const NOW = '2026-12-01 09:00:00.000';

/**
 * Adding `scope` alters `api_token`, and sessions, tokens of users and their audit rows must not
 * notice: on SQLite the column is added in place (a rebuild from TypeORM's cached shape could drop
 * what other migrations added). Existing tokens stay ordinary tokens (scope NULL).
 */
describe.each(DB_KINDS)('migration 1763900000025: CTI tokens (%s)', (kind) => {
  let db: TestDatabase;
  let ds: DataSource;

  beforeAll(async () => {
    db = await createTestDatabase(kind);
    const config = loadConfig({
      env: {},
      configDir: resolve(__dirname, '../../config'),
      baseDir: tmpdir(),
      overrides: { DATABASE_URL: db.url, SECRET_KEY: 'c'.repeat(64) },
    });
    await runMigrations(config.database);
    ds = new DataSource(dataSourceOptions(config.database));
    await ds.initialize();
  });
  afterAll(async () => {
    await ds?.destroy();
    await db?.drop();
  });

  const table = async (name: string) => ds.createQueryRunner().getTable(name);

  it('adds api_token.scope (NULL for existing tokens) and the call relay index, and back', async () => {
    const at = ds.migrations.findIndex((mig) => mig.name === 'CtiTokens1763900000025');
    expect(at).toBeGreaterThanOrEqual(0);
    for (let i = ds.migrations.length - 1; i >= at; i--) await ds.undoLastMigration();
    expect((await table('api_token'))!.columns.map((c) => c.name)).not.toContain('scope');

    await ds.query(
      'INSERT INTO staff_user (email, name, password_hash, active, created_at, updated_at) VALUES (?, ?, ?, 1, ?, ?)',
      ['mig@example.jp', '移行', 'x', NOW, NOW],
    );
    const [{ id: userId }] = await ds.query("SELECT id FROM staff_user WHERE email = 'mig@example.jp'");
    await ds.query(
      'INSERT INTO api_token (user_id, name, token_hash, prefix, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)',
      [userId, 'script', 'a'.repeat(64), 'mdg_abc', NOW, NOW],
    );

    await ds.runMigrations();
    const tokens = await table('api_token');
    expect(tokens!.columns.map((c) => c.name)).toEqual(
      expect.arrayContaining([
        'id',
        'user_id',
        'name',
        'token_hash',
        'prefix',
        'created_at',
        'last_used_at',
        'revoked_at',
        'expires_at',
        'scope',
      ]),
    );
    const [row] = await ds.query('SELECT name, token_hash, scope FROM api_token WHERE user_id = ?', [userId]);
    expect([row.name, row.token_hash, row.scope]).toEqual(['script', 'a'.repeat(64), null]);
    // The token hash stays unique.
    await expect(
      ds.query(
        'INSERT INTO api_token (user_id, name, token_hash, prefix, created_at) VALUES (?, ?, ?, ?, ?)',
        [userId, 'dup', 'a'.repeat(64), 'mdg_abc', NOW],
      ),
    ).rejects.toThrow();
    expect((await table('history_entry'))!.indices.map((i) => i.name)).toContain('IDX_history_kind_updated');

    for (let i = ds.migrations.length - 1; i >= at; i--) await ds.undoLastMigration();
    expect((await table('api_token'))!.columns.map((c) => c.name)).not.toContain('scope');
    expect((await table('history_entry'))!.indices.map((i) => i.name)).not.toContain(
      'IDX_history_kind_updated',
    );
    await ds.runMigrations();
    expect((await table('api_token'))!.columns.map((c) => c.name)).toContain('scope');
  });
});
