import { MigrationInterface, QueryRunner, Table, TableForeignKey, TableIndex } from 'typeorm';
import { columns } from '../migration-helpers';

export class Foundation1763900000000 implements MigrationInterface {
  name = 'Foundation1763900000000';

  async up(qr: QueryRunner): Promise<void> {
    const c = columns(qr);
    if (c.mysql) {
      // Tables inherit the database default; MariaDB's is latin1 unless configured otherwise,
      // which would turn Japanese into question marks.
      const [{ db }] = (await qr.query('SELECT DATABASE() AS db')) as { db: string }[];
      await qr.query(`ALTER DATABASE \`${db}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_bin`);
    }
    const timestamps = [c.datetime('created_at'), c.datetime('updated_at')];

    await qr.createTable(
      new Table({ name: 'sequence', columns: [c.str('name', 40, { isPrimary: true }), c.bigint('value')] }),
    );

    // Counters created here so concurrent first uses never race to create them.
    await qr.query(`INSERT INTO sequence (name, value) VALUES ('customer_code', 100000)`);

    await qr.createTable(
      new Table({
        name: 'audit_entry',
        columns: [
          c.id(),
          c.datetime('at'),
          c.int('actor_user_id', { isNullable: true }),
          c.str('actor_label', 255),
          c.str('entity', 64),
          c.str('entity_id', 64),
          c.str('action', 64),
          c.text('before_json', { isNullable: true }),
          c.text('after_json', { isNullable: true }),
        ],
        indices: [
          new TableIndex({ columnNames: ['entity', 'entity_id'] }),
          new TableIndex({ columnNames: ['at'] }),
        ],
      }),
    );

    await qr.createTable(
      new Table({
        name: 'mailbox',
        columns: [c.id(), c.str('name', 100), c.str('address', 254, { isUnique: true }), ...timestamps],
      }),
    );

    await qr.createTable(
      new Table({
        name: 'staff_user',
        columns: [
          c.id(),
          c.str('email', 254, { isUnique: true }),
          c.str('name', 100),
          c.str('password_hash', 255),
          c.bool('active', true),
          c.str('branch', 100, { isNullable: true }),
          ...timestamps,
        ],
      }),
    );

    await qr.createTable(
      new Table({
        name: 'permission_group',
        columns: [c.id(), c.str('name', 100, { isUnique: true }), c.text('rights'), ...timestamps],
      }),
    );

    await qr.createTable(
      new Table({
        name: 'staff_user_group',
        columns: [c.int('user_id', { isPrimary: true }), c.int('group_id', { isPrimary: true })],
        indices: [new TableIndex({ columnNames: ['group_id'] })],
        foreignKeys: [
          new TableForeignKey({ columnNames: ['user_id'], referencedTableName: 'staff_user', referencedColumnNames: ['id'], onDelete: 'CASCADE' }),
          new TableForeignKey({ columnNames: ['group_id'], referencedTableName: 'permission_group', referencedColumnNames: ['id'], onDelete: 'CASCADE' }),
        ],
      }),
    );

    await qr.createTable(
      new Table({
        name: 'group_mailbox_right',
        columns: [
          c.int('group_id', { isPrimary: true }),
          c.int('mailbox_id', { isPrimary: true }),
          c.bool('can_view', false),
          c.bool('can_reply', false),
          c.bool('can_approve', false),
          c.bool('can_manage', false),
        ],
        indices: [new TableIndex({ columnNames: ['mailbox_id'] })],
        foreignKeys: [
          new TableForeignKey({ columnNames: ['group_id'], referencedTableName: 'permission_group', referencedColumnNames: ['id'], onDelete: 'CASCADE' }),
          new TableForeignKey({ columnNames: ['mailbox_id'], referencedTableName: 'mailbox', referencedColumnNames: ['id'], onDelete: 'CASCADE' }),
        ],
      }),
    );

    await qr.createTable(
      new Table({
        name: 'session',
        columns: [
          c.id(),
          c.binStr('token_hash', 64, { isUnique: true }),
          c.int('user_id'),
          c.binStr('csrf_token', 64),
          c.str('ip', 64, { isNullable: true }),
          c.str('user_agent', 255, { isNullable: true }),
          c.datetime('created_at'),
          c.datetime('expires_at'),
          c.datetime('last_seen_at'),
        ],
        indices: [new TableIndex({ columnNames: ['user_id'] }), new TableIndex({ columnNames: ['expires_at'] })],
        foreignKeys: [
          new TableForeignKey({ columnNames: ['user_id'], referencedTableName: 'staff_user', referencedColumnNames: ['id'], onDelete: 'CASCADE' }),
        ],
      }),
    );

    await qr.createTable(
      new Table({
        name: 'api_token',
        columns: [
          c.id(),
          c.int('user_id'),
          c.str('name', 100),
          c.binStr('token_hash', 64, { isUnique: true }),
          c.str('prefix', 16),
          c.datetime('created_at'),
          c.datetime('last_used_at', { isNullable: true }),
          c.datetime('revoked_at', { isNullable: true }),
        ],
        indices: [new TableIndex({ columnNames: ['user_id'] })],
        foreignKeys: [
          new TableForeignKey({ columnNames: ['user_id'], referencedTableName: 'staff_user', referencedColumnNames: ['id'], onDelete: 'CASCADE' }),
        ],
      }),
    );

    await qr.createTable(
      new Table({
        name: 'login_attempt',
        columns: [c.id(), c.str('email', 254), c.str('ip', 64), c.datetime('at'), c.bool('success', false)],
        indices: [new TableIndex({ columnNames: ['email', 'at'] }), new TableIndex({ columnNames: ['ip', 'at'] })],
      }),
    );

    await qr.createTable(
      new Table({
        name: 'customer',
        columns: [
          c.id(),
          c.str('code', 20, { isUnique: true }),
          c.str('last_name', 50),
          c.str('first_name', 50, { isNullable: true }),
          c.str('last_name_kana', 50, { isNullable: true }),
          c.str('first_name_kana', 50, { isNullable: true }),
          c.str('email', 254, { isNullable: true }),
          c.str('tel', 30, { isNullable: true }),
          c.str('mobile', 30, { isNullable: true }),
          c.binStr('tel_digits', 30, { isNullable: true }),
          c.binStr('mobile_digits', 30, { isNullable: true }),
          c.str('postal_code', 10, { isNullable: true }),
          c.str('address', 200, { isNullable: true }),
          c.str('branch', 100, { isNullable: true }),
          c.str('registration_state', 20),
          c.str('list_flag', 10),
          c.text('comment', { isNullable: true }),
          c.date('birthday', { isNullable: true }),
          c.bool('sms_consent', false),
          ...timestamps,
        ],
        indices: [
          new TableIndex({ columnNames: ['email'] }),
          new TableIndex({ columnNames: ['tel_digits'] }),
          new TableIndex({ columnNames: ['mobile_digits'] }),
          new TableIndex({ columnNames: ['branch'] }),
          new TableIndex({ columnNames: ['updated_at'] }),
        ],
      }),
    );

    // Search text lives in its own narrow table: a substring scan over 100,000 short binary rows
    // is several times faster than over the wide customer rows (see docs/performance.md).
    await qr.createTable(
      new Table({
        name: 'customer_search',
        columns: [c.int('customer_id', { isPrimary: true }), c.searchText('text')],
        foreignKeys: [
          new TableForeignKey({ columnNames: ['customer_id'], referencedTableName: 'customer', referencedColumnNames: ['id'], onDelete: 'CASCADE' }),
        ],
      }),
    );

    await qr.createTable(
      new Table({
        name: 'customer_assignee',
        columns: [c.int('customer_id', { isPrimary: true }), c.int('user_id', { isPrimary: true })],
        indices: [new TableIndex({ columnNames: ['user_id'] })],
        foreignKeys: [
          new TableForeignKey({ columnNames: ['customer_id'], referencedTableName: 'customer', referencedColumnNames: ['id'], onDelete: 'CASCADE' }),
          new TableForeignKey({ columnNames: ['user_id'], referencedTableName: 'staff_user', referencedColumnNames: ['id'], onDelete: 'CASCADE' }),
        ],
      }),
    );
  }

  async down(qr: QueryRunner): Promise<void> {
    for (const t of [
      'customer_assignee',
      'customer_search',
      'customer',
      'login_attempt',
      'api_token',
      'session',
      'group_mailbox_right',
      'staff_user_group',
      'permission_group',
      'staff_user',
      'mailbox',
      'audit_entry',
      'sequence',
    ]) {
      await qr.dropTable(t, true);
    }
  }
}
