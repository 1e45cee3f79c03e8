import { DB_KINDS } from '@test/support/databases';
import { migratedDatabase, MigratedDatabase } from '@test/support/migrations';
import { DataSource } from 'typeorm';

jest.setTimeout(60_000);

const NOW = '2026-12-01 09:00:00.000';

describe.each(DB_KINDS)('migration 1763900000023: what a reply makes of its ticket (%s)', (kind) => {
  let migrated: MigratedDatabase;
  let ds: DataSource;

  beforeAll(async () => {
    migrated = await migratedDatabase(kind);
    ds = migrated.ds;
  });
  afterAll(() => migrated?.close());

  it('gives existing replies today\'s behaviour, keeps every reply and article, and goes back down with held tickets reopened', async () => {
    await migrated.undoTo('AfterSend1763900000023');

    await ds.query('INSERT INTO mailbox (name, address, created_at, updated_at) VALUES (?, ?, ?, ?)', ['移行', 'after-send@example.jp', NOW, NOW]);
    const mailboxId = Number((await ds.query("SELECT id FROM mailbox WHERE address = 'after-send@example.jp'"))[0].id);
    await ds.query(
      `INSERT INTO ticket (code, mailbox_id, state, state_version, state_changed_at, version, subject, channel, unread, created_at, last_activity_at)
       VALUES ('IQ900023', ?, 'unhandled', 1, ?, 1, '件名', 'email', 1, ?, ?)`,
      [mailboxId, NOW, NOW, NOW],
    );
    const ticketId = Number((await ds.query("SELECT id FROM ticket WHERE code = 'IQ900023'"))[0].id);
    await ds.query(
      `INSERT INTO article (ticket_id, kind, direction, sender, subject, body_text, created_at) VALUES (?, 'email', 'inbound', 'customer', '件名', '本文', ?)`,
      [ticketId, NOW],
    );
    const articles = Number((await ds.query('SELECT COUNT(*) AS n FROM article WHERE ticket_id = ?', [ticketId]))[0].n);
    expect(articles).toBe(1);
    await ds.query(
      `INSERT INTO reply (ticket_id, mailbox_id, state, state_changed_at, subject, body_text, created_at, updated_at) VALUES (?, ?, 'draft', ?, 'Re: 件名', '返信', ?, ?)`,
      [ticketId, mailboxId, NOW, NOW, NOW],
    );

    await ds.runMigrations();
    const [reply] = await ds.query('SELECT subject, after_send, hold_until FROM reply WHERE ticket_id = ?', [ticketId]);
    expect(reply).toMatchObject({ subject: 'Re: 件名', after_send: 'handled', hold_until: null });
    expect(Number((await ds.query('SELECT COUNT(*) AS n FROM article WHERE ticket_id = ?', [ticketId]))[0].n)).toBe(articles);

    await ds.query("UPDATE ticket SET state = 'on_hold' WHERE id = ?", [ticketId]);
    await migrated.undoTo('AfterSend1763900000023');
    expect((await ds.query('SELECT state FROM ticket WHERE id = ?', [ticketId]))[0].state).toBe('unhandled');
    expect((await ds.query('SELECT subject FROM reply WHERE ticket_id = ?', [ticketId]))[0].subject).toBe('Re: 件名');
    expect(Number((await ds.query('SELECT COUNT(*) AS n FROM article WHERE ticket_id = ?', [ticketId]))[0].n)).toBe(articles);
    await ds.runMigrations();
  });
});
