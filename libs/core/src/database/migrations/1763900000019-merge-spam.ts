import { MigrationInterface, QueryRunner, Table, TableColumn, TableIndex } from 'typeorm';
import { columns } from '../migration-helpers';

/**
 * Merging tickets and blocked senders (issue #13 points 4 and 5): a merged ticket keeps its row
 * and code and points at the ticket it was merged into; `blocked_sender` lists the addresses
 * (`taro@example.jp`) and domains (`@example.jp`) whose mail a mailbox files straight to spam.
 * Existing tickets are not merged (the new column is NULL), so no row changes.
 */
export class MergeSpam1763900000019 implements MigrationInterface {
  name = 'MergeSpam1763900000019';

  async up(qr: QueryRunner): Promise<void> {
    const c = columns(qr);
    if (c.mysql) {
      await qr.addColumn('ticket', new TableColumn(c.int('merged_into_id', { isNullable: true })));
      await qr.createIndex('ticket', new TableIndex({ name: 'IDX_ticket_merged_into', columnNames: ['merged_into_id'] }));
    } else {
      // TypeORM adds a column on SQLite by rebuilding the table from its cached shape (stale after
      // an earlier migration's own ALTER), and dropping the old `ticket` would cascade to its
      // articles; SQLite's ADD COLUMN alters it in place.
      await qr.query('ALTER TABLE "ticket" ADD COLUMN "merged_into_id" integer');
      await qr.query('CREATE INDEX "IDX_ticket_merged_into" ON "ticket" ("merged_into_id")');
    }
    await qr.createTable(
      new Table({
        name: 'blocked_sender',
        columns: [c.id(), c.int('mailbox_id'), c.str('pattern', 255), c.str('kind', 10), c.int('created_by', { isNullable: true }), c.datetime('created_at')],
        indices: [new TableIndex({ name: 'UQ_blocked_sender_pattern', columnNames: ['mailbox_id', 'pattern'], isUnique: true })],
      }),
    );
  }

  async down(qr: QueryRunner): Promise<void> {
    await qr.dropTable('blocked_sender');
    if (columns(qr).mysql) {
      await qr.dropIndex('ticket', 'IDX_ticket_merged_into');
      await qr.dropColumn('ticket', 'merged_into_id');
    } else {
      // In place, as in up() (SQLite 3.35+): a rebuild would cascade to the articles.
      await qr.query('DROP INDEX "IDX_ticket_merged_into"');
      await qr.query('ALTER TABLE "ticket" DROP COLUMN "merged_into_id"');
    }
  }
}
