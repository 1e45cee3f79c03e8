/**
 * The search port: the one thing an engine answers is which tickets' documents hold every term,
 * as a condition the ticket list combines with its own filters, rights and paging (so the index
 * never answers anything the list would not show). An engine outside the database (OpenSearch)
 * would answer the same question with ticket ids for an `IN (…)`; documents reach every engine
 * the same way (SearchEngine.write, called by SearchIndex).
 */
export interface SearchEngine {
  readonly kind: 'mroonga' | 'fts5' | 'scan';
  /** The document table's ticket id column (`rowid` in an FTS5 table). */
  readonly idColumn: string;
  /**
   * SQL (on the document table, `ticket_search_doc`, unaliased: FTS5 names its hidden column after it) that is true for documents holding every term
   * (normalised, non-empty), with its parameters; `score`, when the engine ranks, is an
   * expression to order by, higher first.
   */
  match(terms: string[]): { where: string; params: Record<string, string>; score: string | null };
  /** Writes (replacing) the documents of these tickets, with their attributes where the engine keeps them. */
  write(run: (sql: string, params: unknown[]) => Promise<unknown>, docs: { ticketId: number; body: string }[], table?: string): Promise<void>;
  /**
   * Copies the ticket's attributes (mailbox, state, spam, last activity: SEARCH_ATTRIBUTES) onto
   * these tickets' documents, where the engine keeps them (MariaDB); a no-op elsewhere.
   */
  attributes(run: (sql: string, params: unknown[]) => Promise<unknown>, ticketIds: number[], table?: string): Promise<void>;
}

/** One statement per batch: the document table's attribute columns from the ticket rows (MariaDB). */
async function copyAttributes(run: (sql: string, params: unknown[]) => Promise<unknown>, ticketIds: number[], table: string): Promise<void> {
  for (let i = 0; i < ticketIds.length; i += 500) {
    const ids = ticketIds.slice(i, i + 500);
    await run(
      `UPDATE \`${table}\` d JOIN \`ticket\` t ON t.\`id\` = d.\`ticket_id\` SET d.\`mailbox_id\` = t.\`mailbox_id\`, d.\`state\` = t.\`state\`, d.\`spam\` = t.\`spam\`, d.\`last_activity_at\` = t.\`last_activity_at\` WHERE d.\`ticket_id\` IN (${ids.map(() => '?').join(',')})`,
      ids,
    );
  }
}

/** A phrase for Mroonga's boolean mode: only `"` and `\` mean anything inside quotes. */
function mroongaPhrase(term: string): string {
  return `+"${term.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}

/** A phrase for FTS5: a string in double quotes, a quote inside doubled; nothing else is syntax there. */
function fts5Phrase(term: string): string {
  return `"${term.replace(/"/g, '""')}"`;
}

async function replaceDocs(run: (sql: string, params: unknown[]) => Promise<unknown>, docs: { ticketId: number; body: string }[], table: string, quote: (n: string) => string, idColumn: string): Promise<void> {
  if (!docs.length) return;
  await run(`DELETE FROM ${quote(table)} WHERE ${idColumn} IN (${docs.map(() => '?').join(',')})`, docs.map((d) => d.ticketId));
  const withText = docs.filter((d) => d.body);
  // Batches keep each statement well under max_allowed_packet and SQLite's parameter limit.
  for (let i = 0; i < withText.length; i += 200) {
    const batch = withText.slice(i, i + 200);
    // REPLACE on MariaDB: Mroonga is not transactional, so another process draining the same
    // ticket at the same moment may have put its row back between this DELETE and this write.
    await run(`${idColumn === 'rowid' ? 'INSERT' : 'REPLACE'} INTO ${quote(table)} (${idColumn}, ${quote('body')}) VALUES ${batch.map(() => '(?, ?)').join(',')}`, batch.flatMap((d) => [d.ticketId, d.body]));
  }
}

export class MroongaEngine implements SearchEngine {
  readonly kind = 'mroonga' as const;
  readonly idColumn = 'ticket_id';
  match(terms: string[]) {
    return { where: 'MATCH(ticket_search_doc.body) AGAINST(:search IN BOOLEAN MODE)', params: { search: terms.map(mroongaPhrase).join(' ') }, score: 'MATCH(ticket_search_doc.body) AGAINST(:search IN BOOLEAN MODE)' };
  }
  async write(run: (sql: string, params: unknown[]) => Promise<unknown>, docs: { ticketId: number; body: string }[], table = 'ticket_search_doc') {
    await replaceDocs(run, docs, table, (n) => `\`${n}\``, '`ticket_id`');
    await copyAttributes(run, docs.filter((d) => d.body).map((d) => d.ticketId), table);
  }
  attributes(run: (sql: string, params: unknown[]) => Promise<unknown>, ticketIds: number[], table = 'ticket_search_doc') {
    return copyAttributes(run, ticketIds, table);
  }
}

/**
 * FTS5 with the trigram tokenizer answers terms of three characters or more from its index; a
 * shorter term (one kanji, two kana) has no trigram, so it is checked with instr() on the rows
 * the long terms left, or on every document when all terms are short (measured in
 * docs/performance.md: a scan of the documents, not of the articles).
 */
export class Fts5Engine implements SearchEngine {
  readonly kind = 'fts5' as const;
  readonly idColumn = 'rowid';
  match(terms: string[]) {
    const long = terms.filter((t) => [...t].length >= 3);
    const short = terms.filter((t) => [...t].length < 3);
    const params: Record<string, string> = {};
    const where: string[] = [];
    if (long.length) {
      where.push('ticket_search_doc MATCH :search');
      params.search = long.map(fts5Phrase).join(' AND ');
    }
    for (const [i, t] of short.entries()) {
      where.push(`instr(ticket_search_doc.body, :short${i}) > 0`);
      params[`short${i}`] = t;
    }
    return { where: where.join(' AND '), params, score: long.length ? '-bm25(ticket_search_doc)' : null };
  }
  write(run: (sql: string, params: unknown[]) => Promise<unknown>, docs: { ticketId: number; body: string }[], table = 'ticket_search_doc') {
    return replaceDocs(run, docs, table, (n) => `"${n}"`, 'rowid');
  }
  async attributes(): Promise<void> {
    // The FTS5 table holds only the text: SQLite joins the ticket row in-process.
  }
}

/** No full-text engine (MariaDB without Mroonga, or SEARCH_ENGINE=scan): every document is read. */
export class ScanEngine implements SearchEngine {
  readonly kind = 'scan' as const;
  readonly idColumn: string;
  constructor(private readonly sqlite: boolean) {
    this.idColumn = sqlite ? 'rowid' : 'ticket_id';
  }
  match(terms: string[]) {
    const params: Record<string, string> = {};
    const where = terms.map((t, i) => {
      params[`scan${i}`] = t;
      return `instr(ticket_search_doc.body, :scan${i}) > 0`;
    });
    return { where: where.join(' AND '), params, score: null };
  }
  async write(run: (sql: string, params: unknown[]) => Promise<unknown>, docs: { ticketId: number; body: string }[], table = 'ticket_search_doc') {
    if (this.sqlite) return replaceDocs(run, docs, table, (n) => `"${n}"`, 'rowid');
    await replaceDocs(run, docs, table, (n) => `\`${n}\``, '`ticket_id`');
    await copyAttributes(run, docs.filter((d) => d.body).map((d) => d.ticketId), table);
  }
  async attributes(run: (sql: string, params: unknown[]) => Promise<unknown>, ticketIds: number[], table = 'ticket_search_doc') {
    if (!this.sqlite) await copyAttributes(run, ticketIds, table);
  }
}
