import { MigrationInterface, QueryRunner, Table, TableColumn, TableForeignKey, TableIndex } from 'typeorm';
import { columns } from '../migration-helpers';

/**
 * Member management (issue #17 points 4–6): visit records (来店・利用金額) and images on the
 * karte, each deleted with its customer and found by a merge through its foreign key, and the
 * withdrawal mark on the customer (退会: kept, only marked). Existing customers stay members
 * (`withdrawn_at` NULL). On SQLite the column is added with SQLite's own ALTER TABLE: TypeORM
 * would rebuild `customer`, and dropping the old table would cascade to its history entries.
 */
export class CustomerVisitsImages1763900000041 implements MigrationInterface {
  name = 'CustomerVisitsImages1763900000041';

  async up(qr: QueryRunner): Promise<void> {
    const c = columns(qr);
    if (c.mysql) {
      await qr.addColumn('customer', new TableColumn(c.datetime('withdrawn_at', { isNullable: true })));
    } else {
      await qr.query('ALTER TABLE "customer" ADD COLUMN "withdrawn_at" datetime NULL');
      // The query runner caches table shapes; a later migration must see this column.
      qr.loadedTables = qr.loadedTables.filter((t) => t.name !== 'customer');
    }
    const toCustomer = () =>
      new TableForeignKey({
        columnNames: ['customer_id'],
        referencedTableName: 'customer',
        referencedColumnNames: ['id'],
        onDelete: 'CASCADE',
      });
    await qr.createTable(
      new Table({
        name: 'customer_visit',
        columns: [
          c.id(),
          c.int('customer_id'),
          c.datetime('visited_at'),
          c.str('branch', 100, { isNullable: true }),
          c.int('staff_id', { isNullable: true }),
          c.int('amount', { default: 0 }),
          c.text('service_memo', { isNullable: true }),
          c.text('proposal_memo', { isNullable: true }),
          c.int('created_by_id', { isNullable: true }),
          c.datetime('created_at'),
          c.datetime('updated_at'),
        ],
        indices: [
          new TableIndex({
            name: 'IDX_customer_visit_customer',
            columnNames: ['customer_id', 'visited_at', 'id'],
          }),
        ],
        foreignKeys: [toCustomer()],
      }),
    );
    await qr.createTable(
      new Table({
        name: 'customer_image',
        columns: [
          c.id(),
          c.int('customer_id'),
          c.str('filename', 255),
          c.str('content_type', 100),
          c.int('size'),
          c.str('blob_key', 100),
          c.int('created_by_id', { isNullable: true }),
          c.datetime('created_at'),
        ],
        indices: [
          new TableIndex({ name: 'IDX_customer_image_customer', columnNames: ['customer_id', 'created_at'] }),
        ],
        foreignKeys: [toCustomer()],
      }),
    );
  }

  async down(qr: QueryRunner): Promise<void> {
    await qr.dropTable('customer_image');
    await qr.dropTable('customer_visit');
    if (columns(qr).mysql) await qr.dropColumn('customer', 'withdrawn_at');
    else {
      // In place (SQLite 3.35+), as in up(): a rebuild would cascade to the history entries.
      await qr.query('ALTER TABLE "customer" DROP COLUMN "withdrawn_at"');
      qr.loadedTables = qr.loadedTables.filter((t) => t.name !== 'customer');
    }
  }
}
