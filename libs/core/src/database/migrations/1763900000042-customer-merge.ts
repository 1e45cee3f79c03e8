import { MigrationInterface, QueryRunner, TableColumn, TableIndex } from 'typeorm';
import { columns } from '../migration-helpers';

/**
 * 重複会員統合 (issue #17 point 2): `customer.merged_into_id` points a merged-away customer at its
 * survivor (NULL for every existing customer: nobody is merged yet), and indexes that let the
 * duplicate finder group 100,000 customers by name or kana without sorting the whole table. On
 * SQLite the column is added in place, as in 041: a TypeORM rebuild of `customer` would cascade
 * to its history entries.
 */
export class CustomerMerge1763900000042 implements MigrationInterface {
  name = 'CustomerMerge1763900000042';

  async up(qr: QueryRunner): Promise<void> {
    const c = columns(qr);
    if (c.mysql) {
      await qr.addColumn('customer', new TableColumn(c.int('merged_into_id', { isNullable: true })));
      await qr.createIndices('customer', [
        new TableIndex({ name: 'IDX_customer_merged_into', columnNames: ['merged_into_id'] }),
        new TableIndex({ name: 'IDX_customer_name', columnNames: ['last_name', 'first_name'] }),
        new TableIndex({ name: 'IDX_customer_kana', columnNames: ['last_name_kana', 'first_name_kana'] }),
      ]);
    } else {
      await qr.query('ALTER TABLE "customer" ADD COLUMN "merged_into_id" integer NULL');
      await qr.query('CREATE INDEX "IDX_customer_merged_into" ON "customer" ("merged_into_id")');
      await qr.query('CREATE INDEX "IDX_customer_name" ON "customer" ("last_name", "first_name")');
      await qr.query('CREATE INDEX "IDX_customer_kana" ON "customer" ("last_name_kana", "first_name_kana")');
      // The query runner caches table shapes; a later migration must see this column.
      qr.loadedTables = qr.loadedTables.filter((t) => t.name !== 'customer');
    }
  }

  async down(qr: QueryRunner): Promise<void> {
    if (columns(qr).mysql) {
      for (const name of ['IDX_customer_kana', 'IDX_customer_name', 'IDX_customer_merged_into'])
        await qr.dropIndex('customer', name);
      await qr.dropColumn('customer', 'merged_into_id');
    } else {
      for (const name of ['IDX_customer_kana', 'IDX_customer_name', 'IDX_customer_merged_into'])
        await qr.query(`DROP INDEX "${name}"`);
      await qr.query('ALTER TABLE "customer" DROP COLUMN "merged_into_id"');
      qr.loadedTables = qr.loadedTables.filter((t) => t.name !== 'customer');
    }
  }
}
