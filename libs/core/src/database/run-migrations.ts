import { DataSource } from 'typeorm';
import { DatabaseConfig } from '../config/config.schema';
import { dataSourceOptions } from './database.options';

/** Applies pending migrations with a short-lived connection; returns the names applied. */
export async function runMigrations(db: DatabaseConfig): Promise<string[]> {
  const ds = new DataSource(dataSourceOptions(db));
  await ds.initialize();
  try {
    const applied = await ds.runMigrations({ transaction: 'each' });
    return applied.map((m) => m.name);
  } finally {
    await ds.destroy();
  }
}
