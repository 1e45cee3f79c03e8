/**
 * CSV import of 100,000 customers on MariaDB (npm run bench:customers-import; issue #17 point 9).
 *
 * Writes a generated Shift_JIS (CP932) CSV of BENCH_ROWS customers as Excel would export it
 * (header 顧客コード, 姓, 名, セイ, メイ, メールアドレス, 電話番号, 携帯, 郵便番号, 住所, 支店,
 * 生年月日, コメント; CRLF; a quoted comment with a line break every 50th row), boots the real
 * server on a throw-away database, and imports it through CustomerImportService the way the
 * worker does: typed by its bytes, stored, read as a stream twice (check every row, then write
 * in batches of 500 with the progress). Reports time, rows/s and peak RSS, beside the floor: the
 * same rows, already normalised, sent as bare multi-row INSERTs (customer + customer_search,
 * 500 rows a statement) through mysql2 into an empty copy of the tables in the same run.
 * Target: under 60 s. BENCH_ROWS (100,000), KEEP_DB=1.
 */
import '../support/nest-metadata';
import type { Principal as PrincipalType } from '@madoguchi/auth';
import iconv from 'iconv-lite';
import { createConnection } from 'mysql2/promise';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { SeedCustomer, seedCustomers } from '../customers-search/seed-data';

/* eslint-disable @typescript-eslint/no-require-imports -- loaded after the metadata hook above */
const { startTestApp } = require('../../test/support/test-app') as typeof import('../../test/support/test-app');
const { Principal } = require('@madoguchi/auth') as typeof import('@madoguchi/auth');
const { CustomerImportService, buildSearchText } = {
  ...(require('@madoguchi/customers') as typeof import('@madoguchi/customers')),
  ...(require('../../libs/customers/src/search/customer-search-text') as typeof import('../../libs/customers/src/search/customer-search-text')),
};
/* eslint-enable @typescript-eslint/no-require-imports */

const ROWS = Number(process.env.BENCH_ROWS ?? 100_000);
const TARGET_S = 60;
const HEADER = ['顧客コード', '姓', '名', 'セイ', 'メイ', 'メールアドレス', '電話番号', '携帯', '郵便番号', '住所', '支店', '生年月日', 'コメント'];
const MAPPING = { 顧客コード: 'code', 姓: 'lastName', 名: 'firstName', セイ: 'lastNameKana', メイ: 'firstNameKana', メールアドレス: 'email', 電話番号: 'tel', 携帯: 'mobile', 郵便番号: 'postalCode', 住所: 'address', 支店: 'branch', 生年月日: 'birthday', コメント: 'comment' };

