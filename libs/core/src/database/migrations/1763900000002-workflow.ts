import { MigrationInterface, QueryRunner, Table, TableColumn, TableForeignKey, TableIndex } from 'typeorm';
import { columns } from '../migration-helpers';

/** Reply approval (replies as workflow rows), the transition log, notifications, uploads, approval policy. */
export class Workflow1763900000002 implements MigrationInterface {
  name = 'Workflow1763900000002';

  async up(qr: QueryRunner): Promise<void> {
    const c = columns(qr);
    const fk = (column: string, table: string, onDelete: 'CASCADE' | 'SET NULL' = 'CASCADE') =>
      new TableForeignKey({ columnNames: [column], referencedTableName: table, referencedColumnNames: ['id'], onDelete });

    await qr.addColumn('mailbox', new TableColumn(c.text('approval_policy', { isNullable: true })));

    // An outgoing reply from draft through approval to the outbox; the article is written when it is approved.
    await qr.createTable(
      new Table({
        name: 'reply',
        columns: [
          c.id(),
          c.int('ticket_id'),
          c.int('mailbox_id'),
          c.int('author_id', { isNullable: true }),
          c.str('state', 30),
          c.text('state_context', { isNullable: true }),
          c.int('state_version', { default: 1 }),
          c.datetime('state_changed_at'),
          c.int('version', { default: 1 }),
          c.text('to_json', { isNullable: true }),
          c.text('cc_json', { isNullable: true }),
          c.text('bcc_json', { isNullable: true }),
          c.str('subject', 998),
          c.text('body_text'),
          c.text('attachments_json', { isNullable: true }),
          c.int('sender_template_id', { isNullable: true }),
          c.int('signature_template_id', { isNullable: true }),
          c.datetime('send_at', { isNullable: true }),
          c.str('previous_subject', 998, { isNullable: true }),
          c.text('previous_text', { isNullable: true }),
          c.int('article_id', { isNullable: true }),
          c.datetime('created_at'),
          c.datetime('updated_at'),
        ],
        foreignKeys: [fk('ticket_id', 'ticket'), fk('mailbox_id', 'mailbox'), fk('author_id', 'staff_user', 'SET NULL')],
        indices: [
          new TableIndex({ columnNames: ['ticket_id'] }),
          new TableIndex({ columnNames: ['mailbox_id', 'state', 'created_at'] }),
          new TableIndex({ columnNames: ['author_id', 'state'] }),
          new TableIndex({ columnNames: ['article_id'] }),
        ],
      }),
    );

    // Append-only: every event a workflow machine took.
    await qr.createTable(
      new Table({
        name: 'workflow_transition',
        columns: [
          c.id(),
          c.str('machine', 20),
          c.int('entity_id'),
          c.int('ticket_id'),
          c.str('from_state', 30),
          c.str('to_state', 30),
          c.str('event', 30),
          c.int('actor_id', { isNullable: true }),
          c.str('actor_label', 255),
          c.text('reason', { isNullable: true }),
          c.datetime('created_at'),
        ],
        indices: [new TableIndex({ columnNames: ['ticket_id', 'id'] }), new TableIndex({ columnNames: ['machine', 'entity_id'] })],
      }),
    );

    // In-app notifications (approval requested, reply rejected/approved).
    await qr.createTable(
      new Table({
        name: 'notification',
        columns: [
          c.id(),
          c.int('user_id'),
          c.str('kind', 30),
          c.int('ticket_id', { isNullable: true }),
          c.int('reply_id', { isNullable: true }),
          c.str('text', 1000),
          c.datetime('created_at'),
          c.datetime('read_at', { isNullable: true }),
        ],
        foreignKeys: [fk('user_id', 'staff_user')],
        indices: [new TableIndex({ columnNames: ['user_id', 'read_at', 'id'] })],
      }),
    );

    // Files uploaded for a reply before it is written; the bytes are in blob storage.
    await qr.createTable(
      new Table({
        name: 'upload',
        columns: [
          c.str('id', 36, { isPrimary: true }),
          c.int('user_id'),
          c.str('filename', 255),
          c.str('content_type', 255),
          c.bigint('size'),
          c.str('blob_key', 100),
          c.datetime('created_at'),
        ],
        foreignKeys: [fk('user_id', 'staff_user')],
      }),
    );

    await qr.addColumn('article', new TableColumn(c.str('history_kind', 20, { isNullable: true })));
  }

  async down(qr: QueryRunner): Promise<void> {
    await qr.dropColumn('article', 'history_kind');
    await qr.dropTable('upload');
    await qr.dropTable('notification');
    await qr.dropTable('workflow_transition');
    await qr.dropTable('reply');
    await qr.dropColumn('mailbox', 'approval_policy');
  }
}
