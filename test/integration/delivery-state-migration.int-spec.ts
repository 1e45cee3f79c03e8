import { DB_KINDS } from '@test/support/databases';
import { migratedDatabase, MigratedDatabase } from '@test/support/migrations';
import { DataSource } from 'typeorm';

jest.setTimeout(60_000);

const NOW = '2026-12-01 09:00:00.000';

describe.each(DB_KINDS)('migration 1763900000016: delivery in the reply machine (%s)', (kind) => {
  let migrated: MigratedDatabase;
  let ds: DataSource;

  beforeAll(async () => {
    migrated = await migratedDatabase(kind);
    ds = migrated.ds;
  });
  afterAll(() => migrated?.close());

  it('moves replies whose sending failed to the failed state and adds the error code, and back', async () => {
    // Later migrations first, then this one.
    const undoTo0016 = () => migrated.undoTo('DeliveryState1763900000016');
    await undoTo0016();
    const cols = () => migrated.columns('outbox');
    expect(await cols()).not.toContain('last_error_code');

    await ds.query('INSERT INTO mailbox (name, address, created_at, updated_at) VALUES (?, ?, ?, ?)', ['移行', 'migrate@example.jp', NOW, NOW]);
    const [{ id: mailboxId }] = await ds.query("SELECT id FROM mailbox WHERE address = 'migrate@example.jp'");
    await ds.query(
      `INSERT INTO ticket (code, mailbox_id, state, state_version, state_changed_at, version, subject, channel, labels, unread, spam, created_at, last_activity_at)
       VALUES ('IQ000001', ?, 'unhandled', 1, ?, 1, '件名', 'email', '[]', 1, 0, ?, ?)`,
      [mailboxId, NOW, NOW, NOW],
    );
    const [{ id: ticketId }] = await ds.query("SELECT id FROM ticket WHERE code = 'IQ000001'");
    const article = async (status: string) => {
      await ds.query(
        `INSERT INTO article (ticket_id, kind, direction, sender, in_reply_to, \`references\`, from_address, from_name, to_json, cc_json, bcc_json, status, created_at)
         VALUES (?, 'email', 'outbound', 'agent', '[]', '[]', 'migrate@example.jp', '', '[]', '[]', '[]', ?, ?)`,
        [ticketId, status, NOW],
      );
      return Number((await ds.query('SELECT MAX(id) AS id FROM article'))[0].id);
    };
    const reply = async (articleId: number, state: string) => {
      await ds.query(
        `INSERT INTO reply (ticket_id, mailbox_id, state, state_version, state_changed_at, version, to_json, cc_json, bcc_json, subject, body_text, attachments_json, article_id, created_at, updated_at)
         VALUES (?, ?, ?, 1, ?, 1, '[]', '[]', '[]', '件名', '本文', '[]', ?, ?, ?)`,
        [ticketId, mailboxId, state, NOW, articleId, NOW, NOW],
      );
      return Number((await ds.query('SELECT MAX(id) AS id FROM reply'))[0].id);
    };
    const failed = await reply(await article('failed'), 'approved');
    const queued = await reply(await article('queued'), 'approved');
    const sent = await reply(await article('sent'), 'sent');

    await ds.runMigrations();
    expect(await cols()).toContain('last_error_code');
    const states = async () => Object.fromEntries((await ds.query('SELECT id, state FROM reply')).map((r: { id: number; state: string }) => [Number(r.id), r.state]));
    expect(await states()).toEqual({ [failed]: 'failed', [queued]: 'approved', [sent]: 'sent' });

    await undoTo0016();
    expect(await states()).toEqual({ [failed]: 'approved', [queued]: 'approved', [sent]: 'sent' });
    expect(await cols()).not.toContain('last_error_code');
    await ds.runMigrations();
  });
});
