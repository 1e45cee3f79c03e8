import { QueryRunner, TableColumnOptions } from 'typeorm';

/**
 * Migrations are written once, against TypeORM's schema API, and run on MySQL/MariaDB and
 * SQLite alike. These helpers paper over the few differences (precision, collation, booleans).
 */
export function columns(qr: QueryRunner) {
  const mysql = qr.connection.options.type === 'mysql';
  return {
    mysql,
    id: (): TableColumnOptions => ({
      name: 'id',
      type: 'integer',
      isPrimary: true,
      isGenerated: true,
      generationStrategy: 'increment',
    }),
    int: (name: string, o: Partial<TableColumnOptions> = {}): TableColumnOptions => ({ name, type: 'integer', ...o }),
    bigint: (name: string, o: Partial<TableColumnOptions> = {}): TableColumnOptions => ({ name, type: 'bigint', ...o }),
    str: (name: string, length: number, o: Partial<TableColumnOptions> = {}): TableColumnOptions => ({
      name,
      type: 'varchar',
      length: String(length),
      ...o,
    }),
    /** Exact, case-sensitive byte comparison: for normalised search text and hashes. */
    binStr: (name: string, length: number, o: Partial<TableColumnOptions> = {}): TableColumnOptions => ({
      name,
      type: 'varchar',
      length: String(length),
      ...(mysql ? { charset: 'utf8mb4', collation: 'utf8mb4_bin' } : {}),
      ...o,
    }),
    text: (name: string, o: Partial<TableColumnOptions> = {}): TableColumnOptions => ({
      name,
      type: mysql ? 'mediumtext' : 'text',
      ...o,
    }),
    /**
     * Normalised text searched with LIKE '%…%'. On MySQL it is stored as bytes (VARBINARY): the
     * byte-wise scan is about three times faster than a utf8mb4 one, and UTF-8 being
     * self-synchronising, a byte match is always a character match.
     */
    searchText: (name: string): TableColumnOptions =>
      mysql ? { name, type: 'varbinary', length: '16000' } : { name, type: 'text' },
    bool: (name: string, def: boolean, o: Partial<TableColumnOptions> = {}): TableColumnOptions => ({
      name,
      type: 'boolean',
      default: def ? (mysql ? 1 : 1) : 0,
      ...o,
    }),
    datetime: (name: string, o: Partial<TableColumnOptions> = {}): TableColumnOptions => ({
      name,
      type: 'datetime',
      ...(mysql ? { precision: 3 } : {}),
      ...o,
    }),
    date: (name: string, o: Partial<TableColumnOptions> = {}): TableColumnOptions => ({ name, type: 'date', ...o }),
  };
}
