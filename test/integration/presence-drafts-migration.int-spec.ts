import { dataSourceOptions, loadConfig, runMigrations } from '@madoguchi/core';
import { createTestDatabase, DB_KINDS, TestDatabase } from '@test/support/databases';
import { tmpdir } from 'node:os';
import { resolve } from 'node:path';
import { DataSource } from 'typeorm';

jest.setTimeout(60_000);

const NOW = '2026-12-01 09:00:00.000';

describe.each(DB_KINDS)('migration 1763900000020: ticket_presence and reply_draft (%s)', (kind) => {
  let db: TestDatabase;
  let ds: DataSource;

  beforeAll(async () => {
    db = await createTestDatabase(kind);
    const config = loadConfig({
      env: {},
      configDir: resolve(__dirname, '../../config'),
      baseDir: tmpdir(),
      overrides: { DATABASE_URL: db.url, SECRET_KEY: 'e'.repeat(64) },
    });
    await runMigrations(config.database);
    ds = new DataSource(dataSourceOptions(config.database));
    await ds.initialize();
  });
  afterAll(async () => {
    await ds?.destroy();
    await db?.drop();
  });

  const has = async (table: string) => (await ds.createQueryRunner().getTable(table)) !== undefined;

  it('adds both tables with their keys, leaves every ticket alone, and goes back down', async () => {
    const at = ds.migrations.findIndex((m) => m.name === 'PresenceDrafts1763900000020');
    expect(at).toBeGreaterThanOrEqual(0);
    for (let i = ds.migrations.length - 1; i >= at; i--) await ds.undoLastMigration();
    expect(await has('ticket_presence')).toBe(false);
    expect(await has('reply_draft')).toBe(false);

    await ds.query('INSERT INTO mailbox (name, address, created_at, updated_at) VALUES (?, ?, ?, ?)', [
      '移行',
      'presence-mig@example.jp',
      NOW,
      NOW,
    ]);
    const mailboxId = Number(
      (await ds.query('SELECT id FROM mailbox WHERE address = ?', ['presence-mig@example.jp']))[0].id,
    );
    await ds.query(
      `INSERT INTO ticket (code, mailbox_id, state, state_version, state_changed_at, version, subject, channel, unread, created_at, last_activity_at)
       VALUES ('IQ900020', ?, 'unhandled', 1, ?, 1, '件名', 'email', 1, ?, ?)`,
      [mailboxId, NOW, NOW, NOW],
    );
    const ticketId = Number((await ds.query("SELECT id FROM ticket WHERE code = 'IQ900020'"))[0].id);

    await ds.runMigrations();
    expect((await ds.query("SELECT subject FROM ticket WHERE code = 'IQ900020'"))[0].subject).toBe('件名');

    const presence = (session: string) =>
      ds.query(
        'INSERT INTO ticket_presence (ticket_id, user_id, session, composing, started_at, seen_at) VALUES (?, 1, ?, 0, ?, ?)',
        [ticketId, session, NOW, NOW],
      );
    await presence('tab-1');
    await presence('tab-2');
    await expect(presence('tab-1')).rejects.toThrow();
    const draft = () =>
      ds.query(
        'INSERT INTO reply_draft (user_id, ticket_id, body, version, updated_at) VALUES (1, ?, ?, 1, ?)',
        [ticketId, '下書き', NOW],
      );
    await draft();
    await expect(draft()).rejects.toThrow();
    expect((await ds.query('SELECT body, subject, to_json, version FROM reply_draft'))[0]).toMatchObject({
      body: '下書き',
      subject: null,
      to_json: null,
    });
  });
});
