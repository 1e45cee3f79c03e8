import { MigrationInterface, QueryRunner, TableIndex } from 'typeorm';

/**
 * Indexes for the ticket list's usual filters (issue #13 point 13, `npm run bench:tickets`; see
 * docs/performance.md). Every list query carries `spam = 0` and `merged_into_id IS NULL`:
 * - (mailbox_id, state, spam, merged_into_id, last_activity_at): a state's total over the
 *   mailboxes a user may see is counted from the index alone (before: a scan of the table), and
 *   one mailbox's state reads its first page in order;
 * - (assignee_id, state, last_activity_at): 自分の担当 (assignee=me), with or without a state,
 *   reads only the user's own tickets (before: every ticket of the mailbox's state).
 * Only indexes are added (SQLite: plain CREATE INDEX, no table rebuild); no row changes.
 */
export class TicketListIndexes1763900000022 implements MigrationInterface {
  name = 'TicketListIndexes1763900000022';

  async up(qr: QueryRunner): Promise<void> {
    await qr.createIndex(
      'ticket',
      new TableIndex({
        name: 'IDX_ticket_list_state',
        columnNames: ['mailbox_id', 'state', 'spam', 'merged_into_id', 'last_activity_at'],
      }),
    );
    await qr.createIndex(
      'ticket',
      new TableIndex({
        name: 'IDX_ticket_list_assignee',
        columnNames: ['assignee_id', 'state', 'last_activity_at'],
      }),
    );
  }

  async down(qr: QueryRunner): Promise<void> {
    await qr.dropIndex('ticket', 'IDX_ticket_list_assignee');
    await qr.dropIndex('ticket', 'IDX_ticket_list_state');
  }
}
