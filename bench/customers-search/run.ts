/**
 * Customer search at 100,000 customers on MariaDB (npm run bench:customers-search).
 *
 * Seeds a throw-away database, then times typical console searches through CustomersService
 * (the product: query building, count, page of 50, assignees) against one raw COUNT(*) of the
 * same conditions through mysql2 (the least any search reporting a total must do). Prints
 * p50/p95 per search; target p95 < 100 ms.
 */
import 'reflect-metadata';
import { CustomerQueryDto, CustomersService, HistoryService, HistorySettingsService } from '@madoguchi/customers';
import { AuditService, Clock, dataSourceOptions, loadConfig, runMigrations, SequenceService } from '@madoguchi/core';
import { createConnection } from 'mysql2/promise';
import { performance } from 'node:perf_hooks';
import { resolve } from 'node:path';
import { DataSource } from 'typeorm';
import { Customer } from '../../libs/customers/src/customer.entity';
import { CustomerAssignee } from '../../libs/customers/src/customer-assignee.entity';
import { buildSearchText } from '../../libs/customers/src/search/customer-search-text';
import { CustomerSearch } from '../../libs/customers/src/search/customer-search.entity';
import { AccessEvents, StaffUser, PermissionGroup, UsersService } from '@madoguchi/auth';
import { GroupMailboxRight } from '../../libs/auth/src/groups/group-mailbox-right.entity';
import { createTestDatabase } from '../../test/support/databases';
import { SeedCustomer, seedCustomers } from './seed-data';

const COUNT = Number(process.argv[2] ?? 100_000);
const RUNS = 40;

const SEARCHES: [string, CustomerQueryDto][] = [
  ['one kanji 「田」 (q)', { q: '田' }],
  ['surname 「佐々木」 (q)', { q: '佐々木' }],
  ['full name 「田中 太郎」 (q)', { q: '田中 太郎' }],
  ['kana 「たなか」 (q)', { q: 'たなか' }],
  ['phone fragment 「090-12」 (q)', { q: '090-12' }],
  ['email fragment (q)', { q: 'user4242.' }],
  ['no hit (q)', { q: '該当なし' }],
  ['branch + kanji (fields)', { branch: '大阪', name: '山' }],
  ['tel field 「1234」', { tel: '1234' }],
  ['page 20 of everything', { page: 20 }],
];

function pct(samples: number[], p: number): number {
  const s = [...samples].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)];
}

async function main() {
  const db = await createTestDatabase('mariadb');
  const config = loadConfig({ env: {}, configDir: resolve(__dirname, '../../config'), overrides: { DATABASE_URL: db.url, SECRET_KEY: 'c'.repeat(64) } });
  try {
    await runMigrations(config.database);
    const ds = new DataSource(dataSourceOptions(config.database, [Customer, CustomerAssignee, CustomerSearch, StaffUser, PermissionGroup, GroupMailboxRight]));
    await ds.initialize();

    let t0 = performance.now();
    const now = new Date();
    let batch: SeedCustomer[] = [];
    const flush = async () => {
      const res = await ds.getRepository(Customer).insert(batch.map((c) => ({ ...c, registrationState: 'registered' as const, listFlag: 'normal' as const, smsConsent: false, createdAt: now, updatedAt: now })));
      await ds.getRepository(CustomerSearch).insert(batch.map((c, i) => ({ customerId: Number(res.identifiers[i].id), text: buildSearchText(c) })));
      batch = [];
    };
    for (const c of seedCustomers(COUNT)) {
      batch.push(c);
      if (batch.length === 2000) await flush();
    }
    if (batch.length) await flush();
    await ds.query('ANALYZE TABLE customer, customer_search');
    console.log(`Seeded ${COUNT.toLocaleString()} customers in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

    const audit = new AuditService(ds, new Clock());
    const users = new UsersService(ds, audit, new AccessEvents());
    const clock = new Clock();
    const service = new CustomersService(ds, new SequenceService(), audit, users, new HistoryService(ds, users, audit, clock, new HistorySettingsService(ds, audit, clock), config));
    const raw = await createConnection({ host: config.database.type === 'mysql' ? config.database.host : '', port: 3306, user: 'root', database: config.database.type === 'mysql' ? config.database.database : '' });

    const rows: string[][] = [];
    for (const [label, query] of SEARCHES) {
      const product: number[] = [];
      const rawTimes: number[] = [];
      let hits = 0;
      // The floor: one COUNT(*) of the same conditions sent raw through mysql2. Any search that
      // reports a total has to look at every candidate row at least once.
      const ids = (service as unknown as { idsInOrder(q: CustomerQueryDto): import('typeorm').SelectQueryBuilder<object> }).idsInOrder(query);
      const [countSql, countParams] = ids.clone().orderBy().select('COUNT(*)', 'n').getQueryAndParameters();
      for (let i = 0; i < RUNS + 3; i++) {
        t0 = performance.now();
        const page = await service.search(query);
        const dt = performance.now() - t0;
        hits = page.total;
        t0 = performance.now();
        await raw.query(countSql, countParams);
        const rdt = performance.now() - t0;
        if (i >= 3) {
          product.push(dt);
          rawTimes.push(rdt);
        }
      }
      rows.push([label, hits.toLocaleString(), pct(product, 50).toFixed(1), pct(product, 95).toFixed(1), pct(rawTimes, 50).toFixed(1), pct(rawTimes, 95).toFixed(1)]);
    }
    await raw.end();
    await ds.destroy();

    const head = ['search', 'hits', 'product p50 ms', 'product p95 ms', 'raw COUNT p50 ms', 'raw COUNT p95 ms'];
    const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => [...r[i]].length + (i === 0 ? [...r[i]].filter((ch) => ch > '\u2000').length : 0))));
    const line = (cells: string[]) =>
      '| ' + cells.map((c, i) => (i === 0 ? c + ' '.repeat(Math.max(0, widths[i] - [...c].length - [...c].filter((ch) => ch > '\u2000').length)) : c.padStart(widths[i]))).join(' | ') + ' |';
    console.log(`\nCustomer search, ${COUNT.toLocaleString()} customers, MariaDB, ${RUNS} runs each\n`);
    console.log(line(head));
    console.log('|' + widths.map((w, i) => (i === 0 ? '-'.repeat(w + 2) : '-'.repeat(w + 1) + ':')).join('|') + '|');
    for (const r of rows) console.log(line(r));
    const worst = Math.max(...rows.map((r) => Number(r[3])));
    console.log(`\nWorst product p95: ${worst.toFixed(1)} ms (target < 100 ms): ${worst < 100 ? 'met' : 'NOT met'}`);
  } finally {
    // KEEP_DB=1 leaves the seeded database for exploring query plans by hand.
    if (process.env.KEEP_DB) console.log(`Kept database: ${db.url}`);
    else await db.drop();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
