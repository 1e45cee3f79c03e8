import { MigrationInterface, QueryRunner, Table, TableIndex } from 'typeorm';
import { columns } from '../migration-helpers';

/**
 * Collision warnings and server-side drafts (issue #13 point 8). `ticket_presence` is who has a
 * ticket open (one row per user and console tab, kept alive by a heartbeat; stale after ~15 s),
 * in the database so that every server instance sees every other's. `reply_draft` is one
 * half-written reply per user and ticket, with a version so that two devices do not overwrite
 * each other silently. Both are new tables: no existing row changes.
 */
export class PresenceDrafts1763900000020 implements MigrationInterface {
  name = 'PresenceDrafts1763900000020';

  async up(qr: QueryRunner): Promise<void> {
    const c = columns(qr);
    await qr.createTable(
      new Table({
        name: 'ticket_presence',
        columns: [
          c.int('ticket_id', { isPrimary: true }),
          c.int('user_id', { isPrimary: true }),
          c.str('session', 64, { isPrimary: true }),
          c.bool('composing', false),
          c.datetime('started_at'),
          c.datetime('seen_at'),
        ],
        indices: [new TableIndex({ name: 'IDX_ticket_presence_seen', columnNames: ['seen_at'] })],
      }),
    );
    await qr.createTable(
      new Table({
        name: 'reply_draft',
        columns: [
          c.id(),
          c.int('user_id'),
          c.int('ticket_id'),
          c.text('body'),
          c.str('subject', 500, { isNullable: true }),
          c.text('to_json', { isNullable: true }),
          c.text('cc_json', { isNullable: true }),
          c.text('bcc_json', { isNullable: true }),
          c.int('version', { default: 1 }),
          c.datetime('updated_at'),
        ],
        indices: [
          new TableIndex({
            name: 'UQ_reply_draft_user_ticket',
            columnNames: ['user_id', 'ticket_id'],
            isUnique: true,
          }),
        ],
      }),
    );
  }

  async down(qr: QueryRunner): Promise<void> {
    await qr.dropTable('reply_draft');
    await qr.dropTable('ticket_presence');
  }
}
