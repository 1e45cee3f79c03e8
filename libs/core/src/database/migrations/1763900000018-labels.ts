import { MigrationInterface, QueryRunner, Table, TableColumn, TableForeignKey, TableIndex } from 'typeorm';
import { columns } from '../migration-helpers';

/** The console's palette (libs/tickets LABEL_PALETTE): migrated labels take its colours in turn. */
const PALETTE = ['#e53935', '#fb8c00', '#fdd835', '#43a047', '#00897b', '#1e88e5', '#3949ab', '#8e24aa', '#d81b60', '#6d4c41', '#757575', '#546e7a'];
const PAGE = 2000;

/** libs/tickets labelNameKey: names equal after NFKC, trimming and case folding are one label. */
const nameKey = (name: string) => name.normalize('NFKC').trim().toLowerCase();
const cleanName = (name: string) => name.normalize('NFKC').trim().replace(/\s+/g, ' ').slice(0, 50);

type Action = { type: string; label?: unknown; labelId?: unknown } & Record<string, unknown>;

function parseList(raw: unknown): unknown[] {
  if (typeof raw !== 'string' || !raw) return [];
  try {
    const v: unknown = JSON.parse(raw);
    return Array.isArray(v) ? v : [];
  } catch {
    return [];
  }
}

/**
 * The query runner keeps the tables it has read; after SQL that alters one behind its back, a later
 * migration's TypeORM call (addColumn rebuilds the table on SQLite) would copy a column that is gone.
 */
function forgetTable(qr: QueryRunner, name: string): void {
  qr.loadedTables = qr.loadedTables.filter((t) => t.name !== name);
}

/**
 * Labels (issue #13 point 2): a catalogue per mailbox (`label`) and the labels a ticket carries as
 * rows of `ticket_label` instead of the JSON names in `ticket.labels`. Every distinct name of a
 * mailbox's tickets and routing rules becomes a catalogue label (names equal but for case or
 * 全角/半角 become one), tickets get their rows, rules' `{addLabel, label: name}` becomes
 * `{addLabel, labelId}`, and then the column goes. Down writes the names back.
 */
export class Labels1763900000018 implements MigrationInterface {
  name = 'Labels1763900000018';

