import { dataSourceOptions, LocalBlobStorage, loadConfig, runMigrations, Sequence, SequenceService, serializeSqlite } from '@madoguchi/core';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Readable } from 'node:stream';
import { DataSource } from 'typeorm';
import { createTestDatabase, DB_KINDS, TestDatabase } from '@test/support/databases';

jest.setTimeout(60_000);

function configFor(url: string) {
  return loadConfig({ env: {}, configDir: resolve(__dirname, '../../config'), baseDir: tmpdir(), overrides: { DATABASE_URL: url, SECRET_KEY: 'b'.repeat(64) } });
}

describe.each(DB_KINDS)('data layer on %s', (kind) => {
  let db: TestDatabase;
  let ds: DataSource;

  beforeAll(async () => {
    db = await createTestDatabase(kind);
    const config = configFor(db.url);
    await runMigrations(config.database);
    ds = new DataSource(dataSourceOptions(config.database, [Sequence]));
    await ds.initialize();
    serializeSqlite(ds);
  });
  afterAll(async () => {
    await ds?.destroy();
    await db?.drop();
  });

  it('applies the migrations once; a second run finds nothing to do', async () => {
    const tables = (await ds.createQueryRunner().getTables()).map((t) => t.name.split('.').pop());
    expect(tables).toEqual(expect.arrayContaining(['customer', 'staff_user', 'permission_group', 'session', 'api_token', 'audit_entry', 'mailbox']));
    expect(await runMigrations(configFor(db.url).database)).toEqual([]);
  });

  it('stores Japanese text, emoji and milliseconds unchanged', async () => {
    const at = new Date('2026-11-23T10:20:30.456Z');
    await ds.query(
      `INSERT INTO mailbox (name, address, created_at, updated_at) VALUES (?, ?, ?, ?)`,
      ['髙橋𠮷野家 ① ㈱ 🍣', 'jp@example.jp', kind === 'sqlite' ? '2026-11-23 10:20:30.456' : at, kind === 'sqlite' ? '2026-11-23 10:20:30.456' : at],
    );
    const [row] = await ds.query(`SELECT name, created_at FROM mailbox WHERE address = ?`, ['jp@example.jp']);
    expect(row.name).toBe('髙橋𠮷野家 ① ㈱ 🍣');
    const created = row.created_at instanceof Date ? row.created_at : new Date(`${row.created_at}Z`);
    expect(created.toISOString()).toBe(at.toISOString());
  });

  it('hands out every sequence number exactly once under concurrency', async () => {
    const seq = new SequenceService();
    expect(await ds.transaction((m) => seq.next(m, 'test_seq', 1))).toBe(1);
    // SQLite has one writer at a time; MariaDB serialises on the row lock.
    const results = await Promise.all(
      Array.from({ length: 20 }, () => ds.transaction((m) => seq.next(m, 'test_seq', 1))),
    );
    expect([...results].sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i + 2));
  });

  it('gives a number back when its transaction rolls back', async () => {
    const seq = new SequenceService();
    await expect(
      ds.transaction(async (m) => {
        await seq.next(m, 'rollback_seq', 1);
        throw new Error('abort');
      }),
    ).rejects.toThrow('abort');
    expect(await ds.transaction((m) => seq.next(m, 'rollback_seq', 1))).toBe(1);
  });

  it('rolls the schema all the way down and up again', async () => {
    const config = configFor(db.url);
    const other = new DataSource(dataSourceOptions(config.database));
    await other.initialize();
    try {
      for (let i = 0; i < other.migrations.length; i++) await other.undoLastMigration();
      const left = (await other.createQueryRunner().getTables()).map((t) => t.name.split('.').pop());
      expect(left).not.toContain('customer');
      expect(left).not.toContain('ticket');
    } finally {
      await other.destroy();
    }
    expect(await runMigrations(config.database)).toHaveLength(other.migrations.length);
  });
});

describe('local blob storage', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'madoguchi-blobs-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('stores bytes by content and reads them back', async () => {
    const store = new LocalBlobStorage(dir);
    const data = Buffer.from('添付ファイル'.repeat(10000));
    const a = await store.put(data);
    const b = await store.put(Readable.from([data.subarray(0, 10), data.subarray(10)]));
    expect(a).toEqual(b);
    expect(a.size).toBe(data.length);
    expect((await store.read(a.key)).equals(data)).toBe(true);
    const chunks: Buffer[] = [];
    for await (const c of await store.get(a.key)) chunks.push(c as Buffer);
    expect(Buffer.concat(chunks).equals(data)).toBe(true);
    await store.delete(a.key);
    expect(await store.exists(a.key)).toBe(false);
    await expect(store.read(a.key)).rejects.toThrow(/does not exist/);
  });

  it('refuses keys that could escape its directory', async () => {
    const store = new LocalBlobStorage(dir);
    await expect(store.read('../../etc/passwd')).rejects.toThrow(/does not exist/);
    expect(await store.exists('sha256-../x')).toBe(false);
  });

  it('leaves no partial file behind when the source fails', async () => {
    const store = new LocalBlobStorage(dir);
    const failing = new Readable({
      read() {
        this.destroy(new Error('disk on fire'));
      },
    });
    await expect(store.put(failing)).rejects.toThrow('disk on fire');
    const { readdirSync } = await import('node:fs');
    expect(readdirSync(join(dir, 'tmp'))).toEqual([]);
  });
});
