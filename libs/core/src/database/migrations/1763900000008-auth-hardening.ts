import { MigrationInterface, QueryRunner, TableColumn } from 'typeorm';
import { columns } from '../migration-helpers';

/** API tokens expire. Tokens made before this had no expiry: they get the default 90 days from now. */
export class AuthHardening1763900000008 implements MigrationInterface {
  name = 'AuthHardening1763900000008';

  async up(qr: QueryRunner): Promise<void> {
    const c = columns(qr);
    await qr.addColumn('api_token', new TableColumn(c.datetime('expires_at', { isNullable: true })));
    const in90Days = new Date(Date.now() + 90 * 86400_000);
    await qr.query('UPDATE api_token SET expires_at = ? WHERE revoked_at IS NULL', [c.mysql ? in90Days : in90Days.toISOString().replace('T', ' ').replace('Z', '')]);
  }

  async down(qr: QueryRunner): Promise<void> {
    await qr.dropColumn('api_token', 'expires_at');
  }
}
