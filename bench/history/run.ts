/**
 * Response history at 1,000,000 entries on MariaDB (npm run bench:history; issue #12 point 11).
 *
 * Seeds a throw-away database with 100,000 customers (most with a 担当) and 1,000,000 history
 * entries spread over 30 staff, mixed states and 次回予定 dates, 30 % with a detail line
 * (bench/history/dataset.ts), boots the real server, then times, per case, the product against
 * the raw SQL floor of the same queries sent through mysql2 in the same run:
 *  (a) 作業管理 "my open work, first page" through HistoryService.work (both index ranges, both
 *      counts, the page's rows and details, customer names) vs the same two ordered LIMIT 50
 *      reads, two COUNT(*) and the page's rows;
 *  (b) one staff member's overdue work (`overdue=true`), the same way;
 *  (c) a customer's history searched by content (`q`) through HistoryService.search vs its
 *      COUNT(*) and page;
 *  (d) a 10,000-customer bulk registration (一括登録, each customer's own 担当) through
 *      HistoryBatchesService.create vs one `INSERT … SELECT` of the same rows;
 *  (e) deleting that batch through HistoryBatchesService.remove vs `DELETE … WHERE batch_id`.
 * Targets: (a) p95 < 100 ms, (d) < 5 s. BENCH_CUSTOMERS (100,000), BENCH_ENTRIES (1,000,000),
 * BENCH_RUNS (40), BENCH_BULK_RUNS (5), BENCH_EXPLAIN=1, KEEP_DB=1 (keep the database).
 */
import '../support/nest-metadata';
import type { Principal as PrincipalType } from '@madoguchi/auth';
import { createConnection } from 'mysql2/promise';
import { performance } from 'node:perf_hooks';
import { seedHistoryDataset } from './dataset';

/* eslint-disable @typescript-eslint/no-require-imports -- loaded after the metadata hook above */
const { startTestApp } = require('../../test/support/test-app') as typeof import('../../test/support/test-app');
const { Principal } = require('@madoguchi/auth') as typeof import('@madoguchi/auth');
const { HistoryService, normalizeForSearch } = require('@madoguchi/customers') as typeof import('@madoguchi/customers');
const { HistoryBatchesService } =
  require('../../libs/customers/src/history/history-batches.service') as typeof import('../../libs/customers/src/history/history-batches.service');
/* eslint-enable @typescript-eslint/no-require-imports */

const CUSTOMERS = Number(process.env.BENCH_CUSTOMERS ?? 100_000);
const ENTRIES = Number(process.env.BENCH_ENTRIES ?? 1_000_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 40);
const BULK_RUNS = Number(process.env.BENCH_BULK_RUNS ?? 5);
const BULK = Math.min(10_000, CUSTOMERS);
const WARMUP = 3;
const WORK_TARGET_MS = 100;
const BULK_TARGET_MS = 5000;

function pct(samples: number[], p: number): number {
  const s = [...samples].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)];
}

type Raw = { sql: string; params: unknown[] };
type Db = { query(sql: string, params?: unknown[]): Promise<[unknown, unknown]> };

