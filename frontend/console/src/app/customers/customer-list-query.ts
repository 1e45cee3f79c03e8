import { Injectable, signal } from '@angular/core';
import type { ParamMap, Params } from '@angular/router';

import { CUSTOMER_FILTERS, type CustomerSearch } from '../api/customers-api';

export const PAGE_SIZES = [10, 20, 50, 100] as const;
export const DEFAULT_PAGE_SIZE = 50;

/** Reads the customer search from the list's URL query params (so reload and back keep it). */
export function parseCustomerListQuery(params: ParamMap): CustomerSearch {
  const filters: CustomerSearch['filters'] = {};
  for (const key of CUSTOMER_FILTERS) {
    const value = params.get(key)?.trim();
    if (value) {
      filters[key] = value;
    }
  }
  const page = Number(params.get('page'));
  const pageSize = Number(params.get('pageSize'));
  return {
    q: params.get('q')?.trim() ?? '',
    filters,
    page: Number.isInteger(page) && page >= 1 ? page : 1,
    pageSize: (PAGE_SIZES as readonly number[]).includes(pageSize) ? pageSize : DEFAULT_PAGE_SIZE,
  };
}

/** The inverse of `parseCustomerListQuery`, leaving defaults out to keep URLs short. */
export function customerListQueryParams(search: CustomerSearch): Params {
  const params: Params = {};
  if (search.q) {
    params['q'] = search.q;
  }
  for (const key of CUSTOMER_FILTERS) {
    const value = search.filters[key];
    if (value) {
      params[key] = value;
    }
  }
  if (search.page > 1) {
    params['page'] = search.page;
  }
  if (search.pageSize !== DEFAULT_PAGE_SIZE) {
    params['pageSize'] = search.pageSize;
  }
  return params;
}

/** Remembers the list's last query params, so leaving a customer returns to the same search. */
@Injectable({ providedIn: 'root' })
export class CustomerListMemory {
  readonly queryParams = signal<Params>({});
}
