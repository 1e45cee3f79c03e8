import { DB_KINDS } from '@test/support/databases';
import { migratedDatabase, MigratedDatabase } from '@test/support/migrations';

jest.setTimeout(60_000);

const NOW = '2026-12-03 09:00:00.000';

describe.each(DB_KINDS)('migration 1763900000034: the SMS tables (%s)', (kind) => {
  let migrated: MigratedDatabase;

  beforeAll(async () => {
    migrated = await migratedDatabase(kind);
  });
  afterAll(() => migrated?.close());

  const insertMessage = (key: string) =>
    migrated.ds.query(
      `INSERT INTO sms_message (customer_id, mailbox_id, to_number, subject, body, purpose, status, provider, length, segments_docomo, segments_au, segments_softbank, idempotency_key, created_at, updated_at)
       VALUES (1, 1, '+819012345678', '件名', '本文', 'transactional', 'queued', 'local', 2, 1, 1, 1, ?, ?, ?)`,
      [key, NOW, NOW],
    );

  it('creates the three tables with their columns, and one SMS per idempotency key', async () => {
    expect(await migrated.columns('sms_settings')).toEqual(expect.arrayContaining(['provider', 'twilio_auth_token_secret', 'gateway_token_secret', 'notify_addresses', 'mailbox_id']));
    expect(await migrated.columns('sms_template')).toEqual(expect.arrayContaining(['name', 'subject', 'body', 'used_for_online_meeting']));
    expect(await migrated.columns('sms_message')).toEqual(expect.arrayContaining(['customer_id', 'status', 'outbox_id', 'scheduled_at', 'provider_message_id', 'idempotency_key', 'cancelled_by']));
    await insertMessage('sms-key-1');
    await expect(insertMessage('sms-key-1')).rejects.toThrow();
    await insertMessage('SMS-KEY-1'); // keys compare byte-wise
  });

  it('goes back without touching the outbox, and forward again', async () => {
    const before = await migrated.columns('outbox');
    await migrated.undoTo('Sms1763900000034');
    expect(await migrated.columns('sms_message')).toEqual([]);
    expect(await migrated.columns('sms_settings')).toEqual([]);
    expect(await migrated.columns('outbox')).toEqual(before);
    await migrated.ds.runMigrations({ transaction: 'each' });
    expect(await migrated.columns('sms_template')).toContain('body');
  });
});
