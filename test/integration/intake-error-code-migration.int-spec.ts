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

describe.each(DB_KINDS)('migration 1763900000015: a code for the last intake error (%s)', (kind) => {
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

  const undo0015 = async () => {
    const at = ds.migrations.findIndex((mig) => mig.name === 'IntakeErrorCode1763900000015');
    expect(at).toBeGreaterThanOrEqual(0);
    for (let i = ds.migrations.length - 1; i >= at; i--) await ds.undoLastMigration();
  };

  it('adds last_error_code beside the intake state it keeps, and drops it again without losing the rows', async () => {
    await undo0015();
    expect(await columnsOf(ds, 'mail_intake_state')).not.toContain('last_error_code');
    const at = (d: Date) => (kind === 'sqlite' ? d.toISOString().replace('T', ' ').replace('Z', '') : d);
    const now = new Date('2026-12-01T10:00:00.123Z');
    await ds.query("INSERT INTO mailbox (name, address, created_at, updated_at) VALUES ('受付', 'uketsuke@example.jp', ?, ?)", [at(now), at(now)]);
    const [{ id }] = await ds.query("SELECT id FROM mailbox WHERE address = 'uketsuke@example.jp'");
    await ds.query('INSERT INTO mail_intake_state (mailbox_id, last_error, last_error_at, consecutive_failures) VALUES (?, ?, ?, ?)', [id, 'Host not found: x.invalid', at(now), 2]);

    await ds.runMigrations({ transaction: 'each' });
    expect(await columnsOf(ds, 'mail_intake_state')).toContain('last_error_code');
    const [row] = await ds.query('SELECT last_error, last_error_code, consecutive_failures FROM mail_intake_state WHERE mailbox_id = ?', [id]);
    expect(row).toMatchObject({ last_error: 'Host not found: x.invalid', last_error_code: null });
    expect(Number(row.consecutive_failures)).toBe(2);
    await ds.query("UPDATE mail_intake_state SET last_error_code = 'IMAP_HOST_NOT_FOUND' WHERE mailbox_id = ?", [id]);

    await undo0015();
    expect(await columnsOf(ds, 'mail_intake_state')).not.toContain('last_error_code');
    const [back] = await ds.query('SELECT last_error, consecutive_failures FROM mail_intake_state WHERE mailbox_id = ?', [id]);
    expect(back.last_error).toBe('Host not found: x.invalid');
    expect(Number((await ds.query('SELECT COUNT(*) AS n FROM mailbox'))[0].n)).toBe(1);
    await ds.runMigrations({ transaction: 'each' });
  });
});
