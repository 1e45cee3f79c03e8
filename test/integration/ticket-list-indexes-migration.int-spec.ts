import { dataSourceOptions, loadConfig, runMigrations } from '@madoguchi/core';
import { createTestDatabase, DB_KINDS, TestDatabase } from '@test/support/databases';
import { tmpdir } from 'node:os';
import { resolve } from 'node:path';
import { DataSource } from 'typeorm';

jest.setTimeout(60_000);

const NOW = '2026-12-01 09:00:00.000';

describe.each(DB_KINDS)('migration 1763900000022: ticket list indexes (%s)', (kind) => {
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

  const indexes = async () => {
    const qr = ds.createQueryRunner();
    try {
      const table = await qr.getTable('ticket');
      return new Map(table!.indices.map((i) => [i.name, i.columnNames]));
    } finally {
      await qr.release();
    }
  };

  it('adds the two list indexes, keeps every ticket and article, and goes back down', async () => {
    const at = ds.migrations.findIndex((m) => m.name === 'TicketListIndexes1763900000022');
    expect(at).toBeGreaterThanOrEqual(0);
    for (let i = ds.migrations.length - 1; i >= at; i--) await ds.undoLastMigration();
    expect((await indexes()).has('IDX_ticket_list_state')).toBe(false);
    expect((await indexes()).has('IDX_ticket_list_assignee')).toBe(false);

    await ds.query('INSERT INTO mailbox (name, address, created_at, updated_at) VALUES (?, ?, ?, ?)', [
      '一覧',
      'list-index-mig@example.jp',
      NOW,
      NOW,
    ]);
    const mailboxId = Number(
      (await ds.query('SELECT id FROM mailbox WHERE address = ?', ['list-index-mig@example.jp']))[0].id,
    );
    await ds.query(
      `INSERT INTO ticket (code, mailbox_id, state, state_version, state_changed_at, version, subject, channel, unread, spam, created_at, last_activity_at)
       VALUES ('IQ900022', ?, 'unhandled', 1, ?, 1, '外壁塗装の見積依頼', 'email', 1, 0, ?, ?)`,
      [mailboxId, NOW, NOW, NOW],
    );
    const ticketId = Number((await ds.query("SELECT id FROM ticket WHERE code = 'IQ900022'"))[0].id);
    await ds.query(
      `INSERT INTO article (ticket_id, kind, direction, sender, subject, body_text, created_at) VALUES (?, 'email', 'inbound', 'customer', ?, ?, ?)`,
      [ticketId, '外壁塗装の見積依頼', '見積をお願いします。', NOW],
    );

    await ds.runMigrations();
    const after = await indexes();
    expect(after.get('IDX_ticket_list_state')).toEqual([
      'mailbox_id',
      'state',
      'spam',
      'merged_into_id',
      'last_activity_at',
    ]);
    expect(after.get('IDX_ticket_list_assignee')).toEqual(['assignee_id', 'state', 'last_activity_at']);
    // An index only: the ticket and its article (which a SQLite table rebuild would cascade away) stay.
    expect((await ds.query('SELECT subject FROM ticket WHERE id = ?', [ticketId]))[0].subject).toBe(
      '外壁塗装の見積依頼',
    );
    expect(
      (await ds.query('SELECT body_text FROM article WHERE ticket_id = ?', [ticketId]))[0].body_text,
    ).toBe('見積をお願いします。');

    // Down again: the migrations after 22 first, then 22 itself.
    for (let i = ds.migrations.length - 1; i >= at; i--) await ds.undoLastMigration();
    const down = await indexes();
    expect(down.has('IDX_ticket_list_state')).toBe(false);
    expect(down.has('IDX_ticket_list_assignee')).toBe(false);
    expect(
      Number((await ds.query('SELECT COUNT(*) AS n FROM article WHERE ticket_id = ?', [ticketId]))[0].n),
    ).toBe(1);
    await ds.runMigrations();
    expect((await indexes()).has('IDX_ticket_list_assignee')).toBe(true);
  });
});
