import { MigrationInterface, QueryRunner, Table, TableForeignKey, TableIndex } from 'typeorm';
import { columns } from '../migration-helpers';

/** Inquiry forms (問い合わせフォーム) of a mailbox, and the per-client submission log behind their rate limit. */
export class Forms1763900000005 implements MigrationInterface {
  name = 'Forms1763900000005';

  async up(qr: QueryRunner): Promise<void> {
    const c = columns(qr);
    await qr.createTable(
      new Table({
        name: 'inquiry_form',
        columns: [
          c.id(),
          c.int('mailbox_id'),
          c.str('name', 100),
          c.str('slug', 60, { isUnique: true }),
          c.text('description', { isNullable: true }),
          c.text('fields_json'),
          c.str('reply_email_field', 40),
          c.text('thank_you_json'),
          c.bool('active', true),
          c.datetime('created_at'),
          c.datetime('updated_at'),
        ],
        indices: [new TableIndex({ columnNames: ['mailbox_id'] })],
        foreignKeys: [new TableForeignKey({ columnNames: ['mailbox_id'], referencedTableName: 'mailbox', referencedColumnNames: ['id'], onDelete: 'CASCADE' })],
      }),
    );
    await qr.createTable(
      new Table({
        name: 'form_submission_hit',
        columns: [c.id(), c.int('form_id'), c.str('client_key', 64), c.datetime('created_at')],
        indices: [new TableIndex({ columnNames: ['form_id', 'client_key', 'created_at'] }), new TableIndex({ columnNames: ['created_at'] })],
        foreignKeys: [new TableForeignKey({ columnNames: ['form_id'], referencedTableName: 'inquiry_form', referencedColumnNames: ['id'], onDelete: 'CASCADE' })],
      }),
    );
  }

  async down(qr: QueryRunner): Promise<void> {
    await qr.dropTable('form_submission_hit', true);
    await qr.dropTable('inquiry_form', true);
  }
}
