import { MigrationInterface, QueryRunner, TableColumn } from 'typeorm';
import { columns } from '../migration-helpers';

/**
 * A stable code for the last intake failure (IMAP_AUTH_FAILED, SECRET_UNREADABLE, …) beside its
 * English sentence, so the console can word it in the user's language. Failures recorded before
 * have none; the API reports them as IMAP_FAILED. (No table references `mail_intake_state`, so
 * SQLite's rebuild of it for the new column cascades nowhere.)
 */
export class IntakeErrorCode1763900000015 implements MigrationInterface {
  name = 'IntakeErrorCode1763900000015';

  async up(qr: QueryRunner): Promise<void> {
    await qr.addColumn('mail_intake_state', new TableColumn(columns(qr).str('last_error_code', 64, { isNullable: true })));
  }

  async down(qr: QueryRunner): Promise<void> {
    await qr.dropColumn('mail_intake_state', 'last_error_code');
  }
}
