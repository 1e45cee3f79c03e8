import { MigrationInterface, QueryRunner, TableColumn } from 'typeorm';

/**
 * Delivery in the reply machine (v2): the outbox keeps the channel's code for its last failure,
 * and a reply whose sending failed for good is in the machine's `failed` state instead of
 * `approved` with a failed article.
 */
export class DeliveryState1763900000016 implements MigrationInterface {
  name = 'DeliveryState1763900000016';

  async up(qr: QueryRunner): Promise<void> {
    await qr.addColumn('outbox', new TableColumn({ name: 'last_error_code', type: 'varchar', length: '64', isNullable: true }));
    await qr.query(
      "UPDATE reply SET state = 'failed', state_version = 2 WHERE state = 'approved' AND article_id IN (SELECT id FROM article WHERE status = 'failed')",
    );
  }

  async down(qr: QueryRunner): Promise<void> {
    await qr.query("UPDATE reply SET state = 'approved' WHERE state = 'failed'");
    await qr.query("UPDATE article SET status = 'queued' WHERE status = 'retrying'");
    await qr.dropColumn('outbox', 'last_error_code');
  }
}
