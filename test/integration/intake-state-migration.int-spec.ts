import { dataSourceOptions, loadConfig, runMigrations } from '@madoguchi/core';
import { tmpdir } from 'node:os';
import { resolve } from 'node:path';
import { DataSource } from 'typeorm';
import { createTestDatabase, DB_KINDS, TestDatabase } from '@test/support/databases';

jest.setTimeout(60_000);

const configFor = (url: string) =>
  loadConfig({
    env: {},
    configDir: resolve(__dirname, '../../config'),
    baseDir: tmpdir(),
    overrides: { DATABASE_URL: url, SECRET_KEY: 'b'.repeat(64) },
  });

async function columnsOf(ds: DataSource, table: string): Promise<string[]> {
  const t = await ds.createQueryRunner().getTable(table);
  return (t?.columns ?? []).map((c) => c.name);
}

describe.each(DB_KINDS)('migration 1763900000011: intake state leaves the mailbox row (%s)', (kind) => {
  let db: TestDatabase;
  let ds: DataSource;

  beforeAll(async () => {
    db = await createTestDatabase(kind);
    const config = configFor(db.url);
    await runMigrations(config.database);
    ds = new DataSource(dataSourceOptions(config.database));
    await ds.initialize();
  });
  afterAll(async () => {
    await ds?.destroy();
    await db?.drop();
  });

  /** Undoes the later migrations first, then this one. */
  const undo0011 = async () => {
    const at0011 = ds.migrations.findIndex((mig) => mig.name === 'IntakeState1763900000011');
    expect(at0011).toBeGreaterThanOrEqual(0);
    for (let i = ds.migrations.length - 1; i > at0011; i--) await ds.undoLastMigration();
    await ds.undoLastMigration();
  };

  it('copies lease and poll state to mail_intake_state, drops the columns, keeps rows that point at the mailbox, and back', async () => {
    await undo0011();
    expect(await columnsOf(ds, 'mailbox')).toEqual(
      expect.arrayContaining(['lease_owner', 'next_poll_at', 'consecutive_failures']),
    );
    const now = new Date('2026-12-01T10:00:00.123Z');
    const at = (d: Date) => (kind === 'sqlite' ? d.toISOString().replace('T', ' ').replace('Z', '') : d);
    await ds.query(
      'INSERT INTO mailbox (name, address, created_at, updated_at, lease_owner, lease_until, next_poll_at, last_fetch_at, last_error, last_error_at, consecutive_failures) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
      [
        '受付',
        'uketsuke@example.jp',
        at(now),
        at(now),
        'host-123',
        at(now),
        at(now),
        at(now),
        'Connection refused',
        at(now),
        3,
      ],
    );
    await ds.query(
      "INSERT INTO mailbox (name, address, created_at, updated_at) VALUES ('新規', 'new@example.jp', ?, ?)",
      [at(now), at(now)],
    );
    const [{ id }] = await ds.query("SELECT id FROM mailbox WHERE address = 'uketsuke@example.jp'");
    await ds.query(
      "INSERT INTO mailbox_cursor (mailbox_id, folder, uid_validity, last_uid, updated_at) VALUES (?, 'INBOX', 7, 42, ?)",
      [id, at(now)],
    );

    await ds.runMigrations({ transaction: 'each' });
    const cols = await columnsOf(ds, 'mailbox');
    for (const gone of [
      'lease_owner',
      'lease_until',
      'next_poll_at',
      'last_fetch_at',
      'last_error',
      'last_error_at',
      'consecutive_failures',
    ])
      expect(cols).not.toContain(gone);
    expect(cols).toEqual(expect.arrayContaining(['name', 'address', 'imap_folder', 'approval_policy']));
    const [state] = await ds.query('SELECT * FROM mail_intake_state WHERE mailbox_id = ?', [id]);
    expect(state).toMatchObject({ lease_owner: 'host-123', last_error: 'Connection refused' });
    expect(Number(state.consecutive_failures)).toBe(3);
    expect(new Date(kind === 'sqlite' ? `${state.next_poll_at}Z` : state.next_poll_at).getTime()).toBe(
      now.getTime(),
    );
    expect(Number((await ds.query('SELECT COUNT(*) AS n FROM mail_intake_state'))[0].n)).toBe(2);
    // Rebuilding the mailbox table (SQLite) must not cascade into the rows that reference it.
    const [cursor] = await ds.query('SELECT last_uid FROM mailbox_cursor WHERE mailbox_id = ?', [id]);
    expect(Number(cursor.last_uid)).toBe(42);
    expect(
      (await ds.query('SELECT name FROM mailbox ORDER BY id')).map((r: { name: string }) => r.name),
    ).toEqual(['受付', '新規']);

    await undo0011();
    const back = await ds.query(
      'SELECT address, lease_owner, last_error, consecutive_failures FROM mailbox ORDER BY id',
    );
    expect(
      back.map(
        (r: {
          address: string;
          lease_owner: string | null;
          last_error: string | null;
          consecutive_failures: number;
        }) => [r.address, r.lease_owner, r.last_error, Number(r.consecutive_failures)],
      ),
    ).toEqual([
      ['uketsuke@example.jp', 'host-123', 'Connection refused', 3],
      ['new@example.jp', null, null, 0],
    ]);
    await ds.runMigrations({ transaction: 'each' });
  });
});
