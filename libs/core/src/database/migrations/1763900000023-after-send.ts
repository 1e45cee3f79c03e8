import { MigrationInterface, QueryRunner, TableColumn } from 'typeorm';
import { columns } from '../migration-helpers';

/**
 * 送信して対応済 / 送信して保留 / 送信のみ: what a reply makes of its ticket once it goes out, and
 * until when a 保留 lasts. Existing replies keep today's behaviour (`handled`). On SQLite the
 * columns are added with SQLite's own ALTER TABLE, so the reply table is not rebuilt.
 */
export class AfterSend1763900000023 implements MigrationInterface {
  name = 'AfterSend1763900000023';

  async up(qr: QueryRunner): Promise<void> {
    const c = columns(qr);
    if (c.mysql) {
      await qr.addColumn('reply', new TableColumn(c.str('after_send', 10, { default: "'handled'" })));
      await qr.addColumn('reply', new TableColumn(c.datetime('hold_until', { isNullable: true })));
      return;
    }
    await qr.query("ALTER TABLE reply ADD COLUMN after_send varchar(10) NOT NULL DEFAULT 'handled'");
    await qr.query('ALTER TABLE reply ADD COLUMN hold_until datetime NULL');
    // The query runner caches table shapes; the next migration must see these columns.
    qr.loadedTables = qr.loadedTables.filter((t) => t.name !== 'reply');
  }

  async down(qr: QueryRunner): Promise<void> {
    // Held tickets go back to 未対応, the state the older machine knows.
    await qr.query("UPDATE ticket SET state = 'unhandled' WHERE state = 'on_hold'");
    if (columns(qr).mysql) {
      await qr.dropColumn('reply', 'hold_until');
      await qr.dropColumn('reply', 'after_send');
      return;
    }
    await qr.query('ALTER TABLE reply DROP COLUMN hold_until');
    await qr.query('ALTER TABLE reply DROP COLUMN after_send');
    // The query runner caches table shapes; the next migration must see these columns.
    qr.loadedTables = qr.loadedTables.filter((t) => t.name !== 'reply');
  }
}
