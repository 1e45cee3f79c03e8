/**
 * Ticket search (npm run bench:search; issue #14 point 6).
 *
 * Seeds a throw-away database with BENCH_TICKETS tickets of Japanese mail (about three articles
 * each; bench/support/ticket-dataset.ts) — 100,000 on MariaDB, 20,000 on SQLite unless set —
 * times the index's build (the queue the seed's triggers filled, drained by SearchIndex.fill),
 * reads the index's size, then per query kind times in the same run:
 *  - the product: SearchService.search (flush, counts per state, page of 20, list rows, snippets);
 *  - the engine's own query: the matching documents' count and first 20 ids, straight SQL;
 *  - the floor without an index: a bare `LIKE '%…%'` count over article bodies.
 * Kinds: a code, a rare word, a common word (the candidate nearest to 10 % of bodies), one
 * kanji, two words, no hit; the common word on one state's tab, and with an assignee filter
 * (which the index's attributes do not answer: the SQL path). BENCH_DB=mariadb|sqlite|both (both), BENCH_RUNS (20),
 * BENCH_LIKE_RUNS (5), KEEP_DB=1.
 */
import '../support/nest-metadata';
import type { Principal as PrincipalType } from '@madoguchi/auth';
import { statSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createConnection } from 'mysql2/promise';
import { DataSource } from 'typeorm';
import { formatTicketCode } from '../../libs/tickets/src/ticket-code';
import { seedTicketDataset, SeedTarget } from '../support/ticket-dataset';

/* eslint-disable @typescript-eslint/no-require-imports -- loaded after the metadata hook above */
const { startTestApp } = require('../../test/support/test-app') as typeof import('../../test/support/test-app');
const { Principal } = require('@madoguchi/auth') as typeof import('@madoguchi/auth');
const { SearchIndex } = require('@madoguchi/tickets') as typeof import('@madoguchi/tickets');
const { SearchService } = require('../../libs/tickets/src/search/search.service') as typeof import('../../libs/tickets/src/search/search.service');
const { searchTerms } = require('../../libs/tickets/src/search/search-text') as typeof import('../../libs/tickets/src/search/search-text');
/* eslint-enable @typescript-eslint/no-require-imports */

const RUNS = Number(process.env.BENCH_RUNS ?? 20);
const LIKE_RUNS = Number(process.env.BENCH_LIKE_RUNS ?? 5);
const KINDS = (process.env.BENCH_DB ?? 'both') === 'both' ? (['mariadb', 'sqlite'] as const) : ([process.env.BENCH_DB as 'mariadb' | 'sqlite'] as const);
/** Words of the dataset's mail, from which the rare and the common word are chosen by how many bodies hold them. */
const CANDIDATES = ['雨漏り', 'ひび割れ', '外壁', '見積', '車検', '納車', '予約', 'カラー', '点検', '木造二階建て', '下取り', 'タイヤ', '縮毛矯正', 'キャンセル', 'オイル交換', '工事', '日程'];

function pct(samples: number[], p: number): number {
  const s = [...samples].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)];
}

async function time(runs: number, fn: () => Promise<unknown>): Promise<number[]> {
  await fn();
  const out: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await fn();
    out.push(performance.now() - t);
  }
  return out;
}

