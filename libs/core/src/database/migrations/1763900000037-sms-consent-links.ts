import { MigrationInterface, QueryRunner, Table, TableIndex } from 'typeorm';
import { columns } from '../migration-helpers';

/**
 * SMS (issue #16, points 5, 8 and 10): consent records (特定電子メール法, append-only: the newest
 * row per customer is the consent now), click-counting links (`/s/:code`) with one row per
 * click, and bulk sends (one row per bulk, one item per customer chosen: its message, or why
 * it was left out). New tables only: nothing existing is altered.
 */
export class SmsConsentLinks1763900000037 implements MigrationInterface {
  name = 'SmsConsentLinks1763900000037';

  async up(qr: QueryRunner): Promise<void> {
    const c = columns(qr);
    await qr.createTable(
      new Table({
        name: 'sms_consent',
        columns: [
          c.id(),
          c.int('customer_id'),
          c.bool('opt_in', false),
          c.str('method', 10),
          c.str('note', 500, { isNullable: true }),
          c.int('by_user_id', { isNullable: true }),
          c.datetime('created_at'),
        ],
        indices: [
          new TableIndex({ name: 'IDX_sms_consent_customer', columnNames: ['customer_id', 'created_at'] }),
        ],
      }),
    );
    await qr.createTable(
      new Table({
        name: 'sms_link',
        columns: [
          c.id(),
          c.int('message_id'),
          c.int('position'),
          c.text('url'),
          c.binStr('code', 32),
          c.int('clicks', { default: 0 }),
          c.datetime('first_click_at', { isNullable: true }),
          c.datetime('last_click_at', { isNullable: true }),
          c.datetime('created_at'),
        ],
        indices: [
          new TableIndex({ name: 'UQ_sms_link_code', columnNames: ['code'], isUnique: true }),
          new TableIndex({ name: 'IDX_sms_link_message', columnNames: ['message_id', 'position'] }),
        ],
      }),
    );
    await qr.createTable(
      new Table({
        name: 'sms_link_click',
        columns: [c.id(), c.int('link_id'), c.datetime('clicked_at')],
        indices: [
          new TableIndex({ name: 'IDX_sms_link_click_link', columnNames: ['link_id', 'clicked_at'] }),
        ],
      }),
    );
    await qr.createTable(
      new Table({
        name: 'sms_bulk',
        columns: [
          c.id(),
          c.int('template_id'),
          c.str('purpose', 20),
          c.int('staff_id', { isNullable: true }),
          c.datetime('send_at', { isNullable: true }),
          c.int('queued'),
          c.int('skipped'),
          c.datetime('created_at'),
        ],
        indices: [new TableIndex({ name: 'IDX_sms_bulk_created', columnNames: ['created_at'] })],
      }),
    );
    await qr.createTable(
      new Table({
        name: 'sms_bulk_item',
        columns: [
          c.id(),
          c.int('bulk_id'),
          c.int('customer_id'),
          c.int('message_id', { isNullable: true }),
          c.str('skip_reason', 32, { isNullable: true }),
        ],
        indices: [
          new TableIndex({ name: 'IDX_sms_bulk_item_bulk', columnNames: ['bulk_id', 'customer_id'] }),
          new TableIndex({ name: 'IDX_sms_bulk_item_message', columnNames: ['message_id'] }),
        ],
      }),
    );
  }

  async down(qr: QueryRunner): Promise<void> {
    for (const t of ['sms_bulk_item', 'sms_bulk', 'sms_link_click', 'sms_link', 'sms_consent'])
      await qr.dropTable(t);
  }
}