  async up(qr: QueryRunner): Promise<void> {
    const c = columns(qr);
    const now = new Date().toISOString().replace('T', ' ').replace('Z', '');
    await qr.createTable(
      new Table({
        name: 'label',
        columns: [c.id(), c.int('mailbox_id'), c.str('name', 50), c.binStr('name_key', 200), c.str('color', 7), c.datetime('created_at')],
        indices: [new TableIndex({ name: 'UQ_label_mailbox_name', columnNames: ['mailbox_id', 'name_key'], isUnique: true })],
        foreignKeys: [new TableForeignKey({ columnNames: ['mailbox_id'], referencedTableName: 'mailbox', referencedColumnNames: ['id'], onDelete: 'CASCADE' })],
      }),
    );
    await qr.createTable(
      new Table({
        name: 'ticket_label',
        columns: [
          { ...c.int('ticket_id'), isPrimary: true },
          { ...c.int('label_id'), isPrimary: true },
        ],
        indices: [new TableIndex({ name: 'IDX_ticket_label_label', columnNames: ['label_id', 'ticket_id'] })],
        foreignKeys: [
          new TableForeignKey({ columnNames: ['ticket_id'], referencedTableName: 'ticket', referencedColumnNames: ['id'], onDelete: 'CASCADE' }),
          new TableForeignKey({ columnNames: ['label_id'], referencedTableName: 'label', referencedColumnNames: ['id'], onDelete: 'CASCADE' }),
        ],
      }),
    );

    // The catalogue: label ids by mailbox and name key, made on first sight.
    const ids = new Map<string, number>();
    const counts = new Map<number, number>();
    const labelId = async (mailboxId: number, raw: unknown): Promise<number | null> => {
      if (typeof raw !== 'string') return null;
      const name = cleanName(raw);
      if (!name) return null;
      const key = `${mailboxId}\u0000${nameKey(name)}`;
      let id = ids.get(key);
      if (id === undefined) {
        const n = counts.get(mailboxId) ?? 0;
        counts.set(mailboxId, n + 1);
        await qr.query('INSERT INTO label (mailbox_id, name, name_key, color, created_at) VALUES (?, ?, ?, ?, ?)', [mailboxId, name, nameKey(name), PALETTE[n % PALETTE.length], now]);
        const [row] = (await qr.query('SELECT id FROM label WHERE mailbox_id = ? AND name_key = ?', [mailboxId, nameKey(name)])) as { id: number | string }[];
        id = Number(row.id);
        ids.set(key, id);
      }
      return id;
    };

    // Rules first, so their labels take the first colours; their actions point at the catalogue.
    const rules = (await qr.query('SELECT id, mailbox_id, actions_json FROM routing_rule ORDER BY id')) as { id: number | string; mailbox_id: number | string; actions_json: string | null }[];
    for (const r of rules) {
      const actions = parseList(r.actions_json) as Action[];
      if (!actions.some((a) => a?.type === 'addLabel' && typeof a.label === 'string')) continue;
      const converted: Action[] = [];
      for (const a of actions) {
        if (a?.type !== 'addLabel' || typeof a.label !== 'string') converted.push(a);
        else {
          const id = await labelId(Number(r.mailbox_id), a.label);
          if (id !== null) converted.push({ type: 'addLabel', labelId: id });
        }
      }
      await qr.query('UPDATE routing_rule SET actions_json = ? WHERE id = ?', [JSON.stringify(converted), r.id]);
    }

    // Tickets, a page at a time by id: their names become rows of ticket_label.
    for (let after = 0; ; ) {
      const rows = (await qr.query(`SELECT id, mailbox_id, labels FROM ticket WHERE id > ? AND labels IS NOT NULL AND labels <> '[]' AND labels <> '' ORDER BY id LIMIT ${PAGE}`, [after])) as { id: number | string; mailbox_id: number | string; labels: string }[];
      if (!rows.length) break;
      const pairs: [number, number][] = [];
      for (const t of rows) {
        const seen = new Set<number>();
        for (const name of parseList(t.labels)) {
          const id = await labelId(Number(t.mailbox_id), name);
          if (id !== null && !seen.has(id)) {
            seen.add(id);
            pairs.push([Number(t.id), id]);
          }
        }
      }
      for (let i = 0; i < pairs.length; i += 500) {
        const chunk = pairs.slice(i, i + 500);
        await qr.query(`INSERT INTO ticket_label (ticket_id, label_id) VALUES ${chunk.map(() => '(?, ?)').join(', ')}`, chunk.flat());
      }
      after = Number(rows[rows.length - 1].id);
    }

    // SQLite's own DROP COLUMN (3.35+) alters `ticket` in place; TypeORM's rebuild would drop the
    // old table, and with it (ON DELETE CASCADE) every article. The column has no index.
    if (c.mysql) await qr.dropColumn('ticket', 'labels');
    else {
      await qr.query('ALTER TABLE "ticket" DROP COLUMN "labels"');
      forgetTable(qr, 'ticket');
    }
  }

  async down(qr: QueryRunner): Promise<void> {
    const c = columns(qr);
    if (c.mysql) await qr.addColumn('ticket', new TableColumn(c.text('labels', { isNullable: true })));
    else {
      await qr.query('ALTER TABLE "ticket" ADD COLUMN "labels" text');
      forgetTable(qr, 'ticket');
    }
    const labels = (await qr.query('SELECT id, name FROM label')) as { id: number | string; name: string }[];
    const names = new Map(labels.map((l) => [Number(l.id), l.name]));
    const rows = (await qr.query('SELECT ticket_id, label_id FROM ticket_label ORDER BY ticket_id, label_id')) as { ticket_id: number | string; label_id: number | string }[];
    const byTicket = new Map<number, string[]>();
    for (const r of rows) {
      const list = byTicket.get(Number(r.ticket_id)) ?? [];
      list.push(names.get(Number(r.label_id)) ?? '');
      byTicket.set(Number(r.ticket_id), list);
    }
    await qr.query(`UPDATE ticket SET labels = '[]'`);
    for (const [ticketId, list] of byTicket) await qr.query('UPDATE ticket SET labels = ? WHERE id = ?', [JSON.stringify(list), ticketId]);
    const rules = (await qr.query('SELECT id, actions_json FROM routing_rule')) as { id: number | string; actions_json: string | null }[];
    for (const r of rules) {
      const actions = parseList(r.actions_json) as Action[];
      if (!actions.some((a) => a?.type === 'addLabel' && typeof a.labelId === 'number')) continue;
      const back = actions.flatMap((a) => (a?.type === 'addLabel' && typeof a.labelId === 'number' ? (names.has(a.labelId) ? [{ type: 'addLabel', label: names.get(a.labelId) }] : []) : [a]));
      await qr.query('UPDATE routing_rule SET actions_json = ? WHERE id = ?', [JSON.stringify(back), r.id]);
    }
    await qr.dropTable('ticket_label');
    await qr.dropTable('label');
  }
}
