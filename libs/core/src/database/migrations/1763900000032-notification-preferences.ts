import { MigrationInterface, QueryRunner, Table, TableColumn } from 'typeorm';
import { columns } from '../migration-helpers';

/**
 * Issue #13: each user's choice of notices by mail (tickets' `notification_preference`; no row
 * means nothing by mail), and a form's ticket-subject template (forms' `inquiry_form`; null
 * means the subject made as before), and when a 社内メモ was edited (`article.edited_at`). On SQLite the column is added with SQLite's own ALTER
 * TABLE, so the table is not rebuilt.
 */
export class NotificationPreferences1763900000032 implements MigrationInterface {
  name = 'NotificationPreferences1763900000032';

  async up(qr: QueryRunner): Promise<void> {
    const c = columns(qr);
    await qr.createTable(
      new Table({
        name: 'notification_preference',
        columns: [
          c.int('user_id', { isPrimary: true }),
          c.bool('mail_on_assign', false),
          c.bool('mail_on_mention', false),
          c.datetime('updated_at'),
        ],
      }),
    );
    if (c.mysql) {
      await qr.addColumn('inquiry_form', new TableColumn(c.str('subject_template', 200, { isNullable: true })));
      await qr.query('ALTER TABLE article ADD COLUMN edited_at datetime(3) NULL');
      return;
    }
    await qr.query('ALTER TABLE inquiry_form ADD COLUMN subject_template varchar(200) NULL');
    // article carries search triggers: never rebuilt, only ALTERed in place.
    await qr.query('ALTER TABLE article ADD COLUMN edited_at datetime NULL');
    // The query runner caches table shapes; the next migration must see these columns.
    qr.loadedTables = qr.loadedTables.filter((t) => t.name !== 'inquiry_form' && t.name !== 'article');
  }

  async down(qr: QueryRunner): Promise<void> {
    await qr.query('ALTER TABLE article DROP COLUMN edited_at');
    await qr.query('ALTER TABLE inquiry_form DROP COLUMN subject_template');
    qr.loadedTables = qr.loadedTables.filter((t) => t.name !== 'inquiry_form' && t.name !== 'article');
    await qr.dropTable('notification_preference');
  }
}
