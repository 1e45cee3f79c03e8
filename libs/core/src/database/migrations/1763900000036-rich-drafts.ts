import { MigrationInterface, QueryRunner } from 'typeorm';
import { columns } from '../migration-helpers';

/**
 * Issue #13: a rich text draft keeps its formatting (tickets' `reply_draft.body_html`; null: a
 * plain text draft). Added in place on both databases, so the table is not rebuilt.
 */
export class RichDrafts1763900000036 implements MigrationInterface {
  name = 'RichDrafts1763900000036';

  async up(qr: QueryRunner): Promise<void> {
    const c = columns(qr);
    await qr.query(`ALTER TABLE reply_draft ADD COLUMN body_html ${c.mysql ? 'mediumtext' : 'text'} NULL`);
    qr.loadedTables = qr.loadedTables.filter((t) => t.name !== 'reply_draft');
  }

  async down(qr: QueryRunner): Promise<void> {
    await qr.query('ALTER TABLE reply_draft DROP COLUMN body_html');
  }
}
