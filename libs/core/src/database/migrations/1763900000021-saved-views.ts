import { MigrationInterface, QueryRunner, Table, TableIndex } from 'typeorm';
import { columns } from '../migration-helpers';

/** Saved personal views of the ticket list (issue #13 point 7). */
export class SavedViews1763900000021 implements MigrationInterface {
  name = 'SavedViews1763900000021';

  async up(qr: QueryRunner): Promise<void> {
    const c = columns(qr);
    await qr.createTable(
      new Table({
        name: 'saved_view',
        columns: [c.id(), c.int('user_id'), c.str('name', 50), c.text('filter'), c.int('position', { default: 0 }), c.datetime('created_at')],
        indices: [new TableIndex({ name: 'IDX_saved_view_user', columnNames: ['user_id', 'position'] })],
      }),
    );
  }

  async down(qr: QueryRunner): Promise<void> {
    await qr.dropTable('saved_view');
  }
}
