import { MigrationInterface, QueryRunner, TableColumn } from 'typeorm';
import { columns } from '../migration-helpers';

/**
 * 会社名 and 部署 on the customer (issue #17 point 7a), for business customers: both optional,
 * NULL for every existing customer. They are found through the customer's search text (no index of
 * their own). On SQLite the columns are added in place, as in 041: a TypeORM rebuild of
 * `customer` would cascade to its history entries.
 */
export class CustomerCompany1763900000043 implements MigrationInterface {
  name = 'CustomerCompany1763900000043';

  async up(qr: QueryRunner): Promise<void> {
    const c = columns(qr);
    if (c.mysql) {
      await qr.addColumns('customer', [
        new TableColumn(c.str('company_name', 100, { isNullable: true })),
        new TableColumn(c.str('department', 100, { isNullable: true })),
      ]);
    } else {
      await qr.query('ALTER TABLE "customer" ADD COLUMN "company_name" varchar(100) NULL');
      await qr.query('ALTER TABLE "customer" ADD COLUMN "department" varchar(100) NULL');
      qr.loadedTables = qr.loadedTables.filter((t) => t.name !== 'customer');
    }
  }

  async down(qr: QueryRunner): Promise<void> {
    if (columns(qr).mysql) {
      await qr.dropColumn('customer', 'department');
      await qr.dropColumn('customer', 'company_name');
    } else {
      await qr.query('ALTER TABLE "customer" DROP COLUMN "department"');
      await qr.query('ALTER TABLE "customer" DROP COLUMN "company_name"');
      qr.loadedTables = qr.loadedTables.filter((t) => t.name !== 'customer');
    }
  }
}
