import type { ParamMap, Params } from '@angular/router';

import { SEARCH_SORTS, type SearchSort, type TicketSearchQuery } from '../api/search-api';
import { TICKET_STATES, type TicketState } from '../api/tickets-api';

export const SEARCH_PAGE_SIZES = [20, 50, 100] as const;
export const DEFAULT_SEARCH_PAGE_SIZE = 20;
/** The server pages no further (GET /api/search `page` ≤ 500): past it, narrow the search instead. */
export const MAX_SEARCH_PAGE = 500;

/** The URL of the results page: `/search?q=…&mailboxId=…&state=…&sort=…&page=…&pageSize=…`. */
export function parseSearchQuery(params: ParamMap): TicketSearchQuery {
  const mailboxId = Number(params.get('mailboxId'));
  const state = params.get('state');
  const sort = params.get('sort');
  const page = Number(params.get('page'));
  const pageSize = Number(params.get('pageSize'));
  return {
    q: params.get('q')?.trim() ?? '',
    ...(Number.isInteger(mailboxId) && mailboxId > 0 ? { mailboxId } : {}),
    ...((TICKET_STATES as readonly (string | null)[]).includes(state) ? { state: state as TicketState } : {}),
    sort: (SEARCH_SORTS as readonly (string | null)[]).includes(sort) ? (sort as SearchSort) : 'relevance',
    page: Number.isInteger(page) && page >= 1 ? Math.min(page, MAX_SEARCH_PAGE) : 1,
    pageSize: (SEARCH_PAGE_SIZES as readonly number[]).includes(pageSize) ? pageSize : DEFAULT_SEARCH_PAGE_SIZE,
  };
}

/** The inverse of `parseSearchQuery`, leaving defaults out to keep URLs short. */
export function searchQueryParams(query: TicketSearchQuery): Params {
  const params: Params = { q: query.q };
  if (query.mailboxId !== undefined) {
    params['mailboxId'] = query.mailboxId;
  }
  if (query.state) {
    params['state'] = query.state;
  }
  if (query.sort !== 'relevance') {
    params['sort'] = query.sort;
  }
  if (query.page > 1) {
    params['page'] = query.page;
  }
  if (query.pageSize !== DEFAULT_SEARCH_PAGE_SIZE) {
    params['pageSize'] = query.pageSize;
  }
  return params;
}
