import { MigrationInterface, QueryRunner, Table, TableIndex } from 'typeorm';
import { columns } from '../migration-helpers';

/**
 * SMS (issue #16): one settings row (provider, its credentials sealed with SECRET_KEY), the
 * templates (雛形) and one row per SMS sent or scheduled. Every SMS also has an outbox row
 * (channel `sms`), which is what the dispatcher sends; `sms_message.outbox_id` points at it.
 * New tables only: nothing existing is altered.
 */
export class Sms1763900000034 implements MigrationInterface {
  name = 'Sms1763900000034';

  async up(qr: QueryRunner): Promise<void> {
    const c = columns(qr);
    await qr.createTable(
      new Table({
        name: 'sms_settings',
        columns: [
          { ...c.int('id'), isPrimary: true },
          c.str('provider', 10),
          c.str('twilio_account_sid', 64, { isNullable: true }),
          c.text('twilio_auth_token_secret', { isNullable: true }),
          c.str('twilio_from', 20, { isNullable: true }),
          c.str('twilio_messaging_service_sid', 64, { isNullable: true }),
          c.str('twilio_base_url', 255, { isNullable: true }),
          c.str('gateway_base_url', 255, { isNullable: true }),
          c.text('gateway_token_secret', { isNullable: true }),
          c.str('gateway_sender', 20, { isNullable: true }),
          c.bool('show_result_after_send', true),
          c.bool('confirm_before_send', true),
          c.str('notify_addresses', 1300, { default: "''" }),
          c.int('mailbox_id', { isNullable: true }),
          c.datetime('created_at'),
          c.datetime('updated_at'),
        ],
      }),
    );
    await qr.createTable(
      new Table({
        name: 'sms_template',
        columns: [
          c.id(),
          c.str('name', 100),
          c.str('subject', 100, { default: "''" }),
          c.text('body'),
          c.bool('used_for_online_meeting', false),
          c.int('created_by', { isNullable: true }),
          c.datetime('created_at'),
          c.datetime('updated_at'),
        ],
        indices: [new TableIndex({ name: 'IDX_sms_template_name', columnNames: ['name'] })],
      }),
    );
    await qr.createTable(
      new Table({
        name: 'sms_message',
        columns: [
          c.id(),
          c.int('customer_id'),
          c.int('ticket_id', { isNullable: true }),
          c.int('template_id', { isNullable: true }),
          c.int('staff_id', { isNullable: true }),
          c.int('mailbox_id'),
          c.str('to_number', 20),
          c.str('subject', 100),
          c.text('body'),
          c.str('purpose', 20),
          c.str('status', 20),
          c.str('provider', 10),
          c.int('length'),
          c.int('segments_docomo'),
          c.int('segments_au'),
          c.int('segments_softbank'),
          c.bool('click_count', false),
          c.binStr('idempotency_key', 64),
          c.int('outbox_id', { isNullable: true }),
          c.datetime('scheduled_at', { isNullable: true }),
          c.str('provider_message_id', 100, { isNullable: true }),
          c.bool('captured', false),
          c.datetime('sent_at', { isNullable: true }),
          c.datetime('delivered_at', { isNullable: true }),
          c.str('error_code', 64, { isNullable: true }),
          c.text('error_detail', { isNullable: true }),
          c.int('attempts', { default: 0 }),
          c.datetime('cancelled_at', { isNullable: true }),
          c.int('cancelled_by', { isNullable: true }),
          c.str('cancel_reason', 200, { isNullable: true }),
          c.datetime('created_at'),
          c.datetime('updated_at'),
        ],
        indices: [
          new TableIndex({ name: 'UQ_sms_message_idempotency_key', columnNames: ['idempotency_key'], isUnique: true }),
          new TableIndex({ name: 'IDX_sms_message_outbox', columnNames: ['outbox_id'] }),
          new TableIndex({ name: 'IDX_sms_message_customer', columnNames: ['customer_id', 'created_at'] }),
          new TableIndex({ name: 'IDX_sms_message_status', columnNames: ['status', 'created_at'] }),
          new TableIndex({ name: 'IDX_sms_message_created', columnNames: ['created_at'] }),
        ],
      }),
    );
  }

  async down(qr: QueryRunner): Promise<void> {
    for (const t of ['sms_message', 'sms_template', 'sms_settings']) await qr.dropTable(t);
  }
}
