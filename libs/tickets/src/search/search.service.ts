import { Principal } from '@madoguchi/auth';
import { normalizeForSearch } from '@madoguchi/customers';
import { fieldError, hasControlCharacter, ValidationFailed } from '@madoguchi/core';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, In } from 'typeorm';
import { ThreadKey } from '../thread-key.entity';
import { Ticket, TICKET_STATES, TicketState } from '../ticket.entity';
import { TicketListItem, TicketsService } from '../tickets.service';
import { SearchQueryDto } from './search.dto';
import { SearchIndex } from './search-index.service';
import { CODE_QUERY, queryTerms, SEARCH_TERMS_MAX, snippetOf } from './search-text';

export interface SearchHit {
  ticket: TicketListItem;
  /** Plain text around the first hit (≤ 160 characters). */
  snippet: string;
  /** Character ranges [start, end) of the hits inside `snippet`. */
  marks: [number, number][];
  /** The article the snippet is from; null when the hit is in the ticket itself (code, subject, sender, customer). */
  articleId: number | null;
}

export interface SearchAnswer {
  items: SearchHit[];
  total: number;
  counts: Record<TicketState, number>;
  /** Set when `q` is a ticket code or a Message-ID of one ticket the caller may view: open it at once. */
  direct: { ticketId: number } | null;
}

/** What either way of searching found: counts per state for the query and the page's ticket ids, in order. */
interface Found {
  counts: Map<string, number>;
  pageIds: number[];
}

/** A Message-ID as mail clients show it, with or without the angle brackets. */
const MESSAGE_ID_QUERY = /^<?([^\s<>@]{1,200}@[^\s<>@]{1,200})>?$/;

