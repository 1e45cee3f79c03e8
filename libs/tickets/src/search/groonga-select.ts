/**
 * Groonga's own `select` on the Mroonga document table, run through Mroonga's `mroonga_command()`
 * (docs/search.md): one command answers the matching documents' count, their counts per state
 * (a drilldown) and the page's ticket ids in relevance or activity order, all from the index and
 * its attribute columns — where SQL would read every matching row through the handler.
 *
 * Every value reaches Groonga as text inside two quotings (a string literal of the filter's
 * script syntax, inside a quoted command argument), each escaped here; the command itself is a
 * bound SQL parameter. Terms are normalised and free of control characters before they get here.
 */

/** A string literal of Groonga's script syntax: only `"` and `\` need a backslash inside it. */
export function scriptString(s: string): string {
  return `"${s.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}

/** A quoted argument of a Groonga command: only `'` and `\` need a backslash inside it. */
export function commandArgument(s: string): string {
  return `'${s.replace(/[\\']/g, (c) => `\\${c}`)}'`;
}

export interface GroongaSearch {
  table: string;
  terms: string[];
  /** The mailboxes to search; null means every mailbox (an administrator without a narrowing). */
  mailboxIds: number[] | null;
  state?: string;
  sort: 'relevance' | 'activity';
  offset: number;
  limit: number;
  /** Counts per state too (for the tabs). */
  drilldown: boolean;
}

export function selectCommand(s: GroongaSearch): string {
  const filter = [...s.terms.map((t) => `body @ ${scriptString(t)}`), 'spam == 0'];
  if (s.mailboxIds) {
    const ids = s.mailboxIds.map((id) => String(Math.trunc(id)));
    filter.push(ids.length === 1 ? `mailbox_id == ${ids[0]}` : `in_values(mailbox_id, ${ids.join(', ')})`);
  }
  if (s.state) filter.push(`state == ${scriptString(s.state)}`);
  const args = [
    'select',
    s.table,
    '--filter',
    commandArgument(filter.join(' && ')),
    // Never widen a search that found nothing into a fuzzy one.
    '--match_escalation_threshold',
    '-1',
    '--output_columns',
    '_key',
    '--sort_keys',
    s.sort === 'relevance' ? '-_score,-last_activity_at,-_key' : '-last_activity_at,-_key',
    '--offset',
    String(Math.trunc(s.offset)),
    '--limit',
    String(Math.trunc(s.limit)),
  ];
  if (s.drilldown) args.push('--drilldown', 'state', '--drilldown_limit', '50', '--drilldown_output_columns', '_key,_nsubrecs');
  return args.join(' ');
}

export interface GroongaAnswer {
  total: number;
  ids: number[];
  counts: Map<string, number>;
}

/** The JSON `mroonga_command` answers for selectCommand: `[[[total], columns, …rows], [[n], columns, …[state, count]]]`. */
export function parseSelect(json: string): GroongaAnswer {
  const body = JSON.parse(json) as unknown;
  if (!Array.isArray(body) || !Array.isArray(body[0])) throw new Error(`unexpected Groonga answer: ${json.slice(0, 200)}`);
  const [main, drill] = body as [unknown[], unknown[] | undefined];
  const total = Number((main[0] as number[])[0]);
  const ids = (main.slice(2) as unknown[][]).map((r) => Number(r[0]));
  const counts = new Map<string, number>();
  if (Array.isArray(drill)) for (const r of drill.slice(2) as unknown[][]) counts.set(String(r[0]), Number(r[1]));
  if (!Number.isFinite(total) || ids.some((id) => !Number.isInteger(id))) throw new Error(`unexpected Groonga answer: ${json.slice(0, 200)}`);
  return { total, ids, counts };
}
