import { MigrationInterface, QueryRunner, Table, TableForeignKey, TableIndex } from 'typeorm';
import { columns } from '../migration-helpers';

/**
 * `captured_mail`, owned by libs/mail: the messages a mailbox without an SMTP account kept
 * instead of sending (mail.capture), one per outbox row, the raw message in blob storage.
 */
export class CapturedMail1763900000014 implements MigrationInterface {
  name = 'CapturedMail1763900000014';

  async up(qr: QueryRunner): Promise<void> {
    const c = columns(qr);
    await qr.createTable(
      new Table({
        name: 'captured_mail',
        columns: [
          c.id(),
          c.int('outbox_id'),
          c.int('mailbox_id'),
          c.str('message_id', 255),
          c.str('from_address', 255),
          c.text('to_json'),
          c.str('subject', 998),
          c.str('blob_key', 100),
          c.bigint('size'),
          c.datetime('created_at'),
        ],
        indices: [
          new TableIndex({ name: 'UQ_captured_mail_outbox', columnNames: ['outbox_id'], isUnique: true }),
          new TableIndex({ name: 'IDX_captured_mail_mailbox', columnNames: ['mailbox_id', 'id'] }),
        ],
        foreignKeys: [
          new TableForeignKey({
            columnNames: ['mailbox_id'],
            referencedTableName: 'mailbox',
            referencedColumnNames: ['id'],
            onDelete: 'CASCADE',
          }),
        ],
      }),
    );
  }

  async down(qr: QueryRunner): Promise<void> {
    await qr.dropTable('captured_mail');
  }
}
