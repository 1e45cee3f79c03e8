import { MigrationInterface, QueryRunner, Table, TableIndex } from 'typeorm';
import { columns } from '../migration-helpers';

/**
 * Delivery reports that arrive before their SMS is marked sent (issue #16): kept in
 * `sms_early_report` until the dispatcher has committed `sent`, then applied. A new table only.
 */
export class SmsEarlyReports1763900000044 implements MigrationInterface {
  name = 'SmsEarlyReports1763900000044';

  async up(qr: QueryRunner): Promise<void> {
    const c = columns(qr);
    await qr.createTable(
      new Table({
        name: 'sms_early_report',
        columns: [
          c.id(),
          c.str('provider', 10),
          c.str('provider_message_id', 100),
          c.str('outcome', 12),
          c.str('reason', 500, { isNullable: true }),
          c.datetime('received_at'),
        ],
        indices: [
          new TableIndex({
            name: 'IDX_sms_early_report_message',
            columnNames: ['provider', 'provider_message_id'],
          }),
        ],
      }),
    );
  }

  async down(qr: QueryRunner): Promise<void> {
    await qr.dropTable('sms_early_report');
  }
}
