import { dataSourceOptions, insertRows, LocalBlobStorage, loadConfig, runMigrations, Sequence, SequenceService, serializeSqlite } from '@madoguchi/core';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Readable } from 'node:stream';
import { Column, CreateDateColumn, DataSource, Entity, In, PrimaryGeneratedColumn } from 'typeorm';
import { createTestDatabase, DB_KINDS, TestDatabase } from '@test/support/databases';

jest.setTimeout(60_000);

/** A table for insertRows: a transformed column, a defaulted one and a unique key. */
@Entity('insert_rows_probe')
class Probe {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ type: 'varchar', length: 50, unique: true })
  name: string;

  @Column({ type: 'text', nullable: true, transformer: { to: (v: string[] | null) => (v ? JSON.stringify(v) : null), from: (v: string | null) => (v ? (JSON.parse(v) as string[]) : []) } })
  tags: string[];

  @Column({ type: 'boolean', default: true })
  active: boolean;

  @Column({ type: 'datetime', precision: 3 })
  at: Date;
}

/**
 * The tables of the test's own database. TypeORM's getTables() on MySQL lists every schema on the
 * server, and other tests' databases (or one a killed run left behind) have the same tables.
 */
async function ownTables(source: DataSource): Promise<string[]> {
  if (source.options.type === 'better-sqlite3') return (await source.createQueryRunner().getTables()).map((t) => t.name);
  const rows: { name: string }[] = await source.query('SELECT TABLE_NAME AS name FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE()');
  return rows.map((r) => r.name);
}

