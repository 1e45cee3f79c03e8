import { MigrationInterface, QueryRunner, TableIndex } from 'typeorm';

/** Tickets by last activity across mailboxes: how each instance hears of tickets others changed. */
export class TicketActivity1763900000006 implements MigrationInterface {
  name = 'TicketActivity1763900000006';

  async up(qr: QueryRunner): Promise<void> {
    await qr.createIndex('ticket', new TableIndex({ name: 'idx_ticket_last_activity', columnNames: ['last_activity_at'] }));
  }

  async down(qr: QueryRunner): Promise<void> {
    await qr.dropIndex('ticket', 'idx_ticket_last_activity');
  }
}
