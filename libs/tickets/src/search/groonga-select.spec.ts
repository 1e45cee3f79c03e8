import { commandArgument, parseSelect, scriptString, selectCommand } from './groonga-select';

describe('Groonga select', () => {
  it('escapes quotes and backslashes in both quotings, so a term is only ever text', () => {
    expect(scriptString('a"b\\c')).toBe('"a\\"b\\\\c"');
    expect(commandArgument("x'y\\z")).toBe("'x\\'y\\\\z'");
    const cmd = selectCommand({ table: 'ticket_search_doc', terms: [`" || true || "`, `'; table_remove x; '`], mailboxIds: [1, 2], sort: 'relevance', offset: 0, limit: 20, drilldown: true });
    // The filter is one argument: the inner quotes are escaped twice, nothing breaks out.
    expect(cmd).toBe(
      `select ticket_search_doc --filter 'body @ "\\\\" || true || \\\\"" && body @ "\\'; table_remove x; \\'" && spam == 0 && in_values(mailbox_id, 1, 2)' --match_escalation_threshold -1 --output_columns _key --sort_keys -_score,-last_activity_at,-_key --offset 0 --limit 20 --drilldown state --drilldown_limit 50 --drilldown_output_columns _key,_nsubrecs`,
    );
  });

  it('narrows by one mailbox, every mailbox (null) and a state; orders by activity when asked', () => {
    expect(selectCommand({ table: 'd', terms: ['点検'], mailboxIds: [7], state: 'handled', sort: 'activity', offset: 40, limit: 20, drilldown: false })).toBe(
      `select d --filter 'body @ "点検" && spam == 0 && mailbox_id == 7 && state == "handled"' --match_escalation_threshold -1 --output_columns _key --sort_keys -last_activity_at,-_key --offset 40 --limit 20`,
    );
    expect(selectCommand({ table: 'd', terms: ['x'], mailboxIds: null, sort: 'activity', offset: 0, limit: 1, drilldown: false })).not.toContain('mailbox_id');
  });

  it('reads the total, the page and the counts per state, and refuses anything else', () => {
    const a = parseSelect('[[[23298],[["_key","Int32"]],[98130],[91125]],[[2],[["_key","ShortText"],["_nsubrecs","Int32"]],["handled",19143],["unhandled",3050]]]');
    expect(a).toEqual({ total: 23298, ids: [98130, 91125], counts: new Map([['handled', 19143], ['unhandled', 3050]]) });
    expect(parseSelect('[[[0],[["_key","Int32"]]]]')).toEqual({ total: 0, ids: [], counts: new Map() });
    expect(() => parseSelect('{"error":1}')).toThrow(/unexpected/);
    expect(() => parseSelect('[[[1],[["_key","Int32"]],["x"]]]')).toThrow(/unexpected/);
  });
});
