import { MigrationInterface, QueryRunner, Table, TableColumn, TableForeignKey, TableIndex } from 'typeorm';
import { columns } from '../migration-helpers';

/**
 * The outbox becomes channel-neutral: `message_id` is the row's idempotency key (for email it
 * is still the Message-ID), `target` names the recipient, and the IMAP Sent-copy columns move to
 * `mail_sent_copy`, owned by libs/mail.
 */
export class OutboxChannels1763900000017 implements MigrationInterface {
  name = 'OutboxChannels1763900000017';

  async up(qr: QueryRunner): Promise<void> {
    const c = columns(qr);
    const sentCopyTable = new Table({
      name: 'mail_sent_copy',
      columns: [
        { ...c.int('outbox_id'), isPrimary: true },
        c.str('state', 20),
        c.str('blob_key', 100, { isNullable: true }),
        c.int('attempts', { default: 0 }),
        c.datetime('due_at', { isNullable: true }),
      ],
      indices: [new TableIndex({ name: 'IDX_mail_sent_copy_due', columnNames: ['state', 'due_at'] })],
      foreignKeys: [new TableForeignKey({ columnNames: ['outbox_id'], referencedTableName: 'outbox', referencedColumnNames: ['id'], onDelete: 'CASCADE' })],
    });
    const copy = 'INSERT INTO mail_sent_copy (outbox_id, state, blob_key, attempts, due_at) SELECT id, sent_copy, sent_copy_key, sent_copy_attempts, sent_copy_due_at FROM outbox WHERE sent_copy IS NOT NULL';
    if (c.mysql) {
      // MySQL does not roll DDL back: the copies are in their new table before a column is dropped.
      await qr.createTable(sentCopyTable);
      await qr.query(copy);
      await this.reshapeOutbox(qr);
      return;
    }
    // SQLite (DDL in the migration's transaction): altering `outbox` rebuilds it, and the rebuild
    // would take rows that point at it along; so the copies are read first and written after.
    const copies = (await qr.query('SELECT id, sent_copy, sent_copy_key, sent_copy_attempts, sent_copy_due_at FROM outbox WHERE sent_copy IS NOT NULL')) as {
      id: number;
      sent_copy: string;
      sent_copy_key: string | null;
      sent_copy_attempts: number;
      sent_copy_due_at: unknown;
    }[];
    await this.reshapeOutbox(qr);
    await qr.createTable(sentCopyTable);
    for (const r of copies) {
      await qr.query('INSERT INTO mail_sent_copy (outbox_id, state, blob_key, attempts, due_at) VALUES (?, ?, ?, ?, ?)', [r.id, r.sent_copy, r.sent_copy_key, r.sent_copy_attempts, r.sent_copy_due_at]);
    }
  }

  private async reshapeOutbox(qr: QueryRunner): Promise<void> {
    const c = columns(qr);
    await qr.dropIndex('outbox', 'idx_outbox_sent_copy');
    for (const name of ['sent_copy_due_at', 'sent_copy_attempts', 'sent_copy_key', 'sent_copy']) await qr.dropColumn('outbox', name);
    await qr.renameColumn('outbox', 'message_id', 'idempotency_key');
    await qr.addColumn('outbox', new TableColumn(c.str('target', 320, { isNullable: true })));
    await qr.createIndex('outbox', new TableIndex({ name: 'UQ_outbox_idempotency_key', columnNames: ['idempotency_key'], isUnique: true }));
  }

  async down(qr: QueryRunner): Promise<void> {
    const c = columns(qr);
    // Read first: on SQLite, altering `outbox` rebuilds it, and the rebuild may take the copies with it.
    const copies = (await qr.query('SELECT outbox_id, state, blob_key, attempts, due_at FROM mail_sent_copy')) as { outbox_id: number; state: string; blob_key: string | null; attempts: number; due_at: unknown }[];
    await qr.dropTable('mail_sent_copy');
    await qr.dropIndex('outbox', 'UQ_outbox_idempotency_key');
    await qr.dropColumn('outbox', 'target');
    await qr.renameColumn('outbox', 'idempotency_key', 'message_id');
    await qr.addColumns('outbox', [
      new TableColumn(c.str('sent_copy', 20, { isNullable: true })),
      new TableColumn(c.str('sent_copy_key', 100, { isNullable: true })),
      new TableColumn(c.int('sent_copy_attempts', { default: 0 })),
      new TableColumn(c.datetime('sent_copy_due_at', { isNullable: true })),
    ]);
    await qr.createIndex('outbox', new TableIndex({ name: 'idx_outbox_sent_copy', columnNames: ['sent_copy', 'sent_copy_due_at'] }));
    for (const s of copies) {
      await qr.query('UPDATE outbox SET sent_copy = ?, sent_copy_key = ?, sent_copy_attempts = ?, sent_copy_due_at = ? WHERE id = ?', [s.state, s.blob_key, s.attempts, s.due_at, s.outbox_id]);
    }
  }
}
