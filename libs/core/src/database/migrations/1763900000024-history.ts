import { MigrationInterface, QueryRunner, Table, TableForeignKey, TableIndex } from 'typeorm';
import { columns } from '../migration-helpers';

const NOTE_LABELS: Record<string, string> = { phone: '電話対応', fax: 'FAX対応', visit: '来店対応', other: 'その他対応' };
const NOTE_KINDS: Record<string, string> = { phone: 'call', fax: 'fax', visit: 'visit', other: 'note' };
const NO_DUE_DATE = '9999-12-31 00:00:00.000';
const PAGE = 500;

/** The search normalisation of the day (customers' normalizeForSearch), frozen with this migration. */
function normalize(s: string): string {
  return s
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[\u3041-\u3096\u309d\u309e]/g, (ch) => String.fromCharCode(ch.charCodeAt(0) + 0x60))
    .replace(/\s+/g, '')
    .replace(/[()](?=\d)|(?<=\d)[()]/g, '')
    .replace(/(?<=\d)[-‐‑‒–—―ー−]+(?=\d)/g, '');
}

/** 電話対応: 折り返しの連絡をした — the kind and the note's first line (the default title of then). */
function noteTitle(kind: string, text: string): string {
  const first = text.split(/\r?\n/).find((l) => l.trim())?.trim() ?? '';
  return `${NOTE_LABELS[kind] ?? NOTE_LABELS.other}${first ? `: ${first}` : ''}`.slice(0, 100);
}

function stamp(d: Date | string): string {
  return (d instanceof Date ? d : new Date(d)).toISOString().replace('T', ' ').replace('Z', '');
}

/**
 * Response history (issue #12): `history_entry` with its detail lines, bulk-registration
 * batches and the hub's settings. Every history note already on a ticket (phone, FAX, visit,
 * other — written by 対応履歴の追加 or with 対応済) becomes an entry linked to the ticket, its
 * article and the ticket's customer; the articles stay on the ticket's timeline, so down()
 * loses nothing by dropping the new tables.
 */
export class History1763900000024 implements MigrationInterface {
  name = 'History1763900000024';

  async up(qr: QueryRunner): Promise<void> {
    const c = columns(qr);
    await qr.createTable(
      new Table({
        name: 'history_entry',
        columns: [
          c.id(),
          c.int('customer_id', { isNullable: true }),
          c.datetime('created_at'),
          c.str('title', 100),
          c.str('state', 12),
          c.str('kind', 10),
          c.int('author_id', { isNullable: true }),
          c.int('staff_id', { isNullable: true }),
          c.int('requested_to_id', { isNullable: true }),
          c.datetime('next_scheduled_at', { isNullable: true }),
          c.int('ticket_id', { isNullable: true }),
          c.int('article_id', { isNullable: true }),
          c.int('batch_id', { isNullable: true }),
          c.str('event_key', 191, { isNullable: true, isUnique: true }),
          c.str('phone', 30, { isNullable: true }),
          c.text('call_json', { isNullable: true }),
          c.bool('work_open', true),
          c.datetime('work_due_at'),
          c.text('search_text'),
          c.datetime('updated_at'),
        ],
        indices: [
          new TableIndex({ name: 'IDX_history_customer', columnNames: ['customer_id', 'created_at', 'id'] }),
          // 作業管理: one staff member's open work in 次回予定 order, as 担当 and as 依頼先.
          new TableIndex({ name: 'IDX_history_work_staff', columnNames: ['staff_id', 'work_open', 'work_due_at', 'id'] }),
          new TableIndex({ name: 'IDX_history_work_requested', columnNames: ['requested_to_id', 'work_open', 'work_due_at', 'id'] }),
          new TableIndex({ name: 'IDX_history_ticket', columnNames: ['ticket_id'] }),
          new TableIndex({ name: 'IDX_history_article', columnNames: ['article_id'] }),
          new TableIndex({ name: 'IDX_history_batch', columnNames: ['batch_id'] }),
        ],
        foreignKeys: [new TableForeignKey({ columnNames: ['customer_id'], referencedTableName: 'customer', referencedColumnNames: ['id'], onDelete: 'CASCADE' })],
      }),
    );
    await qr.createTable(
      new Table({
        name: 'history_detail',
        columns: [
          c.id(),
          c.int('entry_id'),
          c.datetime('worked_at', { isNullable: true }),
          c.datetime('scheduled_at', { isNullable: true }),
          c.int('staff_id', { isNullable: true }),
          c.str('state', 12, { isNullable: true }),
          c.text('content'),
          c.datetime('created_at'),
          c.datetime('updated_at'),
        ],
        indices: [new TableIndex({ name: 'IDX_history_detail_entry', columnNames: ['entry_id'] })],
        foreignKeys: [new TableForeignKey({ columnNames: ['entry_id'], referencedTableName: 'history_entry', referencedColumnNames: ['id'], onDelete: 'CASCADE' })],
      }),
    );
    await qr.createTable(
      new Table({
        name: 'history_batch',
        columns: [
          c.id(),
          c.int('created_by_id', { isNullable: true }),
          c.datetime('created_at'),
          c.str('title', 100),
          c.str('state', 12),
          c.str('staff_mode', 10),
          c.int('staff_id', { isNullable: true }),
          c.int('count'),
          c.text('source_json'),
        ],
      }),
    );
    await qr.createTable(new Table({ name: 'history_setting', columns: [c.str('name', 50, { isPrimary: true }), c.text('value'), c.datetime('updated_at')] }));
    await this.migrateNotes(qr);
  }

