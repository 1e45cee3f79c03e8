import type { ParamMap } from '@angular/router';

import { emptyThreadSearch, pageRange, parseThreadListQuery, threadListQueryParams } from './thread-list-query';

/** A ParamMap of plain values (the router's own cannot load outside the Angular compiler). */
function convertToParamMap(params: Record<string, string>): ParamMap {
  return {
    keys: Object.keys(params),
    has: (name) => name in params,
    get: (name) => params[name] ?? null,
    getAll: (name) => (name in params ? [params[name]] : []),
  };
}

describe('thread list query', () => {
  it('reads the search from the URL and writes it back without defaults', () => {
    const params = { code: 'MS0018', title: '訪問', customerId: '7', branch: '港', mine: 'true', postedFrom: '2026-01-01', postedTo: '2026-01-31', label: '要注意', page: '2', pageSize: '10' };
    const search = parseThreadListQuery(convertToParamMap(params));
    expect(search).toEqual({ code: 'MS0018', title: '訪問', customerId: 7, branch: '港', mine: true, postedFrom: '2026-01-01', postedTo: '2026-01-31', label: '要注意', page: 2, pageSize: 10 });
    expect(threadListQueryParams(search)).toEqual({ ...params, customerId: 7, page: 2, pageSize: 10 });
    expect(threadListQueryParams(emptyThreadSearch())).toEqual({});
  });

  it('ignores what is not a valid value: page sizes other than 10/20/50/100, bad ids and dates', () => {
    const search = parseThreadListQuery(convertToParamMap({ customerId: 'x', page: '-3', pageSize: '7', postedFrom: '2026/01/01', mine: 'yes' }));
    expect(search).toEqual(emptyThreadSearch());
    expect(search.pageSize).toBe(50);
  });

  it('says which rows a page shows (N件中A～B件表示)', () => {
    expect(pageRange(12, 1, 10)).toEqual({ total: 12, from: 1, to: 10 });
    expect(pageRange(12, 2, 10)).toEqual({ total: 12, from: 11, to: 12 });
    expect(pageRange(0, 1, 50)).toEqual({ total: 0, from: 0, to: 0 });
  });
});
