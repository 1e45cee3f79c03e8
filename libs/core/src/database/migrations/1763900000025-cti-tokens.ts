import { MigrationInterface, QueryRunner, TableColumn, TableIndex } from 'typeorm';
import { columns } from '../migration-helpers';

/**
 * Incoming calls (issue #12 point 7): an API token may be scoped to CTI (`scope = 'cti'`), so
 * the phone system's webhook token can post calls and nothing else; existing tokens keep a NULL
 * scope (ordinary sign-in tokens), so no row changes. `IDX_history_kind_updated` lets each
 * instance read the call entries changed since its last look (the live pop-up's relay) without
 * scanning the history.
 */
export class CtiTokens1763900000025 implements MigrationInterface {
  name = 'CtiTokens1763900000025';

  async up(qr: QueryRunner): Promise<void> {
    const c = columns(qr);
    if (c.mysql) {
      await qr.addColumn('api_token', new TableColumn(c.str('scope', 10, { isNullable: true })));
      await qr.createIndex(
        'history_entry',
        new TableIndex({ name: 'IDX_history_kind_updated', columnNames: ['kind', 'updated_at', 'id'] }),
      );
    } else {
      // TypeORM adds a column on SQLite by rebuilding the table from a cached shape; SQLite's
      // ADD COLUMN alters it in place (see migration 0019).
      await qr.query('ALTER TABLE "api_token" ADD COLUMN "scope" varchar(10)');
      await qr.query(
        'CREATE INDEX "IDX_history_kind_updated" ON "history_entry" ("kind", "updated_at", "id")',
      );
    }
  }

  async down(qr: QueryRunner): Promise<void> {
    if (columns(qr).mysql) {
      await qr.dropIndex('history_entry', 'IDX_history_kind_updated');
      await qr.dropColumn('api_token', 'scope');
    } else {
      await qr.query('DROP INDEX "IDX_history_kind_updated"');
      await qr.query('ALTER TABLE "api_token" DROP COLUMN "scope"');
    }
  }
}
