import { MigrationInterface, QueryRunner, TableColumn, TableIndex } from 'typeorm';
import { columns } from '../migration-helpers';

/** When a reply took an upload (unattached ones are deleted after a day), and indexes for the quota and the sweep. */
export class UploadHygiene1763900000009 implements MigrationInterface {
  name = 'UploadHygiene1763900000009';

  async up(qr: QueryRunner): Promise<void> {
    const c = columns(qr);
    await qr.addColumn('upload', new TableColumn(c.datetime('used_at', { isNullable: true })));
    await qr.createIndex('upload', new TableIndex({ name: 'idx_upload_user_created', columnNames: ['user_id', 'created_at'] }));
    await qr.createIndex('upload', new TableIndex({ name: 'idx_upload_unused', columnNames: ['used_at', 'created_at'] }));
  }

  async down(qr: QueryRunner): Promise<void> {
    await qr.dropIndex('upload', 'idx_upload_unused');
    // MySQL dropped its own index for the user_id foreign key when ours could serve it: give it one back first.
    if (columns(qr).mysql) await qr.createIndex('upload', new TableIndex({ name: 'idx_upload_user', columnNames: ['user_id'] }));
    await qr.dropIndex('upload', 'idx_upload_user_created');
    await qr.dropColumn('upload', 'used_at');
  }
}
