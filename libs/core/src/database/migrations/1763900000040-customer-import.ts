import { MigrationInterface, QueryRunner, Table, TableIndex } from 'typeorm';
import { columns } from '../migration-helpers';

/**
 * 顧客データCSV取込 (issue #17 point 1): one row per import, holding its options, the stored
 * upload, its progress and its first errors. Progress is written in the same transaction as each
 * batch of customers, so any instance can answer the status and a worker that dies resumes from
 * the last committed batch; `lease_owner`/`lease_until` say which worker holds it.
 */
export class CustomerImport1763900000040 implements MigrationInterface {
  name = 'CustomerImport1763900000040';

  async up(qr: QueryRunner): Promise<void> {
    const c = columns(qr);
    await qr.createTable(
      new Table({
        name: 'customer_import',
        columns: [
          c.str('id', 36, { isPrimary: true }),
          c.str('state', 20),
          c.str('phase', 10),
          c.str('mode', 10),
          c.str('match_by', 10),
          c.bool('atomic', false),
          c.text('mapping'),
          c.str('filename', 255),
          c.bigint('size'),
          c.str('blob_key', 200),
          c.str('encoding', 20),
          c.str('delimiter', 2),
          c.int('total', { isNullable: true }),
          c.int('processed', { default: 0 }),
          c.int('created', { default: 0 }),
          c.int('updated', { default: 0 }),
          c.int('skipped', { default: 0 }),
          c.int('error_count', { default: 0 }),
          c.text('errors_json'),
          c.str('failure_code', 50, { isNullable: true }),
          c.str('lease_owner', 64, { isNullable: true }),
          c.datetime('lease_until', { isNullable: true }),
          c.int('attempts', { default: 0 }),
          c.int('created_by_id', { isNullable: true }),
          c.str('created_by_label', 200),
          c.datetime('created_at'),
          c.datetime('updated_at'),
          c.datetime('finished_at', { isNullable: true }),
        ],
        indices: [new TableIndex({ name: 'IDX_customer_import_state', columnNames: ['state', 'lease_until'] })],
      }),
    );
  }

  async down(qr: QueryRunner): Promise<void> {
    await qr.dropTable('customer_import');
  }
}
