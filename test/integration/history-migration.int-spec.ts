import { DB_KINDS } from '@test/support/databases';
import { migratedDatabase, MigratedDatabase } from '@test/support/migrations';
import { DataSource } from 'typeorm';

jest.setTimeout(60_000);

const NOW = '2026-12-01 09:00:00.000';

describe.each(DB_KINDS)('migrations 1763900000024 and 0027: ticket history notes become history entries; outbox rows say what they are (%s)', (kind) => {
  let migrated: MigratedDatabase;
  let ds: DataSource;

  beforeAll(async () => {
    migrated = await migratedDatabase(kind);
    ds = migrated.ds;
  });
  afterAll(() => migrated?.close());

  const tables = async () => (await ds.query(ds.options.type === 'mysql' ? 'SHOW TABLES' : "SELECT name FROM sqlite_master WHERE type = 'table'")).map((r: Record<string, string>) => Object.values(r)[0]);
  const undoTo = (name: string) => migrated.undoTo(name);

  it('turns each note on a ticket into an entry on the ticket’s customer, keeps every article, and back', async () => {
    await undoTo('History1763900000024');
    expect(await tables()).not.toContain('history_entry');

    await ds.query('INSERT INTO mailbox (name, address, created_at, updated_at) VALUES (?, ?, ?, ?)', ['移行', 'history-migration@example.jp', NOW, NOW]);
    const mailboxId = Number((await ds.query('SELECT id FROM mailbox WHERE address = ?', ['history-migration@example.jp']))[0].id);
    await ds.query(
      `INSERT INTO customer (code, last_name, registration_state, list_flag, sms_consent, created_at, updated_at) VALUES ('900001', '山田', 'registered', 'normal', 0, ?, ?)`,
      [NOW, NOW],
    );
    const customerId = Number((await ds.query(`SELECT id FROM customer WHERE code = '900001'`))[0].id);
    const ticket = async (code: string, customer: number | null) => {
      await ds.query(
        `INSERT INTO ticket (code, mailbox_id, customer_id, state, state_version, state_changed_at, version, subject, channel, unread, spam, created_at, last_activity_at)
         VALUES (?, ?, ?, 'unhandled', 1, ?, 1, '件名', 'email', 1, 0, ?, ?)`,
        [code, mailboxId, customer, NOW, NOW, NOW],
      );
      return Number((await ds.query('SELECT id FROM ticket WHERE code = ?', [code]))[0].id);
    };
    const article = async (ticketId: number, k: string, historyKind: string | null, text: string) => {
      await ds.query(
        `INSERT INTO article (ticket_id, kind, history_kind, direction, sender, in_reply_to, \`references\`, from_address, from_name, to_json, cc_json, bcc_json, body_text, created_at)
         VALUES (?, ?, ?, 'outbound', 'agent', '[]', '[]', NULL, '担当', '[]', '[]', '[]', ?, ?)`.replace(/`/g, kind === 'mariadb' ? '`' : '"'),
        [ticketId, k, historyKind, text, NOW],
      );
    };
    const linked = await ticket('IQ910001', customerId);
    const loose = await ticket('IQ910002', null);
    await article(linked, 'history', 'phone', '折り返しの電話をした\n来週来店');
    await article(linked, 'history', 'visit', 'あ'.repeat(4500));
    await article(linked, 'email', null, 'メール本文');
    await article(loose, 'history', 'fax', 'FAXを送った');
    await ds.query(
      `INSERT INTO outbox (channel, mailbox_id, target, ticket_id, article_id, state, payload, idempotency_key, due_at, cancel_on_customer_reply, attempts, created_at, updated_at)
       VALUES ('email', ?, 'a@example.jp', ?, NULL, 'sent', '{}', 'k1', ?, 0, 0, ?, ?), ('email', ?, 'b@example.jp', NULL, NULL, 'sent', '{}', 'k2', ?, 0, 0, ?, ?)`,
      [mailboxId, linked, NOW, NOW, NOW, mailboxId, NOW, NOW, NOW],
    );

    await ds.runMigrations();
    const entries = (await ds.query('SELECT id, customer_id, ticket_id, article_id, title, state, kind, event_key FROM history_entry ORDER BY id')) as Record<string, unknown>[];
    expect(entries.map((e) => ({ customer: e.customer_id === null ? null : Number(e.customer_id), ticket: Number(e.ticket_id), title: e.title, state: e.state, kind: e.kind }))).toEqual([
      { customer: customerId, ticket: linked, title: '電話対応: 折り返しの電話をした', state: 'done', kind: 'call' },
      { customer: customerId, ticket: linked, title: `来店対応: ${'あ'.repeat(94)}`, state: 'done', kind: 'visit' },
      { customer: null, ticket: loose, title: 'FAX対応: FAXを送った', state: 'done', kind: 'fax' },
    ]);
    for (const e of entries) expect(e.event_key).toBe(`ticket_note:article:${e.article_id}`);
    // A note longer than a detail line (2,000) is kept whole, over several lines.
    const details = (await ds.query('SELECT content FROM history_detail WHERE entry_id = ? ORDER BY id', [entries[1].id])) as { content: string }[];
    expect(details.map((d) => d.content.length)).toEqual([2000, 2000, 500]);
    expect(details.map((d) => d.content).join('')).toBe('あ'.repeat(4500));
    expect(Number((await ds.query('SELECT COUNT(*) AS n FROM article'))[0].n)).toBe(4);
    const purposes = (await ds.query('SELECT idempotency_key, purpose FROM outbox ORDER BY id')) as { idempotency_key: string; purpose: string | null }[];
    expect(purposes).toEqual([
      { idempotency_key: 'k1', purpose: 'reply' },
      { idempotency_key: 'k2', purpose: null },
    ]);

    await undoTo('History1763900000024');
    expect(await tables()).not.toContain('history_entry');
    expect(Number((await ds.query('SELECT COUNT(*) AS n FROM article'))[0].n)).toBe(4);
    expect(Number((await ds.query('SELECT COUNT(*) AS n FROM outbox'))[0].n)).toBe(2);
    await ds.runMigrations();
    expect(Number((await ds.query('SELECT COUNT(*) AS n FROM history_entry'))[0].n)).toBe(3);
  });
});
