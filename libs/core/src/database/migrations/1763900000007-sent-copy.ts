import { MigrationInterface, QueryRunner, TableColumn, TableIndex } from 'typeorm';
import { columns } from '../migration-helpers';

/** A sent message whose copy could not be put in the IMAP Sent folder, kept to try again. */
export class SentCopy1763900000007 implements MigrationInterface {
  name = 'SentCopy1763900000007';

  async up(qr: QueryRunner): Promise<void> {
    const c = columns(qr);
    await qr.addColumns('outbox', [
      new TableColumn(c.str('sent_copy', 20, { isNullable: true })),
      new TableColumn(c.str('sent_copy_key', 100, { isNullable: true })),
      new TableColumn(c.int('sent_copy_attempts', { default: 0 })),
      new TableColumn(c.datetime('sent_copy_due_at', { isNullable: true })),
    ]);
    await qr.createIndex('outbox', new TableIndex({ name: 'idx_outbox_sent_copy', columnNames: ['sent_copy', 'sent_copy_due_at'] }));
  }

  async down(qr: QueryRunner): Promise<void> {
    await qr.dropIndex('outbox', 'idx_outbox_sent_copy');
    for (const name of ['sent_copy_due_at', 'sent_copy_attempts', 'sent_copy_key', 'sent_copy']) await qr.dropColumn('outbox', name);
  }
}
