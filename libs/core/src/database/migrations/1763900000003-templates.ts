import { MigrationInterface, QueryRunner, Table, TableForeignKey, TableIndex } from 'typeorm';
import { columns } from '../migration-helpers';

/** Reply templates: body, sender and signature, per mailbox or shared (mailbox_id null). */
export class Templates1763900000003 implements MigrationInterface {
  name = 'Templates1763900000003';

  async up(qr: QueryRunner): Promise<void> {
    const c = columns(qr);
    await qr.createTable(
      new Table({
        name: 'template',
        columns: [
          c.id(),
          c.int('mailbox_id', { isNullable: true }),
          c.str('kind', 20),
          c.str('name', 100),
          c.text('body', { isNullable: true }),
          c.str('from_name', 255, { isNullable: true }),
          c.str('from_address', 254, { isNullable: true }),
          c.str('reply_to', 254, { isNullable: true }),
          c.datetime('created_at'),
          c.datetime('updated_at'),
        ],
        indices: [new TableIndex({ columnNames: ['mailbox_id', 'kind'] })],
        foreignKeys: [new TableForeignKey({ columnNames: ['mailbox_id'], referencedTableName: 'mailbox', referencedColumnNames: ['id'], onDelete: 'CASCADE' })],
      }),
    );
  }

  async down(qr: QueryRunner): Promise<void> {
    await qr.dropTable('template', true);
  }
}
