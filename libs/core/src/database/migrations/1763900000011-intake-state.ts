import { MigrationInterface, QueryRunner, Table, TableColumn, TableForeignKey } from 'typeorm';
import { columns } from '../migration-helpers';

const MOVED = [
  'lease_owner',
  'lease_until',
  'next_poll_at',
  'last_fetch_at',
  'last_error',
  'last_error_at',
  'consecutive_failures',
];

/**
 * IMAP intake's runtime state (lease, heartbeat, next poll, last result) leaves the `mailbox`
 * settings row for `mail_intake_state`, owned by libs/mail; existing values are copied over.
 * (On SQLite, dropping the columns rebuilds `mailbox`; migrations run with foreign keys off.)
 */
export class IntakeState1763900000011 implements MigrationInterface {
  name = 'IntakeState1763900000011';

  async up(qr: QueryRunner): Promise<void> {
    const c = columns(qr);
    await qr.createTable(
      new Table({
        name: 'mail_intake_state',
        columns: [
          c.int('mailbox_id', { isPrimary: true }),
          c.str('lease_owner', 100, { isNullable: true }),
          c.datetime('lease_until', { isNullable: true }),
          c.datetime('heartbeat_at', { isNullable: true }),
          c.datetime('next_poll_at', { isNullable: true }),
          c.datetime('last_fetch_at', { isNullable: true }),
          c.text('last_error', { isNullable: true }),
          c.datetime('last_error_at', { isNullable: true }),
          c.int('consecutive_failures', { default: 0 }),
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
    await qr.query(
      `INSERT INTO mail_intake_state (mailbox_id, ${MOVED.join(', ')}) SELECT id, ${MOVED.join(', ')} FROM mailbox`,
    );
    await qr.dropColumns('mailbox', MOVED);
  }

  async down(qr: QueryRunner): Promise<void> {
    const c = columns(qr);
    if (c.mysql) {
      await qr.addColumns('mailbox', [
        new TableColumn(c.str('lease_owner', 100, { isNullable: true })),
        new TableColumn(c.datetime('lease_until', { isNullable: true })),
        new TableColumn(c.datetime('next_poll_at', { isNullable: true })),
        new TableColumn(c.datetime('last_fetch_at', { isNullable: true })),
        new TableColumn(c.text('last_error', { isNullable: true })),
        new TableColumn(c.datetime('last_error_at', { isNullable: true })),
        new TableColumn(c.int('consecutive_failures', { default: 0 })),
      ]);
    } else {
      // Not TypeORM's addColumns, which rebuilds the table: TypeORM reverts a migration inside a
      // transaction, where SQLite cannot turn foreign keys off, so dropping the old `mailbox`
      // would cascade into every table that references it (mail_intake_state included).
      for (const [col, type] of [
        ['lease_owner', 'varchar(100)'],
        ['lease_until', 'datetime'],
        ['next_poll_at', 'datetime'],
        ['last_fetch_at', 'datetime'],
        ['last_error', 'text'],
        ['last_error_at', 'datetime'],
        ['consecutive_failures', 'integer NOT NULL DEFAULT (0)'],
      ])
        await qr.query(`ALTER TABLE "mailbox" ADD COLUMN "${col}" ${type}`);
    }
    // Mailboxes without a state row (never polled since) keep the columns' defaults.
    for (const col of MOVED) {
      const value = `(SELECT s.${col} FROM mail_intake_state s WHERE s.mailbox_id = mailbox.id)`;
      await qr.query(
        `UPDATE mailbox SET ${col} = ${col === 'consecutive_failures' ? `COALESCE(${value}, 0)` : value}`,
      );
    }
    await qr.dropTable('mail_intake_state');
  }
}
