import { DB_KINDS } from '@test/support/databases';
import { migratedDatabase, MigratedDatabase } from '@test/support/migrations';
import { DataSource } from 'typeorm';

jest.setTimeout(60_000);

const NOW = '2026-12-01 09:00:00.000';

describe.each(DB_KINDS)('migration 1763900000018: a label catalogue and ticket_label rows (%s)', (kind) => {
  let migrated: MigratedDatabase;
  let ds: DataSource;

  beforeAll(async () => {
    migrated = await migratedDatabase(kind);
    ds = migrated.ds;
  });
  afterAll(() => migrated?.close());

  const cols = (table: string) => migrated.columns(table);
  const undoTo = (name: string) => migrated.undoTo(name);

  it('turns every ticket label name and rule label into catalogue labels, keeps every ticket and article, and back', async () => {
    await undoTo('Labels1763900000018');
    expect(await cols('ticket')).toContain('labels');

    const mailbox = async (address: string) => {
      await ds.query('INSERT INTO mailbox (name, address, created_at, updated_at) VALUES (?, ?, ?, ?)', ['移行', address, NOW, NOW]);
      return Number((await ds.query('SELECT id FROM mailbox WHERE address = ?', [address]))[0].id);
    };
    const a = await mailbox('labels-a@example.jp');
    const b = await mailbox('labels-b@example.jp');
    const ticket = async (code: string, mailboxId: number, labels: string | null) => {
      await ds.query(
        `INSERT INTO ticket (code, mailbox_id, state, state_version, state_changed_at, version, subject, channel, labels, unread, spam, created_at, last_activity_at)
         VALUES (?, ?, 'unhandled', 1, ?, 1, '件名', 'email', ?, 1, 0, ?, ?)`,
        [code, mailboxId, NOW, labels, NOW, NOW],
      );
      const id = Number((await ds.query('SELECT id FROM ticket WHERE code = ?', [code]))[0].id);
      await ds.query(
        `INSERT INTO article (ticket_id, kind, direction, sender, in_reply_to, \`references\`, from_address, from_name, to_json, cc_json, bcc_json, created_at)
         VALUES (?, 'email', 'inbound', 'customer', '[]', '[]', 'c@example.jp', '', '[]', '[]', '[]', ?)`,
        [id, NOW],
      );
      return id;
    };
    const t1 = await ticket('IQ900001', a, '["至急","VIP"]');
    const t2 = await ticket('IQ900002', a, '["ＶＩＰ","見積 "]');
    const t3 = await ticket('IQ900003', b, '["至急"]');
    const t4 = await ticket('IQ900004', a, '[]');
    const t5 = await ticket('IQ900005', a, null);
    const rule = async (mailboxId: number, name: string, actions: unknown[]) => {
      await ds.query(
        `INSERT INTO routing_rule (mailbox_id, name, position, match_mode, conditions_json, actions_json, active, created_at, updated_at) VALUES (?, ?, 1, 'all', '[]', ?, 1, ?, ?)`,
        [mailboxId, name, JSON.stringify(actions), NOW, NOW],
      );
      return Number((await ds.query('SELECT id FROM routing_rule WHERE name = ?', [name]))[0].id);
    };
    const r1 = await rule(a, '見積ルール', [{ type: 'addLabel', label: '見積' }, { type: 'markSpam' }]);
    const r2 = await rule(b, '請求ルール', [{ type: 'addLabel', label: '請求' }, { type: 'addLabel', label: '至急' }]);
    const r3 = await rule(a, '停止ルール', [{ type: 'stop' }]);

    await ds.runMigrations();
    expect(await cols('ticket')).not.toContain('labels');
    const catalogue = (await ds.query('SELECT id, mailbox_id, name, color FROM label ORDER BY id')) as { id: number; mailbox_id: number; name: string; color: string }[];
    const names = (mailboxId: number) => catalogue.filter((l) => Number(l.mailbox_id) === mailboxId).map((l) => l.name).sort();
    // 「ＶＩＰ」 is 「VIP」 after NFKC, 「見積 」 is 「見積」: one label each; each mailbox has its own 「至急」.
    expect(names(a)).toEqual(['VIP', '至急', '見積'].sort());
    expect(names(b)).toEqual(['至急', '請求'].sort());
    for (const l of catalogue) expect(l.color).toMatch(/^#[0-9a-f]{6}$/);
    const idOf = (mailboxId: number, name: string) => Number(catalogue.find((l) => Number(l.mailbox_id) === mailboxId && l.name === name)!.id);

    const rows = (await ds.query('SELECT ticket_id, label_id FROM ticket_label')) as { ticket_id: number; label_id: number }[];
    const labelsOf = (ticketId: number) => rows.filter((r) => Number(r.ticket_id) === ticketId).map((r) => Number(r.label_id)).sort((x, y) => x - y);
    expect(labelsOf(t1)).toEqual([idOf(a, '至急'), idOf(a, 'VIP')].sort((x, y) => x - y));
    expect(labelsOf(t2)).toEqual([idOf(a, 'VIP'), idOf(a, '見積')].sort((x, y) => x - y));
    expect(labelsOf(t3)).toEqual([idOf(b, '至急')]);
    expect(labelsOf(t4)).toEqual([]);
    expect(labelsOf(t5)).toEqual([]);
    expect(Number((await ds.query('SELECT COUNT(*) AS n FROM ticket'))[0].n)).toBe(5);
    expect(Number((await ds.query('SELECT COUNT(*) AS n FROM article WHERE ticket_id IN (?, ?, ?, ?, ?)', [t1, t2, t3, t4, t5]))[0].n)).toBe(5);

    const actions = async (id: number) => JSON.parse((await ds.query('SELECT actions_json FROM routing_rule WHERE id = ?', [id]))[0].actions_json);
    expect(await actions(r1)).toEqual([{ type: 'addLabel', labelId: idOf(a, '見積') }, { type: 'markSpam' }]);
    expect(await actions(r2)).toEqual([
      { type: 'addLabel', labelId: idOf(b, '請求') },
      { type: 'addLabel', labelId: idOf(b, '至急') },
    ]);
    expect(await actions(r3)).toEqual([{ type: 'stop' }]);

    // A name is unique per mailbox whatever its case; a pair is on a ticket once.
    await expect(ds.query(`INSERT INTO label (mailbox_id, name, name_key, color, created_at) VALUES (?, 'vip', 'vip', '#000000', ?)`, [a, NOW])).rejects.toThrow();
    await expect(ds.query('INSERT INTO ticket_label (ticket_id, label_id) VALUES (?, ?)', [t1, idOf(a, 'VIP')])).rejects.toThrow();

    await undoTo('Labels1763900000018');
    expect(await cols('ticket')).toContain('labels');
    const back = (await ds.query('SELECT id, labels FROM ticket ORDER BY id')) as { id: number; labels: string }[];
    const backOf = (id: number) => (JSON.parse(back.find((t) => Number(t.id) === id)!.labels) as string[]).sort();
    expect(backOf(t1)).toEqual(['VIP', '至急'].sort());
    expect(backOf(t2)).toEqual(['VIP', '見積'].sort());
    expect(backOf(t3)).toEqual(['至急']);
    expect(backOf(t4)).toEqual([]);
    expect(await actions(r1)).toEqual([{ type: 'addLabel', label: '見積' }, { type: 'markSpam' }]);
    expect(Number((await ds.query('SELECT COUNT(*) AS n FROM article WHERE ticket_id IN (?, ?, ?, ?, ?)', [t1, t2, t3, t4, t5]))[0].n)).toBe(5);
    await ds.runMigrations();
    expect(Number((await ds.query('SELECT COUNT(*) AS n FROM ticket_label'))[0].n)).toBe(rows.length);
  });
});
