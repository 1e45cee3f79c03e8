import { Injectable, signal } from '@angular/core';
import type { ParamMap, Params } from '@angular/router';

import type { ThreadSearch } from '../api/mypage-api';

export const PAGE_SIZES = [10, 20, 50, 100] as const;
export const DEFAULT_PAGE_SIZE = 50;

const TEXTS = ['code', 'title', 'branch', 'label'] as const;
const DAY = /^\d{4}-\d{2}-\d{2}$/;

export function emptyThreadSearch(): ThreadSearch {
  return { code: '', title: '', customerId: null, branch: '', mine: false, postedFrom: '', postedTo: '', label: '', page: 1, pageSize: DEFAULT_PAGE_SIZE };
}

/** Reads メッセージ管理's search from the URL (so reload, back and a shared link keep it). */
export function parseThreadListQuery(params: ParamMap): ThreadSearch {
  const search = emptyThreadSearch();
  for (const key of TEXTS) search[key] = params.get(key)?.trim() ?? '';
  const customerId = Number(params.get('customerId'));
  search.customerId = Number.isInteger(customerId) && customerId > 0 ? customerId : null;
  search.mine = params.get('mine') === 'true';
  for (const key of ['postedFrom', 'postedTo'] as const) {
    const day = params.get(key) ?? '';
    search[key] = DAY.test(day) ? day : '';
  }
  const page = Number(params.get('page'));
  const pageSize = Number(params.get('pageSize'));
  search.page = Number.isInteger(page) && page >= 1 ? page : 1;
  search.pageSize = (PAGE_SIZES as readonly number[]).includes(pageSize) ? pageSize : DEFAULT_PAGE_SIZE;
  return search;
}

/** The inverse of `parseThreadListQuery`, leaving defaults out to keep URLs short. */
export function threadListQueryParams(search: ThreadSearch): Params {
  const params: Params = {};
  for (const key of TEXTS) if (search[key]) params[key] = search[key];
  if (search.customerId !== null) params['customerId'] = search.customerId;
  if (search.mine) params['mine'] = 'true';
  if (search.postedFrom) params['postedFrom'] = search.postedFrom;
  if (search.postedTo) params['postedTo'] = search.postedTo;
  if (search.page > 1) params['page'] = search.page;
  if (search.pageSize !== DEFAULT_PAGE_SIZE) params['pageSize'] = search.pageSize;
  return params;
}

/** Remembers the list's last query params, so leaving a thread returns to the same search. */
@Injectable({ providedIn: 'root' })
export class ThreadListMemory {
  readonly queryParams = signal<Params>({});
}

/** 「N件中A～B件表示」: the range of the page shown (0～0 on an empty result). */
export function pageRange(total: number, page: number, pageSize: number): { total: number; from: number; to: number } {
  if (total === 0) return { total, from: 0, to: 0 };
  const from = Math.min((page - 1) * pageSize + 1, total);
  return { total, from, to: Math.min(page * pageSize, total) };
}
