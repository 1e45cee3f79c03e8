import { MigrationInterface, QueryRunner, Table, TableColumn, TableForeignKey, TableIndex } from 'typeorm';
import { columns } from '../migration-helpers';

/** Mailbox connections and intake state, tickets and articles, attachments, the outbox. */
export class Email1763900000001 implements MigrationInterface {
  name = 'Email1763900000001';

  async up(qr: QueryRunner): Promise<void> {
    const c = columns(qr);
    const fk = (column: string, table: string, onDelete: 'CASCADE' | 'SET NULL' = 'CASCADE') =>
      new TableForeignKey({ columnNames: [column], referencedTableName: table, referencedColumnNames: ['id'], onDelete });

    await qr.addColumns('mailbox', [
      new TableColumn(c.bool('active', true)),
      new TableColumn(c.str('imap_host', 255, { isNullable: true })),
      new TableColumn(c.int('imap_port', { isNullable: true })),
      new TableColumn(c.bool('imap_secure', true)),
      new TableColumn(c.str('imap_user', 255, { isNullable: true })),
      new TableColumn(c.text('imap_secret', { isNullable: true })),
      new TableColumn(c.str('imap_folder', 255, { default: "'INBOX'" })),
      new TableColumn(c.str('smtp_host', 255, { isNullable: true })),
      new TableColumn(c.int('smtp_port', { isNullable: true })),
      new TableColumn(c.bool('smtp_secure', false)),
      new TableColumn(c.str('smtp_user', 255, { isNullable: true })),
      new TableColumn(c.text('smtp_secret', { isNullable: true })),
      new TableColumn(c.str('sent_folder', 255, { isNullable: true })),
      new TableColumn(c.str('outgoing_charset', 20, { default: "'utf-8'" })),
      new TableColumn(c.int('poll_interval_sec', { default: 60 })),
      new TableColumn(c.str('lease_owner', 100, { isNullable: true })),
      new TableColumn(c.datetime('lease_until', { isNullable: true })),
      new TableColumn(c.datetime('next_poll_at', { isNullable: true })),
      new TableColumn(c.datetime('last_fetch_at', { isNullable: true })),
      new TableColumn(c.text('last_error', { isNullable: true })),
      new TableColumn(c.datetime('last_error_at', { isNullable: true })),
      new TableColumn(c.int('consecutive_failures', { default: 0 })),
    ]);

    // Where intake stands in each IMAP folder: UIDVALIDITY plus the last UID taken.
    await qr.createTable(
      new Table({
        name: 'mailbox_cursor',
        columns: [
          c.int('mailbox_id', { isPrimary: true }),
          c.binStr('folder', 255, { isPrimary: true }),
          c.bigint('uid_validity'),
          c.bigint('last_uid'),
          c.datetime('updated_at'),
        ],
        foreignKeys: [fk('mailbox_id', 'mailbox')],
      }),
    );

    // Every message received, stored raw before it is parsed.
    await qr.createTable(
      new Table({
        name: 'raw_message',
        columns: [
          c.id(),
          c.int('mailbox_id'),
          c.str('source', 20),
          c.binStr('folder', 255, { isNullable: true }),
          c.bigint('uid_validity', { isNullable: true }),
          c.bigint('uid', { isNullable: true }),
          c.binStr('blob_key', 100, { isNullable: true }),
          c.bigint('size'),
          c.binStr('sha256', 64),
          c.binStr('message_id', 255, { isNullable: true }),
          c.str('state', 20),
          c.text('error', { isNullable: true }),
          c.int('ticket_id', { isNullable: true }),
          c.int('article_id', { isNullable: true }),
          c.datetime('received_at'),
          c.datetime('processed_at', { isNullable: true }),
        ],
        indices: [
          new TableIndex({ columnNames: ['mailbox_id', 'folder', 'uid_validity', 'uid'], isUnique: true }),
          new TableIndex({ columnNames: ['mailbox_id', 'sha256'] }),
          new TableIndex({ columnNames: ['mailbox_id', 'state'] }),
        ],
        foreignKeys: [fk('mailbox_id', 'mailbox')],
      }),
    );

    // One row per distinct message per mailbox (Message-ID plus a hash of what it says): the
    // primary key makes a second copy fail inside its delivery transaction, whichever way it came.
    await qr.createTable(
      new Table({
        name: 'mail_dedupe',
        columns: [c.int('mailbox_id', { isPrimary: true }), c.binStr('content_key', 64, { isPrimary: true }), c.int('raw_message_id')],
        foreignKeys: [fk('mailbox_id', 'mailbox')],
      }),
    );

    await qr.query(`INSERT INTO sequence (name, value) VALUES ('ticket_code', 0)`);

    await qr.createTable(
      new Table({
        name: 'ticket',
        columns: [
          c.id(),
          c.str('code', 20, { isUnique: true }),
          c.int('mailbox_id'),
          c.int('folder_id', { isNullable: true }),
          c.str('state', 30),
          c.int('state_version', { default: 1 }),
          c.text('state_context', { isNullable: true }),
          c.datetime('state_changed_at'),
          c.int('version', { default: 1 }),
          c.str('subject', 998),
          c.str('channel', 20),
          c.int('customer_id', { isNullable: true }),
          c.int('assignee_id', { isNullable: true }),
          c.str('contact_address', 254, { isNullable: true }),
          c.str('contact_name', 255, { isNullable: true }),
          c.text('labels', { isNullable: true }),
          c.bool('unread', true),
          c.bool('spam', false),
          c.int('mentions_ticket_id', { isNullable: true }),
          c.datetime('created_at'),
          c.datetime('last_activity_at'),
        ],
        indices: [
          new TableIndex({ columnNames: ['mailbox_id', 'state', 'last_activity_at'] }),
          new TableIndex({ columnNames: ['mailbox_id', 'last_activity_at'] }),
          new TableIndex({ columnNames: ['customer_id'] }),
          new TableIndex({ columnNames: ['contact_address'] }),
        ],
        foreignKeys: [fk('mailbox_id', 'mailbox'), fk('customer_id', 'customer', 'SET NULL')],
      }),
    );

    await qr.createTable(
      new Table({
        name: 'article',
        columns: [
          c.id(),
          c.int('ticket_id'),
          c.str('kind', 20),
          c.str('direction', 10),
          c.str('sender', 10),
          c.binStr('message_id', 255, { isNullable: true }),
          c.text('in_reply_to', { isNullable: true }),
          c.text('references', { isNullable: true }),
          c.str('from_address', 254, { isNullable: true }),
          c.str('from_name', 255, { isNullable: true }),
          c.text('to_json', { isNullable: true }),
          c.text('cc_json', { isNullable: true }),
          c.text('bcc_json', { isNullable: true }),
          c.str('subject', 998, { isNullable: true }),
          c.text('body_text', { isNullable: true }),
          c.text('body_html', { isNullable: true }),
          c.str('status', 20, { isNullable: true }),
          c.int('author_id', { isNullable: true }),
          c.int('raw_message_id', { isNullable: true }),
          c.str('classification', 20, { isNullable: true }),
          c.datetime('created_at'),
        ],
        indices: [new TableIndex({ columnNames: ['ticket_id', 'created_at'] })],
        foreignKeys: [fk('ticket_id', 'ticket')],
      }),
    );

    // Every message id known in a mailbox, inbound and outbound: what threading looks up.
    await qr.createTable(
      new Table({
        name: 'thread_key',
        columns: [
          c.int('mailbox_id', { isPrimary: true }),
          c.binStr('message_id', 255, { isPrimary: true }),
          c.int('ticket_id'),
          c.int('article_id', { isNullable: true }),
        ],
        indices: [new TableIndex({ columnNames: ['ticket_id'] })],
        foreignKeys: [fk('mailbox_id', 'mailbox'), fk('ticket_id', 'ticket')],
      }),
    );

    await qr.createTable(
      new Table({
        name: 'attachment',
        columns: [
          c.id(),
          c.int('article_id'),
          c.str('filename', 255),
          c.str('content_type', 255),
          c.bigint('size'),
          c.binStr('blob_key', 100),
          c.binStr('content_id', 255, { isNullable: true }),
          c.bool('inline', false),
        ],
        indices: [new TableIndex({ columnNames: ['article_id'] })],
        foreignKeys: [fk('article_id', 'article')],
      }),
    );

    // Every outgoing message is a row here before anything is sent.
    await qr.createTable(
      new Table({
        name: 'outbox',
        columns: [
          c.id(),
          c.str('channel', 20),
          c.int('mailbox_id'),
          c.int('ticket_id', { isNullable: true }),
          c.int('article_id', { isNullable: true }),
          c.str('state', 20),
          c.text('payload'),
          c.binStr('message_id', 255),
          c.datetime('due_at'),
          c.bool('cancel_on_customer_reply', false),
          c.int('attempts', { default: 0 }),
          c.text('last_error', { isNullable: true }),
          c.str('lock_owner', 100, { isNullable: true }),
          c.datetime('locked_until', { isNullable: true }),
          c.datetime('sent_at', { isNullable: true }),
          c.datetime('created_at'),
          c.datetime('updated_at'),
        ],
        indices: [new TableIndex({ columnNames: ['state', 'due_at'] }), new TableIndex({ columnNames: ['ticket_id'] })],
        foreignKeys: [fk('mailbox_id', 'mailbox')],
      }),
    );
  }

  async down(qr: QueryRunner): Promise<void> {
    for (const t of ['outbox', 'attachment', 'thread_key', 'article', 'ticket', 'mail_dedupe', 'raw_message', 'mailbox_cursor']) {
      await qr.dropTable(t, true);
    }
    await qr.query(`DELETE FROM sequence WHERE name = 'ticket_code'`);
    for (const col of [
      'active', 'imap_host', 'imap_port', 'imap_secure', 'imap_user', 'imap_secret', 'imap_folder', 'smtp_host', 'smtp_port',
      'smtp_secure', 'smtp_user', 'smtp_secret', 'sent_folder', 'outgoing_charset', 'poll_interval_sec', 'lease_owner',
      'lease_until', 'next_poll_at', 'last_fetch_at', 'last_error', 'last_error_at', 'consecutive_failures',
    ]) {
      await qr.dropColumn('mailbox', col);
    }
  }
}
