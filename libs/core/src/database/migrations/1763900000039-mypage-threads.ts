import { MigrationInterface, QueryRunner, Table, TableForeignKey, TableIndex } from 'typeorm';
import { columns } from '../migration-helpers';

/**
 * MYPAGE threads and posts (issue #15 points 2–8, 11), owned by libs/mypage: a thread (`MS` +
 * 6 digits) of one customer, tied to one ticket of channel `mypage`, with staff-only label and
 * memo and the two NEW flags (staff: the customer's latest post is unread; customer: a staff post
 * reached the portal since they last looked); its posts (text, image or file), a customer's
 * visible at once, a staff member's only once its reply went out. And the 退会 request on
 * `portal_account` (raw ALTER TABLE ADD COLUMN, so SQLite rebuilds nothing).
 */
export class MypageThreads1763900000039 implements MigrationInterface {
  name = 'MypageThreads1763900000039';

  async up(qr: QueryRunner): Promise<void> {
    const c = columns(qr);
    const mysql = qr.connection.options.type === 'mysql';
    await qr.createTable(
      new Table({
        name: 'mypage_thread',
        columns: [
          c.id(),
          c.str('code', 20, { isUnique: true }),
          c.int('customer_id'),
          c.str('title', 100),
          c.str('label', 50, { isNullable: true }),
          c.text('memo', { isNullable: true }),
          c.int('mailbox_id'),
          c.int('ticket_id', { isNullable: true }),
          c.int('created_by_user_id', { isNullable: true }),
          c.bool('created_by_customer', false),
          c.datetime('last_post_at'),
          c.bool('staff_unread', false),
          c.bool('customer_unread', false),
          c.datetime('created_at'),
          c.datetime('updated_at'),
        ],
        indices: [
          new TableIndex({
            name: 'IDX_mypage_thread_customer',
            columnNames: ['customer_id', 'last_post_at'],
          }),
          new TableIndex({ name: 'IDX_mypage_thread_last_post', columnNames: ['last_post_at'] }),
          new TableIndex({ name: 'IDX_mypage_thread_updated', columnNames: ['updated_at'] }),
          new TableIndex({ name: 'IDX_mypage_thread_label', columnNames: ['label'] }),
          new TableIndex({ name: 'IDX_mypage_thread_ticket', columnNames: ['ticket_id'] }),
        ],
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
        name: 'mypage_post',
        columns: [
          c.id(),
          c.int('thread_id'),
          c.str('author', 10),
          c.int('staff_user_id', { isNullable: true }),
          c.str('kind', 10),
          c.text('text', { isNullable: true }),
          c.str('filename', 255, { isNullable: true }),
          c.str('content_type', 255, { isNullable: true }),
          c.bigint('size', { isNullable: true }),
          c.str('blob_key', 100, { isNullable: true }),
          c.str('state', 10),
          c.int('reply_id', { isNullable: true }),
          c.int('article_id', { isNullable: true }),
          c.datetime('visible_at', { isNullable: true }),
          c.datetime('created_at'),
        ],
        indices: [
          new TableIndex({ name: 'IDX_mypage_post_thread', columnNames: ['thread_id', 'created_at'] }),
          new TableIndex({ name: 'UQ_mypage_post_reply', columnNames: ['reply_id'], isUnique: true }),
        ],
        foreignKeys: [
          new TableForeignKey({
            columnNames: ['thread_id'],
            referencedTableName: 'mypage_thread',
            referencedColumnNames: ['id'],
            onDelete: 'CASCADE',
          }),
        ],
      }),
    );
    // Thread codes (MS000001 …) come from their own counter, made here so that no two first uses race.
    await qr.query("INSERT INTO sequence (name, value) VALUES ('mypage_thread_code', 0)");
    await qr.query(
      mysql
        ? 'ALTER TABLE `portal_account` ADD COLUMN `withdrawal_requested_at` DATETIME(3) NULL'
        : 'ALTER TABLE "portal_account" ADD COLUMN "withdrawal_requested_at" datetime NULL',
    );
  }

  async down(qr: QueryRunner): Promise<void> {
    await qr.dropColumn('portal_account', 'withdrawal_requested_at');
    await qr.query("DELETE FROM sequence WHERE name = 'mypage_thread_code'");
    await qr.dropTable('mypage_post', true);
    await qr.dropTable('mypage_thread', true);
  }
}
