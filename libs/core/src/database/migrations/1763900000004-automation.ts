import { MigrationInterface, QueryRunner, Table, TableColumn, TableForeignKey, TableIndex } from 'typeorm';
import { columns } from '../migration-helpers';

/** Mailbox automation: folders, routing rules and what they did, journal and customer-link settings. */
export class Automation1763900000004 implements MigrationInterface {
  name = 'Automation1763900000004';

  async up(qr: QueryRunner): Promise<void> {
    const c = columns(qr);
    const fk = (column: string, table: string, onDelete: 'CASCADE' | 'SET NULL' = 'CASCADE') =>
      new TableForeignKey({ columnNames: [column], referencedTableName: table, referencedColumnNames: ['id'], onDelete });

    await qr.createTable(
      new Table({
        name: 'folder',
        columns: [c.id(), c.int('mailbox_id'), c.int('parent_id', { isNullable: true }), c.str('name', 100), c.int('position', { default: 0 }), c.datetime('created_at'), c.datetime('updated_at')],
        foreignKeys: [fk('mailbox_id', 'mailbox'), fk('parent_id', 'folder')],
        indices: [new TableIndex({ columnNames: ['mailbox_id', 'parent_id'] })],
      }),
    );
    await qr.createTable(
      new Table({
        name: 'routing_rule',
        columns: [
          c.id(),
          c.int('mailbox_id'),
          c.str('name', 100),
          c.int('position'),
          c.str('match_mode', 10),
          c.text('conditions_json'),
          c.text('actions_json'),
          c.bool('active', true),
          c.datetime('created_at'),
          c.datetime('updated_at'),
        ],
        foreignKeys: [fk('mailbox_id', 'mailbox')],
        indices: [new TableIndex({ columnNames: ['mailbox_id', 'position'] })],
      }),
    );
    // What each rule did to a ticket ("moved to 見積 by rule 3").
    await qr.createTable(
      new Table({
        name: 'ticket_rule_log',
        columns: [c.id(), c.int('ticket_id'), c.int('rule_id', { isNullable: true }), c.str('rule_name', 100), c.int('position'), c.text('actions_json'), c.datetime('created_at')],
        foreignKeys: [fk('ticket_id', 'ticket')],
        indices: [new TableIndex({ columnNames: ['ticket_id'] })],
      }),
    );
    await qr.addColumns('ticket', [new TableColumn(c.int('assignee_group_id', { isNullable: true }))]);
    await qr.createIndex('ticket', new TableIndex({ columnNames: ['mailbox_id', 'folder_id', 'last_activity_at'] }));
    await qr.addColumns('mailbox', [new TableColumn(c.text('journal_json', { isNullable: true })), new TableColumn(c.text('customer_link_json', { isNullable: true }))]);
  }

  async down(qr: QueryRunner): Promise<void> {
    await qr.dropColumn('mailbox', 'customer_link_json');
    await qr.dropColumn('mailbox', 'journal_json');
    const ticket = await qr.getTable('ticket');
    const idx = ticket?.indices.find((i) => i.columnNames.join() === 'mailbox_id,folder_id,last_activity_at');
    if (idx) await qr.dropIndex('ticket', idx);
    await qr.dropColumn('ticket', 'assignee_group_id');
    await qr.dropTable('ticket_rule_log');
    await qr.dropTable('routing_rule');
    await qr.dropTable('folder');
  }
}