/** A table with a column TypeORM fills in itself: insertRows leaves it to TypeORM. */
@Entity('insert_rows_dated')
class DatedProbe {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ type: 'varchar', length: 50 })
  name: string;

  @CreateDateColumn({ type: 'datetime', precision: 3 })
  createdAt: Date;
}

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
    ds = new DataSource(dataSourceOptions(config.database, [Sequence, Probe, DatedProbe]));
    await ds.initialize();
    serializeSqlite(ds);
    await ds.query(
      kind === 'sqlite'
        ? 'CREATE TABLE insert_rows_probe (id INTEGER PRIMARY KEY AUTOINCREMENT, name VARCHAR(50) NOT NULL UNIQUE, tags TEXT NULL, active BOOLEAN NOT NULL DEFAULT 1, at DATETIME(3) NOT NULL)'
        : 'CREATE TABLE insert_rows_probe (id INT PRIMARY KEY AUTO_INCREMENT, name VARCHAR(50) NOT NULL UNIQUE, tags TEXT NULL, active BOOLEAN NOT NULL DEFAULT 1, at DATETIME(3) NOT NULL)',
    );
    await ds.query(
      kind === 'sqlite'
        ? "CREATE TABLE insert_rows_dated (id INTEGER PRIMARY KEY AUTOINCREMENT, name VARCHAR(50) NOT NULL, created_at DATETIME NOT NULL DEFAULT (datetime('now')))"
        : 'CREATE TABLE insert_rows_dated (id INT PRIMARY KEY AUTO_INCREMENT, name VARCHAR(50) NOT NULL, created_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3))',
    );
  });
  afterAll(async () => {
    await ds?.destroy();
    await db?.drop();
  });

  it('applies the migrations once; a second run finds nothing to do', async () => {
    const tables = await ownTables(ds);
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

  it('inserts many rows in one statement as TypeORM would: transformers once, defaults, ids in order, duplicates skipped on request', async () => {
    const at = new Date('2026-11-29T01:02:03.456Z');
    const rows = [
      { name: 'a', tags: ['見積', 'x y'], active: false, at },
      { name: 'b', tags: [], at },
      { name: 'c', tags: ['①'], active: true, at },
    ] as Probe[];
    const ids = await ds.transaction((m) => insertRows(m, Probe, rows));
    expect(ids[1] - ids[0]).toBe(1);
    expect(ids[2] - ids[1]).toBe(1);
    const back = await ds.getRepository(Probe).find({ order: { id: 'ASC' } });
    expect(back.map((r) => [r.id, r.name, r.tags, r.active, r.at.toISOString()])).toEqual([
      [ids[0], 'a', ['見積', 'x y'], false, at.toISOString()],
      [ids[1], 'b', [], true, at.toISOString()],
      [ids[2], 'c', ['①'], true, at.toISOString()],
    ]);
    await expect(ds.transaction((m) => insertRows(m, Probe, [{ name: 'a', tags: [], at } as unknown as Probe]))).rejects.toThrow();
    await ds.transaction((m) => insertRows(m, Probe, [{ name: 'a', tags: [], at }, { name: 'd', tags: [], at }] as unknown as Probe[], { ignoreDuplicates: true }));
    expect((await ds.getRepository(Probe).find({ order: { id: 'ASC' } })).map((r) => r.name)).toEqual(['a', 'b', 'c', 'd']);

    // More values than one statement may carry (SQLite: 32,766): written in chunks, ids still in order.
    const many = Array.from({ length: 9000 }, (_, i) => ({ name: `m${i}`, tags: [`t${i}`], at })) as unknown as Probe[];
    const manyIds = await ds.transaction((m) => insertRows(m, Probe, many));
    expect(manyIds).toHaveLength(9000);
    const stored = await ds.getRepository(Probe).find({ where: { id: In(manyIds) }, order: { id: 'ASC' } });
    expect(stored.map((r) => [r.id, r.name, r.tags[0]])).toEqual(many.map((r, i) => [manyIds[i], r.name, `t${i}`]));
  });

  it('leaves entities with columns TypeORM fills in itself to TypeORM', async () => {
    const ids = await ds.transaction((m) => insertRows(m, DatedProbe, [{ name: 'x' }, { name: 'y' }] as DatedProbe[]));
    const back = await ds.getRepository(DatedProbe).find({ order: { id: 'ASC' } });
    expect(back.map((r) => [r.id, r.name])).toEqual([[ids[0], 'x'], [ids[1], 'y']]);
    expect(back.every((r) => r.createdAt instanceof Date && !Number.isNaN(r.createdAt.getTime()))).toBe(true);
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
      const left = await ownTables(other);
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

  it('stores a group of blobs as one pack, each read back on its own and checked against its hash', async () => {
    const store = new LocalBlobStorage(dir);
    const items = [Buffer.from('Subject: 一通目\r\n\r\n本文'), Buffer.alloc(0), Buffer.alloc(200_000, 7), Buffer.from('三通目')];
    const blobs = await store.putMany(items);
    expect(blobs.map((b) => b.size)).toEqual(items.map((i) => i.length));
    expect(new Set(blobs.map((b) => b.key)).size).toBe(4);
    expect(blobs.every((b) => b.key.length <= 100)).toBe(true);
    const { readdirSync } = await import('node:fs');
    expect(readdirSync(join(dir, 'packs')).flatMap((d) => readdirSync(join(dir, 'packs', d)))).toHaveLength(1);
    for (const [i, b] of blobs.entries()) {
      expect((await store.read(b.key)).equals(items[i])).toBe(true);
      const chunks: Buffer[] = [];
      for await (const c of await store.get(b.key)) chunks.push(c as Buffer);
      expect(Buffer.concat(chunks).equals(items[i])).toBe(true);
    }
    expect(await store.putMany([])).toEqual([]);

    // Deleting one blob leaves its neighbours readable; the deleted one reads as missing.
    await store.delete(blobs[2].key);
    expect(await store.exists(blobs[2].key)).toBe(false);
    await expect(store.read(blobs[2].key)).rejects.toThrow(/does not exist/);
    expect((await store.read(blobs[3].key)).equals(items[3])).toBe(true);

    // A key whose hash, length or pack does not match is not found, never other bytes.
    const [, id, offset, length, hash] = /^pack-(\w+)-(\d+)-(\d+)-(\w+)$/.exec(blobs[3].key)!;
    await expect(store.read(`pack-${id}-${offset}-${length}-${'0'.repeat(16)}`)).rejects.toThrow(/does not exist/);
    await expect(store.read(`pack-${id}-${Number(offset) - 1}-${length}-${hash}`)).rejects.toThrow(/does not exist/);
    await expect(store.read(`pack-${id}-${offset}-${Number(length) + 5}-${hash}`)).rejects.toThrow(/does not exist/);
    await expect(store.read(`pack-${'f'.repeat(32)}-0-1-${hash}`)).rejects.toThrow(/does not exist/);
  });

  it('refuses keys that could escape its directory', async () => {
    const store = new LocalBlobStorage(dir);
    await expect(store.read('../../etc/passwd')).rejects.toThrow(/does not exist/);
    expect(await store.exists('sha256-../x')).toBe(false);
    expect(await store.exists('pack-../../x-0-1-0000000000000000')).toBe(false);
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