async function main() {
  const t0 = performance.now();
  const app = await startTestApp('mariadb');
  const raw = await createConnection({ uri: app.db.url, multipleStatements: false });
  const rows: string[][] = [];
  try {
    const now = new Date();
    const data = await seedHistoryDataset(raw, { customers: CUSTOMERS, entries: ENTRIES, staff: 30, now, normalize: normalizeForSearch });
    await raw.query('ANALYZE TABLE customer, customer_assignee, history_entry, history_detail');
    console.log(
      `Seeded ${data.customers.toLocaleString()} customers, ${data.entries.toLocaleString()} entries, ${data.details.toLocaleString()} detail lines in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
    );
    const select = async <T>(sql: string, params: unknown[] = []) => (await (raw as unknown as Db).query(sql, params))[0] as T[];

    const history = app.app.get(HistoryService);
    const batches = app.app.get(HistoryBatchesService);
    // The staff member with the most open work as 担当: the heaviest "my work".
    const [busiest] = await select<{ staff_id: number }>('SELECT staff_id FROM history_entry WHERE work_open = 1 AND staff_id IS NOT NULL GROUP BY staff_id ORDER BY COUNT(*) DESC LIMIT 1');
    const me = Number(busiest.staff_id);
    const p: PrincipalType = new Principal(me, 'staff@staff.example.jp', '田中 美咲', null, new Set(['customers.read', 'customers.write', 'history.bulk']), new Map(), [], 'session');

    // The floor of a work page: the two ordered index reads, their counts and the page's rows.
    const workFloor = (extra: string, params: unknown[]): Raw[] => {
      const open = `work_open = 1${extra}`;
      return [
        { sql: `SELECT id, work_due_at FROM history_entry WHERE staff_id = ? AND ${open} ORDER BY work_due_at, id LIMIT 50`, params: [me, ...params] },
        { sql: `SELECT id, work_due_at FROM history_entry WHERE requested_to_id = ? AND (staff_id IS NULL OR staff_id <> ?) AND ${open} ORDER BY work_due_at, id LIMIT 50`, params: [me, me, ...params] },
        { sql: `SELECT COUNT(*) AS n FROM history_entry WHERE staff_id = ? AND ${open}`, params: [me, ...params] },
        { sql: `SELECT COUNT(*) AS n FROM history_entry WHERE requested_to_id = ? AND (staff_id IS NULL OR staff_id <> ?) AND ${open}`, params: [me, me, ...params] },
      ];
    };
    // The page's own rows are one more read, keyed by the ids the first statement found.
    const withRows = async (floor: Raw[]) => {
      let ids: number[] = [];
      for (const [i, q] of floor.entries()) {
        const got = await select<{ id: number }>(q.sql, q.params);
        if (i === 0) ids = got.map((r) => Number(r.id));
      }
      if (ids.length) await select(`SELECT * FROM history_entry WHERE id IN (${ids.map(() => '?').join(', ')})`, ids);
    };

    const [heavy] = await select<{ customer_id: number }>('SELECT customer_id FROM history_entry GROUP BY customer_id ORDER BY COUNT(*) DESC LIMIT 1');
    const customerId = Number(heavy.customer_id);
    const word = '点検';
    const like = `%${normalizeForSearch(word)}%`;
    const cases: { name: string; product: () => Promise<number>; floor: () => Promise<void>; explain: Raw[] }[] = [
      {
        name: '(a) 作業管理: my open work, first page',
        product: async () => (await history.work({}, p)).total,
        floor: () => withRows(workFloor('', [])),
        explain: workFloor('', []).slice(0, 2),
      },
      {
        name: "(b) one staff's overdue work",
        product: async () => (await history.work({ staffId: me, overdue: true }, p)).total,
        floor: () => withRows(workFloor(' AND work_due_at < ?', [now])),
        explain: workFloor(' AND work_due_at < ?', [now]).slice(0, 2),
      },
      {
        name: `(c) a customer's history, q=「${word}」`,
        product: async () => (await history.search(customerId, { q: word })).total,
        floor: async () => {
          await select("SELECT COUNT(*) AS n FROM history_entry WHERE customer_id = ? AND search_text LIKE ? ESCAPE '!'", [customerId, like]);
          await select("SELECT * FROM history_entry WHERE customer_id = ? AND search_text LIKE ? ESCAPE '!' ORDER BY created_at DESC, id DESC LIMIT 50", [customerId, like]);
        },
        explain: [{ sql: "SELECT * FROM history_entry WHERE customer_id = ? AND search_text LIKE ? ESCAPE '!' ORDER BY created_at DESC, id DESC LIMIT 50", params: [customerId, like] }],
      },
    ];

    if (process.env.BENCH_EXPLAIN) {
      for (const c of cases) {
        for (const q of c.explain) {
          const plan = await select<Record<string, unknown>>(`EXPLAIN ${q.sql}`, q.params);
          console.log(`\nEXPLAIN ${c.name}: ${q.sql.slice(0, 70)}…`);
          console.table(plan.map((r) => ({ table: r.table, type: r.type, key: r.key, rows: r.rows, Extra: r.Extra })));
        }
      }
    }

    let worstWork = 0;
    for (const c of cases) {
      const product: number[] = [];
      const floor: number[] = [];
      let hits = 0;
      for (let i = 0; i < RUNS + WARMUP; i++) {
        let s = performance.now();
        hits = await c.product();
        const dt = performance.now() - s;
        s = performance.now();
        await c.floor();
        const rdt = performance.now() - s;
        if (i >= WARMUP) {
          product.push(dt);
          floor.push(rdt);
        }
      }
      if (c.name.startsWith('(a)')) worstWork = pct(product, 95);
      rows.push([c.name, hits.toLocaleString(), pct(product, 50).toFixed(1), pct(product, 95).toFixed(1), pct(floor, 50).toFixed(1), pct(floor, 95).toFixed(1)]);
    }

    // (d)/(e): each run registers the same 10,000 customers (each with its own 担当) and deletes
    // the batch again; the floor writes and deletes the same rows in one statement each.
    const ids = (await select<{ id: number }>('SELECT id FROM customer ORDER BY id LIMIT ?', [BULK])).map((r) => Number(r.id));
    const marks = ids.map(() => '?').join(', ');
    const bulkProduct: number[] = [];
    const bulkFloor: number[] = [];
    const deleteProduct: number[] = [];
    const deleteFloor: number[] = [];
    let count = 0;
    for (let i = 0; i < BULK_RUNS + 1; i++) {
      let s = performance.now();
      const batch = await batches.create(
        { customerIds: ids, title: '車検案内ハガキ発送', state: 'waiting', createdAt: now.toISOString(), staff: { mode: 'assignee' } } as never,
        p,
      );
      const dt = performance.now() - s;
      count = batch.count;
      s = performance.now();
      await batches.remove(batch.id, p);
      const ddt = performance.now() - s;

      const floorBatch = 1_000_000_000 + i;
      const stamp = now.toISOString().replace('T', ' ').replace('Z', '');
      s = performance.now();
      await raw.beginTransaction();
      await raw.query(
        `INSERT INTO history_entry (customer_id, created_at, title, state, kind, author_id, staff_id, requested_to_id, next_scheduled_at, ticket_id, article_id, batch_id, event_key, phone, call_json, work_open, work_due_at, search_text, updated_at)
         SELECT c.id, ?, ?, 'waiting', 'note', ?, (SELECT MIN(ca.user_id) FROM customer_assignee ca WHERE ca.customer_id = c.id), NULL, NULL, NULL, NULL, ?, NULL, NULL, NULL, 1, '9999-12-31 00:00:00.000', ?, ?
           FROM customer c WHERE c.id IN (${marks})`,
        [stamp, '車検案内ハガキ発送', me, floorBatch, normalizeForSearch('車検案内ハガキ発送'), stamp, ...ids],
      );
      await raw.commit();
      const rdt = performance.now() - s;
      s = performance.now();
      await raw.query('DELETE FROM history_entry WHERE batch_id = ?', [floorBatch]);
      const rddt = performance.now() - s;
      if (i >= 1) {
        bulkProduct.push(dt);
        bulkFloor.push(rdt);
        deleteProduct.push(ddt);
        deleteFloor.push(rddt);
      }
    }
    rows.push([`(d) bulk registration, ${BULK.toLocaleString()} customers`, count.toLocaleString(), pct(bulkProduct, 50).toFixed(1), pct(bulkProduct, 95).toFixed(1), pct(bulkFloor, 50).toFixed(1), pct(bulkFloor, 95).toFixed(1)]);
    rows.push([`(e) delete that batch`, count.toLocaleString(), pct(deleteProduct, 50).toFixed(1), pct(deleteProduct, 95).toFixed(1), pct(deleteFloor, 50).toFixed(1), pct(deleteFloor, 95).toFixed(1)]);

    const head = ['case', 'hits', 'product p50 ms', 'product p95 ms', 'raw SQL p50 ms', 'raw SQL p95 ms'];
    const width = (s: string) => [...s].length + [...s].filter((ch) => ch > '\u2000').length;
    const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => width(r[i]))));
    const line = (cells: string[]) =>
      '| ' + cells.map((c, i) => (i === 0 ? c + ' '.repeat(Math.max(0, widths[i] - width(c))) : c.padStart(widths[i]))).join(' | ') + ' |';
    console.log(
      `\nResponse history, ${data.customers.toLocaleString()} customers / ${data.entries.toLocaleString()} entries, MariaDB, ${RUNS} runs each (bulk: ${BULK_RUNS})\n`,
    );
    console.log(line(head));
    console.log('|' + widths.map((w, i) => (i === 0 ? '-'.repeat(w + 2) : '-'.repeat(w + 1) + ':')).join('|') + '|');
    for (const r of rows) console.log(line(r));
    const worstBulk = pct(bulkProduct, 95);
    console.log(`\nWork first page p95: ${worstWork.toFixed(1)} ms (target < ${WORK_TARGET_MS} ms): ${worstWork < WORK_TARGET_MS ? 'met' : 'NOT met'}`);
    console.log(`Bulk ${BULK.toLocaleString()} p95: ${worstBulk.toFixed(0)} ms (target < ${BULK_TARGET_MS} ms): ${worstBulk < BULK_TARGET_MS ? 'met' : 'NOT met'}`);
  } finally {
    await raw.end();
    // KEEP_DB=1 leaves the seeded database for exploring query plans by hand.
    if (process.env.KEEP_DB) {
      console.log(`Kept database: ${app.db.url}`);
      await app.app.close();
    } else await app.close();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
