import { CustomersService } from '@madoguchi/customers';
import { APP_CONFIG, AppConfig, INNODB_DOC_TABLE, MROONGA_DOC_TABLE, SEARCH_ATTRIBUTES, SQLITE_DOC_TABLE } from '@madoguchi/core';
import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { GroongaAnswer, GroongaSearch, parseSelect, selectCommand } from './groonga-select';
import { Fts5Engine, MroongaEngine, ScanEngine, SearchEngine } from './search-engine';
import { documentText } from './search-text';

/** Queue rows turned into documents per round: one read of tickets, articles and attachments each. */
const BATCH = 500;
/** How often the worker drains the queue: a new article is searchable within a second even before anyone searches. */
const SWEEP_MS = 1000;

/**
 * The ticket search index (docs/search.md): one normalised document per ticket, derived from the
 * queue the database's triggers fill in the article's own transaction (migration 0028), by
 * `flush()` — before every search, so an answer never misses a committed article, and in the
 * worker's sweep. The engine is chosen once at start: Mroonga or FTS5 when the document table
 * has one, else a scan of the documents, said once in the log.
 */
@Injectable()
export class SearchIndex implements OnModuleInit, OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('Search');
  private engineInUse: SearchEngine = new ScanEngine(false);
  private flushing: Promise<number> | null = null;
  /** Whether Mroonga's `mroonga_command()` answers: then counts and pages come from Groonga's select (groonga-select.ts). */
  private groongaCommand = false;
  /** After Groonga's select failed: when to try it again (ms since the epoch); null: not failed. */
  private retryIndexAt: number | null = null;
  /** How long searches count through SQL after a failed select before Groonga is asked again. */
  retryIndexAfterMs = 60_000;
  private timer: NodeJS.Timeout | null = null;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly customers: CustomersService,
  ) {}

  get engine(): SearchEngine {
    return this.engineInUse;
  }

  private get sqlite(): boolean {
    return this.dataSource.options.type !== 'mysql' && this.dataSource.options.type !== 'mariadb';
  }

  async onModuleInit(): Promise<void> {
    this.engineInUse = await this.detect();
    this.groongaCommand = this.engineInUse.kind === 'mroonga' && (await this.commandAvailable());
  }

  /**
   * True when searches can ask Groonga itself (Mroonga with its `mroonga_command` function), or
   * may try again: a failed select's pause is over (fromIndex checks the function first).
   */
  get answersFromIndex(): boolean {
    return this.groongaCommand || (this.retryIndexAt !== null && Date.now() >= this.retryIndexAt);
  }

  /**
   * `mroonga_command()` is a function the plugin ships but `INSTALL SONAME` does not declare:
   * declared here when the database user may (a server-wide, idempotent statement), else the
   * search counts and orders through SQL, said once in the log.
   */
  private async commandAvailable(): Promise<boolean> {
    const m = this.dataSource.manager;
    const works = async () => {
      try {
        await m.query(`SELECT mroonga_command('status') AS r`);
        return true;
      } catch {
        return false;
      }
    };
    if (await works()) return true;
    try {
      await m.query(`CREATE FUNCTION IF NOT EXISTS mroonga_command RETURNS STRING SONAME 'ha_mroonga.so'`);
    } catch (e) {
      this.logger.warn(`Ticket search counts through SQL (slower on large mailboxes): mroonga_command() is not declared and could not be (${(e as Error).message}); see docs/search.md.`);
      return false;
    }
    return works();
  }

  /**
   * Counts and one page straight from the index (groonga-select.ts), or null when Groonga did not
   * answer (the function was dropped, the table is being rebuilt…): then the caller asks SQL, and
   * so does every search for the next minute; after that Groonga is asked again, so a passing
   * failure does not leave the slow path in place until a restart.
   */
  async fromIndex(search: Omit<GroongaSearch, 'table'>): Promise<GroongaAnswer | null> {
    if (!this.groongaCommand) {
      if (this.retryIndexAt === null || Date.now() < this.retryIndexAt) return null;
      this.retryIndexAt = null;
      this.groongaCommand = await this.commandAvailable();
      if (!this.groongaCommand) {
        this.retryIndexAt = Date.now() + this.retryIndexAfterMs;
        return null;
      }
    }
    try {
      const [row] = (await this.dataSource.query('SELECT mroonga_command(?) AS r', [selectCommand({ ...search, table: 'ticket_search_doc' })])) as { r: string | Buffer | null }[];
      if (row?.r === null || row?.r === undefined) throw new Error('no answer');
      if (this.failedOnce) this.logger.log('Ticket search answers from the index again.');
      this.failedOnce = false;
      return parseSelect(String(row.r));
    } catch (e) {
      this.groongaCommand = false;
      this.retryIndexAt = Date.now() + this.retryIndexAfterMs;
      if (!this.failedOnce) this.logger.warn(`Ticket search counts through SQL for now: Groonga's select failed (${(e as Error).message}); it is asked again in ${Math.round(this.retryIndexAfterMs / 1000)} s.`);
      this.failedOnce = true;
      return null;
    }
  }

  /** Groonga's select failed and has not answered since (the log says so once, and once when it is back). */
  private failedOnce = false;

  onApplicationBootstrap(): void {
    if (!this.config.roles.worker) return;
    const tick = () => {
      this.flush().catch((e: unknown) => this.logger.error(`indexing queued tickets failed: ${(e as Error).message}`));
    };
    this.timer = setInterval(tick, SWEEP_MS);
    this.timer.unref();
  }

  onModuleDestroy(): void {
    if (this.timer) clearInterval(this.timer);
  }

  /** Which engine the document table can use; without one the server still starts and scans. */
  private async detect(): Promise<SearchEngine> {
    const m = this.dataSource.manager;
    if (this.sqlite) {
      if (this.config.search.engine === 'scan') return this.fallback('SEARCH_ENGINE=scan', true);
      const rows = (await m.query(`SELECT sql FROM sqlite_master WHERE name = 'ticket_search_doc'`)) as { sql: string }[];
      return rows[0] && /fts5/i.test(rows[0].sql) ? new Fts5Engine() : this.fallback('the ticket_search_doc table is not an FTS5 table (run npm run search:rebuild)', true);
    }
    if (this.config.search.engine === 'scan') return this.fallback('SEARCH_ENGINE=scan', false);
    if (!(await this.mroongaAvailable(m))) return this.fallback('the Mroonga plugin is not installed (see docs/search.md: apt-get install mariadb-plugin-mroonga; INSTALL SONAME \'ha_mroonga\')', false);
    const [t] = (await m.query(`SELECT ENGINE AS engine FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'ticket_search_doc'`)) as { engine: string }[];
    if (!t || t.engine.toLowerCase() !== 'mroonga') return this.fallback('Mroonga is installed but ticket_search_doc was created without it (run npm run search:rebuild)', false);
    return new MroongaEngine();
  }

  private fallback(why: string, sqlite: boolean): SearchEngine {
    this.logger.warn(`Ticket search scans every document: ${why}.`);
    return new ScanEngine(sqlite);
  }

  private async mroongaAvailable(m: EntityManager): Promise<boolean> {
    const engines = (await m.query('SHOW ENGINES')) as { Engine: string; Support: string }[];
    return engines.some((e) => e.Engine.toLowerCase() === 'mroonga' && ['YES', 'DEFAULT'].includes(e.Support));
  }

  /** The SQL that keeps tickets whose documents hold every term (normalised): `t.id IN (…)`. */
  condition(terms: string[]): { sql: string; params: Record<string, string> } {
    const match = this.engineInUse.match(terms);
    return { sql: `t.id IN (SELECT ticket_search_doc.${this.engineInUse.idColumn} FROM ticket_search_doc WHERE ${match.where})`, params: match.params };
  }

  /**
   * Turns every queued ticket into its document and takes its queue rows: each round reads at most
   * BATCH queue rows. Concurrent callers share one run. Answers how many tickets were indexed.
   */
  flush(): Promise<number> {
    if (!this.flushing) this.flushing = this.drain().finally(() => (this.flushing = null));
    return this.flushing;
  }

  private async drain(progress?: (done: number) => void): Promise<number> {
    let done = 0;
    for (;;) {
      const first = (await this.dataSource.query('SELECT id, ticket_id AS ticketId FROM ticket_search_pending ORDER BY id LIMIT ?', [BATCH])) as { id: number | string; ticketId: number | string }[];
      if (!first.length) return done;
      const ids = [...new Set(first.map((r) => Number(r.ticketId)))];
      // Every committed queue row of these tickets (a ticket and each of its articles queue one):
      // all were committed before the documents are read below, so the documents cover them.
      const rows = (await this.dataSource.query(`SELECT id, ticket_id AS ticketId, part FROM ticket_search_pending WHERE ticket_id IN (${ids.map(() => '?').join(',')})`, ids)) as { id: number | string; ticketId: number | string; part: string }[];
      // A ticket whose text changed gets its whole document; one whose state, mailbox, spam flag or
      // activity alone changed only gets those columns copied (no articles read).
      const whole = new Set(rows.filter((r) => r.part !== 'attrs').map((r) => Number(r.ticketId)));
      const docIds = ids.filter((id) => whole.has(id));
      const attrIds = ids.filter((id) => !whole.has(id));
      // Documents first, queue rows after: a crash in between leaves the queue rows, and writing a
      // document again is harmless. Only the rows read are taken: a write committed meanwhile
      // queued its own row, which the next round reads.
      await this.dataSource.transaction(async (m) => {
        const run = (sql: string, params: unknown[]) => m.query(sql, params);
        await this.engineInUse.write(run, await this.documents(m, docIds));
        await this.engineInUse.attributes(run, attrIds);
        await m.query(`DELETE FROM ticket_search_pending WHERE id IN (${rows.map(() => '?').join(',')})`, rows.map((r) => Number(r.id)));
      });
      done += ids.length;
      progress?.(done);
    }
  }

  /**
   * The documents of these tickets: code, subject, sender and customer of the ticket, then each
   * article's subject, sender, body and attachment names, one normalised line each. A ticket that
   * is gone or merged into another gets an empty document (its row is removed): a merged ticket
   * is only a pointer, its articles now belong to the survivor.
   */
  async documents(m: EntityManager, ids: number[]): Promise<{ ticketId: number; body: string }[]> {
    if (!ids.length) return [];
    const marks = ids.map(() => '?').join(',');
    const tickets = (await m.query(`SELECT id, code, subject, contact_name AS contactName, contact_address AS contactAddress, customer_id AS customerId, merged_into_id AS mergedIntoId FROM ticket WHERE id IN (${marks})`, ids)) as {
      id: number | string;
      code: string;
      subject: string;
      contactName: string | null;
      contactAddress: string | null;
      customerId: number | string | null;
      mergedIntoId: number | string | null;
    }[];
    const articles = (await m.query(`SELECT ticket_id AS ticketId, subject, from_name AS fromName, from_address AS fromAddress, body_text AS bodyText FROM article WHERE ticket_id IN (${marks}) ORDER BY id`, ids)) as {
      ticketId: number | string;
      subject: string | null;
      fromName: string | null;
      fromAddress: string | null;
      bodyText: string | Buffer | null;
    }[];
    const files = (await m.query(`SELECT a.ticket_id AS ticketId, x.filename FROM attachment x JOIN article a ON a.id = x.article_id WHERE a.ticket_id IN (${marks}) ORDER BY x.id`, ids)) as { ticketId: number | string; filename: string }[];
    const customerNames = new Map<number, string[]>();
    for (const cid of new Set(tickets.flatMap((t) => (t.customerId !== null ? [Number(t.customerId)] : [])))) {
      const c = await this.customers.nameAndCode(cid, m);
      if (c) customerNames.set(cid, [c.code, `${c.lastName}${c.firstName ?? ''}`]);
    }
    const parts = new Map<number, (string | null)[]>();
    for (const t of tickets) {
      if (t.mergedIntoId !== null) continue;
      parts.set(Number(t.id), [t.code, t.subject, t.contactName, t.contactAddress, ...(t.customerId !== null ? (customerNames.get(Number(t.customerId)) ?? []) : [])]);
    }
    for (const a of articles) parts.get(Number(a.ticketId))?.push(a.subject, a.fromName, a.fromAddress, a.bodyText === null ? null : String(a.bodyText));
    for (const f of files) parts.get(Number(f.ticketId))?.push(f.filename);
    return ids.map((id) => ({ ticketId: id, body: parts.has(id) ? documentText(parts.get(id)!) : '' }));
  }

  /**
   * `npm run search:rebuild`: every ticket's document written again, through the queue — every
   * ticket queued, then drained (by this process with progress, and by a running server's sweep
   * alike), so a change committed meanwhile queues its own row after its ticket's and is never
   * lost, whichever process drains it. Documents are replaced in place: searches meanwhile answer
   * from the documents there. When the table must change (a MariaDB that gained Mroonga, an
   * SQLite table that is not FTS5, a table without the attribute columns) it is made anew and
   * empty first, and fills as the queue drains. Documents of tickets that are gone are removed.
   */
  async rebuild(progress: (line: string) => void = () => undefined): Promise<{ tickets: number; engine: string; ms: number }> {
    const started = Date.now();
    const m = this.dataSource.manager;
    const q = (n: string) => (this.sqlite ? `"${n}"` : `\`${n}\``);
    if (!(await this.tableIsCurrent())) {
      progress('The search table is made anew for the engine this database has now.');
      await this.dataSource.transaction(async (t) => {
        await t.query(`DROP TABLE IF EXISTS ${q('ticket_search_doc')}`);
        if (this.sqlite) await t.query(SQLITE_DOC_TABLE('ticket_search_doc'));
        else await t.query((await this.mroongaAvailable(t)) ? MROONGA_DOC_TABLE('ticket_search_doc') : INNODB_DOC_TABLE('ticket_search_doc'));
      });
    }
    this.engineInUse = await this.detect();
    this.groongaCommand = this.engineInUse.kind === 'mroonga' && (await this.commandAvailable());
    await m.query(`INSERT INTO ${q('ticket_search_pending')} (${q('ticket_id')}) SELECT ${q('id')} FROM ${q('ticket')} ORDER BY ${q('id')}`);
    const id = this.engineInUse.idColumn === 'rowid' ? 'rowid' : q('ticket_id');
    await m.query(`DELETE FROM ${q('ticket_search_doc')} WHERE ${id} NOT IN (SELECT ${q('id')} FROM ${q('ticket')} WHERE ${q('merged_into_id')} IS NULL)`);
    const [{ n }] = (await m.query('SELECT COUNT(*) AS n FROM ticket')) as { n: number | string }[];
    const total = Number(n);
    progress(`Rebuilding the ticket search index (${this.engineInUse.kind}): ${total} tickets.`);
    await this.fill((line) => progress(`  ${line.trim()}`));
    const ms = Date.now() - started;
    progress(`Done in ${(ms / 1000).toFixed(1)} s; engine ${this.engineInUse.kind}.`);
    return { tickets: total, engine: this.engineInUse.kind, ms };
  }

  /** Whether the document table is what the best engine available now wants (else the rebuild makes it anew). */
  private async tableIsCurrent(): Promise<boolean> {
    const m = this.dataSource.manager;
    const scan = this.config.search.engine === 'scan';
    if (this.sqlite) {
      const rows = (await m.query(`SELECT sql FROM sqlite_master WHERE name = 'ticket_search_doc'`)) as { sql: string }[];
      return !!rows[0] && (scan || /fts5/i.test(rows[0].sql));
    }
    const [t] = (await m.query(`SELECT ENGINE AS engine FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'ticket_search_doc'`)) as { engine: string }[];
    if (!t) return false;
    const cols = (await m.query(`SELECT COLUMN_NAME AS name FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'ticket_search_doc'`)) as { name: string }[];
    if (!SEARCH_ATTRIBUTES.every((c) => cols.some((x) => x.name === c))) return false;
    const mroonga = await this.mroongaAvailable(m);
    return t.engine.toLowerCase() === (mroonga ? 'mroonga' : 'innodb') || (scan && t.engine.toLowerCase() === 'mroonga');
  }

  /** The whole queue, with progress (after `migrate`, which queues every existing ticket). */
  async fill(progress: (line: string) => void = () => undefined): Promise<number> {
    const [{ n }] = (await this.dataSource.query('SELECT COUNT(DISTINCT ticket_id) AS n FROM ticket_search_pending')) as { n: number | string }[];
    if (!Number(n)) return 0;
    progress(`Indexing ${Number(n)} tickets for search…`);
    let next = 10_000;
    // One drain at a time in this process: the sweep's flush and this share the queue.
    while (this.flushing) await this.flushing.catch(() => undefined);
    // A ticket queued by several rows (its insert, each article's) may come up in two rounds: the
    // count of rounds' tickets is a progress figure, the distinct count the answer.
    this.flushing = this.drain((d) => {
      if (d >= next) {
        progress(`  ${Math.min(d, Number(n))} / ${Number(n)}`);
        next += 10_000;
      }
    }).finally(() => (this.flushing = null));
    await this.flushing;
    progress(`Indexed ${Number(n)} tickets.`);
    return Number(n);
  }
}