  /** Each history note on a ticket becomes an entry (done, by its author), page by page. */
  private async migrateNotes(qr: QueryRunner): Promise<void> {
    let after = 0;
    for (;;) {
      const rows: { id: number; ticket_id: number; history_kind: string | null; body_text: string | null; author_id: number | null; created_at: Date | string; customer_id: number | null }[] = await qr.query(
        `SELECT a.id, a.ticket_id, a.history_kind, a.body_text, a.author_id, a.created_at, t.customer_id
           FROM article a JOIN ticket t ON t.id = a.ticket_id
          WHERE a.kind = 'history' AND a.id > ? ORDER BY a.id LIMIT ${PAGE}`,
        [after],
      );
      if (!rows.length) return;
      for (const r of rows) {
        const kind = r.history_kind ?? 'other';
        const text = r.body_text ?? '';
        const title = noteTitle(kind, text);
        const created = stamp(r.created_at);
        const chunks: string[] = [];
        for (let i = 0; i < text.length; i += 2000) chunks.push(text.slice(i, i + 2000));
        await qr.query(
          `INSERT INTO history_entry (customer_id, created_at, title, state, kind, author_id, staff_id, requested_to_id, next_scheduled_at, ticket_id, article_id, batch_id, event_key, phone, call_json, work_open, work_due_at, search_text, updated_at)
           VALUES (?, ?, ?, 'done', ?, ?, ?, NULL, NULL, ?, ?, NULL, ?, NULL, NULL, 0, ?, ?, ?)`,
          [r.customer_id, created, title, NOTE_KINDS[kind] ?? 'note', r.author_id, r.author_id, r.ticket_id, r.id, `ticket_note:article:${r.id}`, NO_DUE_DATE, [title, ...chunks].map(normalize).filter(Boolean).join('\n'), created],
        );
        const [{ id }] = await qr.query('SELECT id FROM history_entry WHERE event_key = ?', [`ticket_note:article:${r.id}`]);
        for (const chunk of chunks) {
          await qr.query('INSERT INTO history_detail (entry_id, worked_at, scheduled_at, staff_id, state, content, created_at, updated_at) VALUES (?, ?, NULL, ?, NULL, ?, ?, ?)', [id, created, r.author_id, chunk, created, created]);
        }
      }
      after = rows[rows.length - 1].id;
    }
  }

  async down(qr: QueryRunner): Promise<void> {
    await qr.dropTable('history_setting');
    await qr.dropTable('history_batch');
    await qr.dropTable('history_detail');
    await qr.dropTable('history_entry');
  }
}
