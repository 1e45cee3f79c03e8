import { MigrationInterface, QueryRunner, TableColumn } from 'typeorm';
import { columns } from '../migration-helpers';

/** An attached message's subject, sender, date and text (JSON), so the console shows a forward as its own block. */
export class ForwardedMail1763900000010 implements MigrationInterface {
  name = 'ForwardedMail1763900000010';

  async up(qr: QueryRunner): Promise<void> {
    await qr.addColumn('attachment', new TableColumn(columns(qr).text('forwarded', { isNullable: true })));
  }

  async down(qr: QueryRunner): Promise<void> {
    await qr.dropColumn('attachment', 'forwarded');
  }
}
