import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { DataSourceOptions } from 'typeorm';
import { DatabaseConfig } from '../config/config.schema';
import { migrations } from './migrations';
import { SnakeNamingStrategy } from './snake-naming.strategy';

/**
 * TypeORM options for either database. Entities come from each domain library
 * (autoLoadEntities in the app, an explicit list in scripts); migrations are checked in.
 */
export function dataSourceOptions(db: DatabaseConfig, entities: DataSourceOptions['entities'] = []): DataSourceOptions {
  const common = {
    entities,
    migrations,
    migrationsRun: false,
    migrationsTableName: 'schema_migrations',
    synchronize: false,
    namingStrategy: new SnakeNamingStrategy(),
    logging: db.logging ? (['query', 'error'] as const) : (['error'] as const),
  };
  if (db.type === 'sqlite') {
    if (db.file !== ':memory:') mkdirSync(dirname(db.file), { recursive: true });
    return {
      ...common,
      logging: [...common.logging],
      type: 'better-sqlite3',
      database: db.file,
      // WAL lets readers run while the single writer commits; the busy timeout makes a second
      // writer wait instead of failing with SQLITE_BUSY.
      prepareDatabase: (conn: { pragma(s: string): unknown }) => {
        conn.pragma('journal_mode = WAL');
        conn.pragma('busy_timeout = 5000');
        conn.pragma('foreign_keys = ON');
        conn.pragma('synchronous = NORMAL');
      },
    };
  }
  return {
    ...common,
    logging: [...common.logging],
    type: 'mysql',
    host: db.host,
    port: db.port,
    username: db.username,
    password: db.password,
    database: db.database,
    charset: 'utf8mb4_bin',
    // Dates travel as UTC; the console renders them in the business's time zone.
    timezone: 'Z',
    dateStrings: false,
    supportBigNumbers: true,
    extra: { connectionLimit: 10 },
  };
}
