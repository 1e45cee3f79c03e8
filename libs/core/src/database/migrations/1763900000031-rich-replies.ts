import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue #13 point 11: a rich text reply keeps its sanitised HTML beside the text (`reply.body_html`;
 * the outbound article already has `body_html`), and each user a personal signature
 * (`staff_user.signature`, at most 2,000 characters). Plain ALTER TABLE on both dialects, so
 * SQLite never rebuilds a table.
 */
export class RichReplies1763900000031 implements MigrationInterface {
  name = 'RichReplies1763900000031';

  async up(qr: QueryRunner): Promise<void> {
    const mysql = qr.connection.options.type === 'mysql';
    await qr.query(`ALTER TABLE reply ADD COLUMN body_html ${mysql ? 'mediumtext' : 'text'} NULL`);
    await qr.query(`ALTER TABLE staff_user ADD COLUMN signature varchar(2000) NULL`);
    // The query runner caches table shapes; a later migration must see these columns.
    qr.loadedTables = qr.loadedTables.filter((t) => t.name !== 'reply' && t.name !== 'staff_user');
  }

  async down(qr: QueryRunner): Promise<void> {
    await qr.query('ALTER TABLE staff_user DROP COLUMN signature');
    await qr.query('ALTER TABLE reply DROP COLUMN body_html');
    qr.loadedTables = qr.loadedTables.filter((t) => t.name !== 'reply' && t.name !== 'staff_user');
  }
}
