import { MigrationInterface, QueryRunner, TableIndex } from 'typeorm';
import { columns } from '../migration-helpers';

/**
 * SMS as a ticket channel (issue #16): a reply on an SMS ticket of a number no customer has is
 * an `sms_message` too, so `customer_id` may be null; the status callback finds a message by
 * the provider's id. MariaDB changes the column in place; SQLite cannot, so TypeORM rebuilds
 * the table (every column, index and row kept).
 */
export class SmsInbound1763900000038 implements MigrationInterface {
  name = 'SmsInbound1763900000038';

  async up(qr: QueryRunner): Promise<void> {
    const c = columns(qr);
    if (c.mysql) {
      await qr.query('ALTER TABLE sms_message MODIFY customer_id int NULL');
    } else {
      const table = (await qr.getTable('sms_message'))!;
      const column = table.findColumnByName('customer_id')!;
      const nullable = column.clone();
      nullable.isNullable = true;
      await qr.changeColumn(table, column, nullable);
    }
    qr.loadedTables = qr.loadedTables.filter((t) => t.name !== 'sms_message');
    await qr.createIndex('sms_message', new TableIndex({ name: 'IDX_sms_message_provider_id', columnNames: ['provider_message_id'] }));
  }

  async down(qr: QueryRunner): Promise<void> {
    await qr.dropIndex('sms_message', 'IDX_sms_message_provider_id');
  }
}