async function bench(kind: 'mariadb' | 'sqlite') {
  const count = Number(process.env.BENCH_TICKETS ?? (kind === 'mariadb' ? 100_000 : 20_000));
  const t0 = performance.now();
  const app = await startTestApp(kind);
  const ds = app.app.get(DataSource);
  const mysql = kind === 'mariadb' ? await createConnection({ uri: app.db.url }) : null;
  const q = async (sql: string, params: unknown[] = []) => (mysql ? ((await mysql.query(sql, params))[0] as Record<string, unknown>[]) : ((await ds.query(sql, params)) as Record<string, unknown>[]));
  try {
    const target: SeedTarget = mysql ?? { query: (sql, params) => ds.query(sql, params), maxParams: 32_766 };
    const data = await seedTicketDataset(target, { tickets: count, articlesPerTicket: 3 });
    console.log(`\n${kind}: seeded ${data.tickets.toLocaleString()} tickets, ${data.articles.toLocaleString()} articles in ${((performance.now() - t0) / 1000).toFixed(1)} s (the triggers queued every ticket for the index)`);
    const index = app.app.get(SearchIndex);
    const b0 = performance.now();
    const built = await index.fill();
    const buildS = (performance.now() - b0) / 1000;
    if (mysql) await mysql.query('ANALYZE TABLE ticket, article');
    const size = await indexSize(kind, q, app.db.url);
    console.log(`Index (${index.engine.kind}): ${built.toLocaleString()} ticket documents built in ${buildS.toFixed(1)} s; size ${size}`);

    const p: PrincipalType = new Principal(data.userIds[0], 'tanaka.misaki@staff.example.jp', '田中 美咲', null, new Set(), new Map(data.mailboxIds.map((id) => [id, { view: true, reply: true, approve: true, manage: true }])), [], 'session');
    const search = app.app.get(SearchService);

    const bodies = Number((await q('SELECT COUNT(*) AS n FROM article'))[0].n);
    const freq: { word: string; n: number }[] = [];
    for (const word of CANDIDATES) freq.push({ word, n: Number((await q('SELECT COUNT(*) AS n FROM article WHERE body_text LIKE ?', [`%${word}%`]))[0].n) });
    const present = freq.filter((f) => f.n > 0).sort((a, b) => a.n - b.n);
    const rare = present[0];
    const common = [...present].sort((a, b) => Math.abs(a.n / bodies - 0.1) - Math.abs(b.n / bodies - 0.1))[0];
    console.log(`Words by bodies holding them: ${present.map((f) => `${f.word} ${((100 * f.n) / bodies).toFixed(1)}%`).join(', ')}`);

    const cases: { name: string; q: string; extra?: { state?: 'unhandled'; assignee?: string } }[] = [
      { name: 'code', q: formatTicketCode(Math.ceil(count / 2)) },
      { name: `rare word (${rare.word}, ${((100 * rare.n) / bodies).toFixed(2)} %)`, q: rare.word },
      { name: `common word (${common.word}, ${((100 * common.n) / bodies).toFixed(1)} %)`, q: common.word },
      { name: 'one kanji (漏)', q: '漏' },
      { name: 'two words (外壁 見積)', q: '外壁 見積' },
      { name: 'no hit (存在しない言葉)', q: '存在しない言葉' },
      // The 未対応 tab of the search page: counts of every state, the page within one.
      { name: `common word, state=unhandled`, q: common.word, extra: { state: 'unhandled' } },
      // With an assignee filter the document's attributes do not suffice: the SQL path (one pass over the matches' ticket rows).
      { name: `common word, assignee=none (SQL path)`, q: common.word, extra: { assignee: 'none' } },
    ];
    const rows: string[][] = [];
    for (const c of cases) {
      const terms = searchTerms(c.q);
      let hits = 0;
      const product = await time(RUNS, async () => (hits = (await search.search({ q: c.q, ...c.extra }, p)).total));
      const match = index.engine.match(terms);
      // The engine's own answer: how many documents, and the best 20 — named parameters in the port's SQL, bound here by position.
      const names: string[] = [];
      const positional = match.where.replace(/:(\w+)/g, (_, n: string) => (names.push(n), '?'));
      const params = names.map((n) => match.params[n]);
      const engineSql = `SELECT COUNT(*) AS n FROM ticket_search_doc WHERE ${positional}`;
      const topSql = `SELECT ${index.engine.idColumn} AS id FROM ticket_search_doc WHERE ${positional} LIMIT 20`;
      const engine = await time(RUNS, async () => {
        await q(engineSql, params);
        await q(topSql, params);
      });
      const like = c.q.split(' ')[0];
      const floor = await time(LIKE_RUNS, () => q('SELECT COUNT(*) AS n FROM article WHERE body_text LIKE ?', [`%${like}%`]));
      rows.push([c.name, String(hits), pct(product, 50).toFixed(1), pct(product, 95).toFixed(1), pct(engine, 50).toFixed(1), pct(engine, 95).toFixed(1), pct(floor, 50).toFixed(1), pct(floor, 95).toFixed(1)]);
    }
    const head = ['query', 'tickets', 'product p50', 'product p95', 'engine p50', 'engine p95', 'LIKE p50', 'LIKE p95'];
    console.log(`\nTicket search on ${kind} (${index.engine.kind}), ${count.toLocaleString()} tickets / ${data.articles.toLocaleString()} articles; ms; ${RUNS} runs (LIKE ${LIKE_RUNS})\n`);
    console.log(`| ${head.join(' | ')} |`);
    console.log(`|${head.map((_, i) => (i === 0 ? '---' : '---:')).join('|')}|`);
    for (const r of rows) console.log(`| ${r.join(' | ')} |`);
  } finally {
    await mysql?.end();
    if (process.env.KEEP_DB) {
      console.log(`Kept database: ${app.db.url}`);
      await app.app.close();
    } else await app.close();
  }
}

/** The index's bytes: Mroonga keeps its own files beside the database's (<db>.mrn*); SQLite's FTS5 shadow tables by dbstat, when compiled in. */
async function indexSize(kind: string, q: (sql: string, params?: unknown[]) => Promise<Record<string, unknown>[]>, url: string): Promise<string> {
  const mb = (n: number) => `${(n / 1024 / 1024).toFixed(1)} MB`;
  if (kind === 'mariadb') {
    const db = new URL(url).pathname.slice(1);
    const dir = String((await q("SELECT @@datadir AS d"))[0].d);
    try {
      const files = readdirSync(dir).filter((f) => f.startsWith(`${db}.mrn`));
      return `${mb(files.reduce((s, f) => s + statSync(join(dir, f)).size, 0))} (Mroonga files; ${files.length} files)`;
    } catch {
      const [t] = await q("SELECT DATA_LENGTH + INDEX_LENGTH AS n FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'ticket_search_doc'");
      return `${mb(Number(t.n))} (information_schema)`;
    }
  }
  try {
    const [t] = await q("SELECT SUM(pgsize) AS n FROM dbstat WHERE name LIKE 'ticket_search_doc%'");
    return mb(Number(t.n));
  } catch {
    return 'unknown (SQLite built without dbstat)';
  }
}

async function main() {
  for (const kind of KINDS) await bench(kind);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
