import { MigrationInterface, QueryRunner, TableColumn, TableIndex } from 'typeorm';
import { columns } from '../migration-helpers';

/**
 * What an outbox row is for (`reply`, `form_thanks`, `journal`, `notification`, `test`) and its
 * subject, so the karte can list every mail sent to a customer by kind (issue #12 point 8).
 * Rows already there: those on a ticket are replies; the others stay unknown (NULL).
 */
export class OutboxPurpose1763900000027 implements MigrationInterface {
  name = 'OutboxPurpose1763900000027';

  async up(qr: QueryRunner): Promise<void> {
    const c = columns(qr);
    if (c.mysql) {
      await qr.addColumns('outbox', [new TableColumn(c.str('purpose', 20, { isNullable: true })), new TableColumn(c.str('subject', 255, { isNullable: true }))]);
    } else {
      // In place: TypeORM would rebuild `outbox` from a cached shape on SQLite.
      await qr.query('ALTER TABLE "outbox" ADD COLUMN "purpose" varchar(20)');
      await qr.query('ALTER TABLE "outbox" ADD COLUMN "subject" varchar(255)');
    }
    await qr.query("UPDATE outbox SET purpose = 'reply' WHERE ticket_id IS NOT NULL");
    await qr.createIndex('outbox', new TableIndex({ name: 'IDX_outbox_target', columnNames: ['target'] }));
  }

  async down(qr: QueryRunner): Promise<void> {
    await qr.dropIndex('outbox', 'IDX_outbox_target');
    if (columns(qr).mysql) {
      await qr.dropColumn('outbox', 'subject');
      await qr.dropColumn('outbox', 'purpose');
    } else {
      await qr.query('ALTER TABLE "outbox" DROP COLUMN "subject"');
      await qr.query('ALTER TABLE "outbox" DROP COLUMN "purpose"');
    }
  }
}
