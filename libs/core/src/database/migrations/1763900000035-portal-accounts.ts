import { MigrationInterface, QueryRunner, Table, TableForeignKey, TableIndex } from 'typeorm';
import { columns } from '../migration-helpers';

/**
 * MYPAGE's customer realm (issue #15 point 1), owned by libs/mypage: one portal account per
 * customer, its browser sessions, its one-time tokens (invitation, sign-up verification,
 * password reset; only their SHA-256 kept), the attempts behind the sign-in and mail limits, and
 * the one row of MYPAGE settings (the mailbox its mails go out through). Nothing here is shared
 * with the staff realm's `session` / `login_attempt` tables. New tables only: no existing table
 * is altered, so SQLite rebuilds nothing.
 */
export class PortalAccounts1763900000035 implements MigrationInterface {
  name = 'PortalAccounts1763900000035';

  async up(qr: QueryRunner): Promise<void> {
    const c = columns(qr);
    await qr.createTable(
      new Table({
        name: 'portal_account',
        columns: [
          c.id(),
          c.int('customer_id', { isUnique: true }),
          c.str('email', 254, { isUnique: true }),
          c.str('password_hash', 255, { isNullable: true }),
          c.str('state', 10),
          c.datetime('invited_at', { isNullable: true }),
          c.datetime('verified_at', { isNullable: true }),
          c.datetime('last_login_at', { isNullable: true }),
          c.datetime('disabled_at', { isNullable: true }),
          c.datetime('created_at'),
          c.datetime('updated_at'),
        ],
        indices: [new TableIndex({ columnNames: ['state'] })],
        foreignKeys: [
          new TableForeignKey({
            columnNames: ['customer_id'],
            referencedTableName: 'customer',
            referencedColumnNames: ['id'],
            onDelete: 'CASCADE',
          }),
        ],
      }),
    );
    await qr.createTable(
      new Table({
        name: 'portal_session',
        columns: [
          c.id(),
          c.str('token_hash', 64, { isUnique: true }),
          c.int('account_id'),
          c.str('csrf_token', 64),
          c.str('ip', 64, { isNullable: true }),
          c.str('user_agent', 255, { isNullable: true }),
          c.datetime('created_at'),
          c.datetime('expires_at'),
          c.datetime('last_seen_at'),
        ],
        indices: [
          new TableIndex({ columnNames: ['account_id'] }),
          new TableIndex({ columnNames: ['expires_at'] }),
        ],
        foreignKeys: [
          new TableForeignKey({
            columnNames: ['account_id'],
            referencedTableName: 'portal_account',
            referencedColumnNames: ['id'],
            onDelete: 'CASCADE',
          }),
        ],
      }),
    );
    await qr.createTable(
      new Table({
        name: 'portal_token',
        columns: [
          c.id(),
          c.str('token_hash', 64, { isUnique: true }),
          c.str('kind', 12),
          c.int('account_id', { isNullable: true }),
          c.str('email', 254),
          c.str('signup_name', 100, { isNullable: true }),
          c.int('created_by', { isNullable: true }),
          c.datetime('created_at'),
          c.datetime('expires_at'),
          c.datetime('used_at', { isNullable: true }),
        ],
        indices: [
          new TableIndex({ columnNames: ['account_id', 'kind'] }),
          new TableIndex({ columnNames: ['email', 'kind'] }),
          new TableIndex({ columnNames: ['expires_at'] }),
        ],
        foreignKeys: [
          new TableForeignKey({
            columnNames: ['account_id'],
            referencedTableName: 'portal_account',
            referencedColumnNames: ['id'],
            onDelete: 'CASCADE',
          }),
        ],
      }),
    );
    await qr.createTable(
      new Table({
        name: 'portal_login_attempt',
        columns: [
          c.id(),
          c.str('kind', 12),
          c.str('email', 254),
          c.str('ip', 64),
          c.datetime('at'),
          c.bool('success', false),
        ],
        indices: [
          new TableIndex({ columnNames: ['kind', 'email', 'ip', 'at'] }),
          new TableIndex({ columnNames: ['kind', 'ip', 'at'] }),
          new TableIndex({ columnNames: ['kind', 'email', 'at'] }),
          new TableIndex({ columnNames: ['at'] }),
        ],
      }),
    );
    await qr.createTable(
      new Table({
        name: 'mypage_settings',
        columns: [
          c.id(),
          c.int('mailbox_id', { isNullable: true }),
          c.bool('customers_may_start_threads', false),
          c.text('fallback_recipients_json', { isNullable: true }),
          c.datetime('updated_at'),
        ],
        foreignKeys: [
          new TableForeignKey({
            columnNames: ['mailbox_id'],
            referencedTableName: 'mailbox',
            referencedColumnNames: ['id'],
            onDelete: 'SET NULL',
          }),
        ],
      }),
    );
  }

  async down(qr: QueryRunner): Promise<void> {
    await qr.dropTable('mypage_settings', true);
    await qr.dropTable('portal_login_attempt', true);
    await qr.dropTable('portal_token', true);
    await qr.dropTable('portal_session', true);
    await qr.dropTable('portal_account', true);
  }
}
