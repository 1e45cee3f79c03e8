import { DB_KINDS } from '@test/support/databases';
import { migratedDatabase, MigratedDatabase } from '@test/support/migrations';
import { DataSource } from 'typeorm';

jest.setTimeout(60_000);

const NOW = '2026-12-01 09:00:00.000';

/**
 * Adding `merged_into_id` alters `ticket`; on SQLite that rebuilds the table, and rows pointing at
 * it (articles, thread keys, rule log, replies) must survive the rebuild.
 */
describe.each(DB_KINDS)('migration 1763900000019: merged tickets and blocked senders (%s)', (kind) => {
  let migrated: MigratedDatabase;
  let ds: DataSource;

  beforeAll(async () => {
    migrated = await migratedDatabase(kind);
    ds = migrated.ds;
  });
  afterAll(() => migrated?.close());

  const cols = (table: string) => migrated.columns(table);
  const count = async (sql: string) => Number((await ds.query(sql))[0].n);

  it('keeps every ticket and what points at it, adds merged_into_id and blocked_sender, and back', async () => {
    await migrated.undoTo('MergeSpam1763900000019');
    expect(await cols('ticket')).not.toContain('merged_into_id');

    await ds.query('INSERT INTO mailbox (name, address, created_at, updated_at) VALUES (?, ?, ?, ?)', ['移行', 'merge@example.jp', NOW, NOW]);
    const [{ id: mailboxId }] = await ds.query("SELECT id FROM mailbox WHERE address = 'merge@example.jp'");
    await ds.query(
      `INSERT INTO ticket (code, mailbox_id, state, state_changed_at, subject, channel, contact_address, unread, spam, created_at, last_activity_at)
       VALUES ('IQ900001', ?, 'unhandled', ?, '見積', 'email', 'taro@example.jp', 1, 0, ?, ?)`,
      [mailboxId, NOW, NOW, NOW],
    );
    const [{ id: ticketId }] = await ds.query("SELECT id FROM ticket WHERE code = 'IQ900001'");
    await ds.query(
      `INSERT INTO article (ticket_id, kind, direction, sender, message_id, from_address, subject, body_text, created_at) VALUES (?, 'email', 'inbound', 'customer', 'm1@example.jp', 'taro@example.jp', '見積', '本文', ?)`,
      [ticketId, NOW],
    );
    const [{ id: articleId }] = await ds.query('SELECT id FROM article WHERE ticket_id = ?', [ticketId]);
    await ds.query('INSERT INTO thread_key (mailbox_id, message_id, ticket_id, article_id) VALUES (?, ?, ?, ?)', [mailboxId, 'm1@example.jp', ticketId, articleId]);
    await ds.query(`INSERT INTO ticket_rule_log (ticket_id, rule_name, position, actions_json, created_at) VALUES (?, 'r', 1, '[]', ?)`, [ticketId, NOW]);

    await ds.runMigrations();
    expect(await cols('ticket')).toContain('merged_into_id');
    expect(await cols('blocked_sender')).toEqual(expect.arrayContaining(['id', 'mailbox_id', 'pattern', 'kind', 'created_by', 'created_at']));
    const [t] = await ds.query('SELECT code, subject, merged_into_id FROM ticket WHERE id = ?', [ticketId]);
    expect([t.code, t.subject, t.merged_into_id]).toEqual(['IQ900001', '見積', null]);
    expect(await count(`SELECT COUNT(*) AS n FROM article WHERE ticket_id = ${Number(ticketId)}`)).toBe(1);
    expect(await count(`SELECT COUNT(*) AS n FROM thread_key WHERE ticket_id = ${Number(ticketId)}`)).toBe(1);
    expect(await count(`SELECT COUNT(*) AS n FROM ticket_rule_log WHERE ticket_id = ${Number(ticketId)}`)).toBe(1);
    // One entry per pattern and mailbox.
    const block = () => ds.query(`INSERT INTO blocked_sender (mailbox_id, pattern, kind, created_at) VALUES (?, '@spam.example', 'domain', ?)`, [mailboxId, NOW]);
    await block();
    await expect(block()).rejects.toThrow();

    await migrated.undoTo('MergeSpam1763900000019');
    expect(await cols('ticket')).not.toContain('merged_into_id');
    expect(await count(`SELECT COUNT(*) AS n FROM article WHERE ticket_id = ${Number(ticketId)}`)).toBe(1);
    await ds.runMigrations();
  });
});