@Injectable()
export class SearchService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly tickets: TicketsService,
    private readonly index: SearchIndex,
  ) {}

  /**
   * Tickets of every mailbox the caller may view (or the one named) whose documents hold every
   * word of `q`, combined with the list's filters; counts per state for the query whatever
   * `state` says, and each hit's snippet. A hidden mailbox never takes part, counts included:
   * the engine's condition only ever narrows the list's own query.
   */
  async search(dto: SearchQueryDto, p: Principal): Promise<SearchAnswer> {
    const q = dto.q.trim();
    if (hasControlCharacter(q)) throw new ValidationFailed({ q: [fieldError('SEARCH_QUERY_INVALID', 'q must not contain control characters')] });
    const terms = queryTerms(q);
    if (!terms.length) throw new ValidationFailed({ q: [fieldError('SEARCH_QUERY_EMPTY', 'q must contain a word to search for')] });
    if (terms.length > SEARCH_TERMS_MAX) throw new ValidationFailed({ q: [fieldError('SEARCH_TOO_MANY_WORDS', `q may hold at most ${SEARCH_TERMS_MAX} words`, { max: SEARCH_TERMS_MAX })] });
    await this.index.flush();
    const page = dto.page ?? 1;
    const pageSize = dto.pageSize ?? 20;
    const counts = Object.fromEntries(TICKET_STATES.map((s) => [s, 0])) as Record<TicketState, number>;
    const filter = { mailboxId: dto.mailboxId, assignee: dto.assignee, label: dto.label };
    const sort = dto.sort ?? 'relevance';
    const direct = await this.direct(q, p);
    const found = (await this.fromIndex(dto, terms, p, page, pageSize, sort)) ?? (await this.bySql(dto, terms, p, page, pageSize, sort));
    if (!found) return { items: [], total: 0, counts, direct };
    for (const [state, n] of found.counts) if (state in counts) counts[state as TicketState] = n;
    const total = dto.state ? counts[dto.state] : Object.values(counts).reduce((a, b) => a + b, 0);
    if (!found.pageIds.length) return { items: [], total, counts, direct };
    // The page's rows under the list's own filters and rights: the index's attributes narrow, the
    // ticket row decides (a ticket changed a moment ago is never shown where it no longer belongs).
    const qb = this.tickets.filtered(filter, p)!.andWhere('t.id IN (:...pageIds)', { pageIds: found.pageIds });
    const byId = new Map((await qb.getMany()).map((t) => [t.id, t]));
    const rows = found.pageIds.flatMap((id) => (byId.has(id) ? [byId.get(id)!] : []));
    const items = await this.tickets.listItems(rows);
    const snippets = await this.snippets(rows, terms);
    return { items: items.map((ticket) => ({ ticket, ...snippets.get(ticket.id)! })), total, counts, direct };
  }

  /**
   * Counts and the page from the index alone (Mroonga, through Groonga's select): when the search
   * is narrowed only by mailbox and state, which the document carries. Null otherwise, or when
   * Groonga does not answer.
   */
  private async fromIndex(dto: SearchQueryDto, terms: string[], p: Principal, page: number, pageSize: number, sort: 'relevance' | 'activity'): Promise<Found | null> {
    if (!this.index.answersFromIndex || dto.assignee !== undefined || dto.label?.length || dto.from || dto.to) return null;
    const visible = p.visibleMailboxIds();
    let mailboxIds: number[] | null = visible;
    if (dto.mailboxId !== undefined) mailboxIds = visible === null || visible.includes(dto.mailboxId) ? [dto.mailboxId] : [];
    if (mailboxIds !== null && !mailboxIds.length) return { counts: new Map(), pageIds: [] };
    const search = { terms, mailboxIds, sort, offset: (page - 1) * pageSize, limit: pageSize };
    const all = await this.index.fromIndex({ ...search, drilldown: true, ...(dto.state ? { limit: 0 } : {}) });
    if (!all) return null;
    if (!dto.state) return { counts: all.counts, pageIds: all.ids };
    const one = await this.index.fromIndex({ ...search, state: dto.state, drilldown: false });
    return one ? { counts: all.counts, pageIds: one.ids } : null;
  }

  /**
   * Counts and the page through SQL, in one pass: every match's id, state, activity (and score)
   * on the list's query joined to the documents; counted and ordered here. Null when the caller
   * may view no mailbox.
   */
  private async bySql(dto: SearchQueryDto, terms: string[], p: Principal, page: number, pageSize: number, sort: 'relevance' | 'activity'): Promise<Found | null> {
    const qb = this.tickets.filtered({ mailboxId: dto.mailboxId, assignee: dto.assignee, label: dto.label }, p);
    if (!qb) return null;
    // A join on the document (one row per ticket, so no ticket repeats): the engine's index
    // drives the query and each hit looks its ticket up by primary key.
    const match = this.index.engine.match(terms);
    qb.innerJoin('ticket_search_doc', 'ticket_search_doc', `ticket_search_doc.${this.index.engine.idColumn} = t.id`).andWhere(match.where, match.params);
    if (dto.from) qb.andWhere('t.created_at >= :from', { from: new Date(dto.from) });
    if (dto.to) qb.andWhere('t.created_at < :to', { to: endOf(dto.to) });
    qb.select('t.id', 'id').addSelect('t.state', 'state').addSelect('t.last_activity_at', 'at');
    const ranked = sort === 'relevance' && match.score !== null;
    if (ranked) qb.addSelect(match.score!, 'score');
    const hits = ((await qb.getRawMany()) as { id: number | string; state: string; at: Date | string; score?: number | string }[]).map((r) => ({
      id: Number(r.id),
      state: r.state,
      at: new Date(r.at).getTime(),
      score: ranked ? Number(r.score) : 0,
    }));
    const counts = new Map<string, number>();
    for (const h of hits) counts.set(h.state, (counts.get(h.state) ?? 0) + 1);
    // Relevance orders by the engine's score; ties and unranked engines go by last activity.
    const inState = dto.state ? hits.filter((h) => h.state === dto.state) : hits;
    inState.sort((a, b) => b.score - a.score || b.at - a.at || b.id - a.id);
    return { counts, pageIds: inState.slice((page - 1) * pageSize, page * pageSize).map((h) => h.id) };
  }

  /**
   * The snippet of each ticket of the page: from the newest article holding every word (or, failing
   * that, the most of them), else from the ticket's own fields. Reads only the page's articles.
   */
  private async snippets(rows: Ticket[], terms: string[]): Promise<Map<number, Omit<SearchHit, 'ticket'>>> {
    const out = new Map<number, Omit<SearchHit, 'ticket'>>();
    if (!rows.length) return out;
    const ids = rows.map((t) => t.id);
    const articles = (await this.dataSource.query(
      `SELECT id, ticket_id AS ticketId, subject, body_text AS bodyText FROM article WHERE ticket_id IN (${ids.map(() => '?').join(',')}) ORDER BY id DESC`,
      ids,
    )) as { id: number | string; ticketId: number | string; subject: string | null; bodyText: string | Buffer | null }[];
    const files = (await this.dataSource.query(
      `SELECT a.id AS articleId, a.ticket_id AS ticketId, x.filename FROM attachment x JOIN article a ON a.id = x.article_id WHERE a.ticket_id IN (${ids.map(() => '?').join(',')}) ORDER BY x.id`,
      ids,
    )) as { articleId: number | string; ticketId: number | string; filename: string }[];
    const byTicket = new Map<number, { id: number | null; text: string }[]>();
    for (const t of rows) byTicket.set(t.id, []);
    for (const a of articles) {
      const text = [a.bodyText === null ? '' : String(a.bodyText), a.subject ?? ''].filter(Boolean).join('\n');
      byTicket.get(Number(a.ticketId))?.push({ id: Number(a.id), text });
    }
    for (const f of files) byTicket.get(Number(f.ticketId))?.push({ id: Number(f.articleId), text: f.filename });
    for (const t of rows) {
      const own = { id: null, text: [t.subject, t.code, t.contactName ?? '', t.contactAddress ?? ''].join(' ') };
      const candidates = [...byTicket.get(t.id)!, own];
      let best: Omit<SearchHit, 'ticket'> | null = null;
      let bestHits = 0;
      for (const c of candidates) {
        const norm = normalizeForSearch(c.text);
        const hit = terms.filter((term) => norm.includes(term)).length;
        if (hit <= bestHits) continue;
        const s = snippetOf(c.text, terms);
        if (!s) continue;
        if (hit > bestHits) {
          best = { snippet: s.snippet, marks: s.marks, articleId: c.id };
          bestHits = hit;
          if (hit === terms.length) break;
        }
      }
      // The words may be spread over several fields (a customer's name and a body): show the subject then.
      out.set(t.id, best ?? { snippet: t.subject.slice(0, 160), marks: [], articleId: null });
    }
    return out;
  }

  /** The one visible ticket a code or a Message-ID names; a merged ticket's code resolves to its survivor. */
  private async direct(q: string, p: Principal): Promise<{ ticketId: number } | null> {
    const folded = q.normalize('NFKC').toUpperCase();
    const code = CODE_QUERY.exec(folded);
    const repo = this.dataSource.getRepository(Ticket);
    if (code) {
      let t = await repo.findOne({ where: { code: code[1] }, select: { id: true, mailboxId: true, mergedIntoId: true } });
      for (let hops = 0; t?.mergedIntoId && hops < 10; hops++) t = await repo.findOne({ where: { id: t.mergedIntoId }, select: { id: true, mailboxId: true, mergedIntoId: true } });
      return t && !t.mergedIntoId && p.can(t.mailboxId, 'view') ? { ticketId: t.id } : null;
    }
    const mid = MESSAGE_ID_QUERY.exec(q);
    if (!mid) return null;
    const visible = p.visibleMailboxIds();
    if (visible !== null && !visible.length) return null;
    const keys = await this.dataSource.getRepository(ThreadKey).find({ where: { messageId: In([mid[1], `<${mid[1]}>`]), ...(visible !== null ? { mailboxId: In(visible) } : {}) }, take: 5 });
    const ids = [...new Set(keys.map((k) => k.ticketId))];
    if (ids.length !== 1) return null;
    const t = await repo.findOne({ where: { id: ids[0] }, select: { id: true, mailboxId: true, mergedIntoId: true } });
    if (!t) return null;
    if (t.mergedIntoId) return this.direct((await repo.findOne({ where: { id: t.mergedIntoId }, select: { code: true } }))?.code ?? '', p);
    return p.can(t.mailboxId, 'view') ? { ticketId: t.id } : null;
  }
}

/** `to=2026-12-03` means up to the end of that day; a time means that instant. */
function endOf(to: string): Date {
  const d = new Date(to);
  return /^\d{4}-\d{2}-\d{2}$/.test(to) ? new Date(d.getTime() + 24 * 3600 * 1000) : d;
}
