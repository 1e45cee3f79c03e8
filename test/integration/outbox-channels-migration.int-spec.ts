import { DB_KINDS } from '@test/support/databases';
import { migratedDatabase, MigratedDatabase } from '@test/support/migrations';
import { DataSource } from 'typeorm';

jest.setTimeout(60_000);

const NOW = '2026-12-01 09:00:00.000';

describe.each(DB_KINDS)('migration 1763900000017: a channel-neutral outbox (%s)', (kind) => {
  let migrated: MigratedDatabase;
  let ds: DataSource;

  beforeAll(async () => {
    migrated = await migratedDatabase(kind);
    ds = migrated.ds;
  });
  afterAll(() => migrated?.close());

  const cols = (table: string) => migrated.columns(table);

  it('keeps every row, makes the Message-ID the idempotency key, moves the Sent copies to mail_sent_copy, and back', async () => {
    await migrated.undoTo('OutboxChannels1763900000017');
    expect(await cols('outbox')).toEqual(expect.arrayContaining(['message_id', 'sent_copy', 'sent_copy_key']));

    await ds.query('INSERT INTO mailbox (name, address, created_at, updated_at) VALUES (?, ?, ?, ?)', ['移行', 'outbox@example.jp', NOW, NOW]);
    const [{ id: mailboxId }] = await ds.query("SELECT id FROM mailbox WHERE address = 'outbox@example.jp'");
    const insert = (messageId: string, sentCopy: string | null, key: string | null, attempts: number) =>
      ds.query(
        `INSERT INTO outbox (channel, mailbox_id, state, payload, message_id, due_at, attempts, sent_copy, sent_copy_key, sent_copy_attempts, sent_copy_due_at, created_at, updated_at)
         VALUES ('email', ?, 'sent', '{}', ?, ?, 1, ?, ?, ?, ?, ?, ?)`,
        [mailboxId, messageId, NOW, sentCopy, key, attempts, sentCopy === 'pending' ? NOW : null, NOW, NOW],
      );
    await insert('plain@example.jp', null, null, 0);
    await insert('pending@example.jp', 'pending', 'blob-1', 2);
    await insert('done@example.jp', 'done', null, 1);

    await ds.runMigrations();
    expect(await cols('outbox')).toEqual(expect.arrayContaining(['idempotency_key', 'target']));
    expect(await cols('outbox')).not.toEqual(expect.arrayContaining(['message_id']));
    expect((await cols('outbox')).filter((c) => c.startsWith('sent_copy'))).toEqual([]);
    const keys = (await ds.query('SELECT idempotency_key FROM outbox ORDER BY id')).map((r: { idempotency_key: string }) => r.idempotency_key);
    expect(keys).toEqual(['plain@example.jp', 'pending@example.jp', 'done@example.jp']);
    const copies = await ds.query('SELECT o.idempotency_key AS k, s.state, s.blob_key, s.attempts FROM mail_sent_copy s JOIN outbox o ON o.id = s.outbox_id ORDER BY o.id');
    expect(copies.map((c: { k: string; state: string; blob_key: string | null; attempts: number }) => [c.k, c.state, c.blob_key, Number(c.attempts)])).toEqual([
      ['pending@example.jp', 'pending', 'blob-1', 2],
      ['done@example.jp', 'done', null, 1],
    ]);
    // The idempotency key is unique: the same message cannot be queued twice.
    await expect(
      ds.query(`INSERT INTO outbox (channel, mailbox_id, state, payload, idempotency_key, due_at, attempts, created_at, updated_at) VALUES ('email', ?, 'pending', '{}', 'plain@example.jp', ?, 0, ?, ?)`, [mailboxId, NOW, NOW, NOW]),
    ).rejects.toThrow();

    // Down again: every migration after 17 first, then 17 itself.
    await migrated.undoTo('OutboxChannels1763900000017');
    const back = await ds.query('SELECT message_id, sent_copy, sent_copy_key, sent_copy_attempts FROM outbox ORDER BY id');
    expect(back.map((r: { message_id: string; sent_copy: string | null; sent_copy_key: string | null; sent_copy_attempts: number }) => [r.message_id, r.sent_copy, r.sent_copy_key, Number(r.sent_copy_attempts)])).toEqual([
      ['plain@example.jp', null, null, 0],
      ['pending@example.jp', 'pending', 'blob-1', 2],
      ['done@example.jp', 'done', null, 1],
    ]);
    await ds.runMigrations();
  });
});
