import { dataSourceOptions, loadConfig, runMigrations } from '@madoguchi/core';
import { tmpdir } from 'node:os';
import { resolve } from 'node:path';
import { DataSource } from 'typeorm';
import { createTestDatabase, DbKind, TestDatabase } from './databases';

/** A fresh database with every migration applied, for tests that step migrations back and forth. */
export interface MigratedDatabase {
  db: TestDatabase;
  ds: DataSource;
  /** Undoes migrations, newest first, down to and including `name`. */
  undoTo(name: string): Promise<void>;
  /** The column names of a table as the database has them now. */
  columns(table: string): Promise<string[]>;
  close(): Promise<void>;
}

export async function migratedDatabase(kind: DbKind): Promise<MigratedDatabase> {
  const db = await createTestDatabase(kind);
  const config = loadConfig({ env: {}, configDir: resolve(__dirname, '../../config'), baseDir: tmpdir(), overrides: { DATABASE_URL: db.url, SECRET_KEY: 'e'.repeat(64) } });
  await runMigrations(config.database);
  const ds = new DataSource(dataSourceOptions(config.database));
  await ds.initialize();
  return {
    db,
    ds,
    async undoTo(name) {
      const at = ds.migrations.findIndex((mig) => mig.name === name);
      if (at < 0) throw new Error(`no migration named ${name}`);
      for (let i = ds.migrations.length - 1; i >= at; i--) await ds.undoLastMigration();
    },
    async columns(table) {
      const qr = ds.createQueryRunner();
      try {
        return ((await qr.getTable(table))?.columns ?? []).map((c) => c.name);
      } finally {
        await qr.release();
      }
    },
    async close() {
      await ds.destroy();
      await db.drop();
    },
  };
}