const cell = (c: string) => (/[",\r\n]/.test(c) ? `"${c.replace(/"/g, '""')}"` : c);

function birthday(i: number): string {
  return `${1950 + (i % 50)}/${(i % 12) + 1}/${(i % 28) + 1}`;
}

/** The seed's mobiles are real-looking 090/080/070 numbers; landlines are made valid (03, 06 …) the same way. */
function tel(c: SeedCustomer, i: number): string {
  return c.tel ? `0${i % 2 ? 3 : 6}-${c.tel.slice(-9, -5)}-${c.tel.slice(-4)}` : '';
}

async function main() {
  const dir = mkdtempSync(join(tmpdir(), 'madoguchi-bench-import-'));
  const file = join(dir, 'customers.csv');
  const lines = [HEADER.join(',')];
  let i = 0;
  for (const c of seedCustomers(ROWS)) {
    const comment = i % 50 === 0 ? `来店時メモ\n「${c.lastName}様」, 要確認` : (c.comment ?? '');
    const row = { tel: tel(c, i), birthday: birthday(i) };
    lines.push([c.code, c.lastName, c.firstName, c.lastNameKana, c.firstNameKana, c.email, row.tel, c.mobile ?? '', c.postalCode, c.address, c.branch, row.birthday, comment].map(cell).join(','));
    i++;
  }
  writeFileSync(file, iconv.encode(lines.join('\r\n') + '\r\n', 'cp932'));
  lines.length = 0;
  const size = statSync(file).size;
  console.log(`Wrote ${ROWS.toLocaleString()} rows as Shift_JIS (CP932): ${(size / 1024 / 1024).toFixed(1)} MB`);

  const app = await startTestApp('mariadb');
  const raw = await createConnection({ uri: app.db.url });
  try {
    const imports = app.app.get(CustomerImportService);
    const p: PrincipalType = new Principal(1, 'admin@test.local', '管理者', null, new Set(['customers.read', 'customers.write']), new Map(), [], 'session');
    let peak = process.memoryUsage().rss;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
    const rssBefore = process.memoryUsage().rss;
    let t0 = performance.now();
    const { id } = await imports.start({ originalname: 'customers.csv', size, path: file }, { mapping: MAPPING, mode: 'run', matchBy: 'code', atomic: false }, p);
    if (!(await imports.claim(id))) throw new Error('could not claim the import');
    await imports.process(id);
    const seconds = (performance.now() - t0) / 1000;
    clearInterval(sampler);
    const status = await imports.status(id);
    if (status.state !== 'done' || status.created !== ROWS) throw new Error(`import ended ${status.state}: ${JSON.stringify({ ...status, errors: status.errors.slice(0, 5) })}`);
    const [[check]] = (await raw.query('SELECT COUNT(*) AS n, (SELECT COUNT(*) FROM customer_search) AS s FROM customer')) as unknown as [{ n: number; s: number }[]];

    // The floor: the same rows, normalised as the product stores them, as bare multi-row INSERTs.
    await raw.query('CREATE TABLE floor_customer LIKE customer');
    await raw.query('CREATE TABLE floor_customer_search LIKE customer_search');
    const stored = (await raw.query('SELECT * FROM customer ORDER BY id')) as unknown as [Record<string, unknown>[]];
    const rows = stored[0];
    const cols = Object.keys(rows[0]).filter((k) => k !== 'id');
    t0 = performance.now();
    for (let start = 0; start < rows.length; start += 500) {
      const chunk = rows.slice(start, start + 500);
      const [res] = (await raw.query(`INSERT INTO floor_customer (${cols.join(', ')}) VALUES ${chunk.map(() => `(${cols.map(() => '?').join(', ')})`).join(', ')}`, chunk.flatMap((r) => cols.map((k) => r[k])))) as unknown as [{ insertId: number }];
      await raw.query(
        `INSERT INTO floor_customer_search (customer_id, text) VALUES ${chunk.map(() => '(?, ?)').join(', ')}`,
        chunk.flatMap((r, j) => [res.insertId + j, buildSearchText(r as never)]),
      );
    }
    const floor = (performance.now() - t0) / 1000;

    const out = [
      ['product: CustomerImportService (check + write, batches of 500)', seconds, ROWS / seconds],
      ['floor: bare multi-row INSERT through mysql2', floor, ROWS / floor],
    ];
    console.log(`\nCSV import, ${ROWS.toLocaleString()} rows, Shift_JIS ${(size / 1024 / 1024).toFixed(1)} MB, MariaDB\n`);
    console.log('| path | seconds | rows/s |');
    console.log('|------|--------:|-------:|');
    for (const [label, s, r] of out) console.log(`| ${label} | ${(s as number).toFixed(1)} | ${Math.round(r as number).toLocaleString()} |`);
    console.log(`\nImported ${Number(check.n).toLocaleString()} customers, ${Number(check.s).toLocaleString()} search rows; created ${status.created}, skipped ${status.skipped}, errors ${status.errorCount}`);
    console.log(`Peak RSS during the import: ${(peak / 1024 / 1024).toFixed(0)} MB (before it started: ${(rssBefore / 1024 / 1024).toFixed(0)} MB)`);
    console.log(`Product / floor: ${(seconds / floor).toFixed(1)}x. Target < ${TARGET_S} s: ${seconds < TARGET_S ? 'met' : 'NOT met'}`);
  } finally {
    await raw.end();
    if (process.env.KEEP_DB) console.log(`Kept database: ${app.db.url}`);
    await (process.env.KEEP_DB ? app.app.close() : app.close());
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
