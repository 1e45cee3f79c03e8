import { Injectable, signal } from '@angular/core';
import type { ParamMap, Params } from '@angular/router';

import type { InboxPlace } from '../api/automation-api';
import { TICKET_SORTS, TICKET_STATES, type TicketSort, type TicketState } from '../api/tickets-api';

export const PAGE_SIZES = [10, 20, 50, 100] as const;
export const DEFAULT_PAGE_SIZE = 50;

export type StateTab = TicketState | 'all';
export const STATE_TABS: readonly StateTab[] = [...TICKET_STATES, 'all'];
/** What needs doing is what an agent opens the inbox for. */
export const DEFAULT_STATE_TAB: StateTab = 'unhandled';

/** The list's assignee filter: the caller's tickets, unassigned ones, or (null) any. */
export type AssigneeChoice = 'me' | 'none' | null;
export const ASSIGNEE_CHOICES = ['me', 'none'] as const;

export interface TicketListQuery {
  state: StateTab;
  q: string;
  assignee: AssigneeChoice;
  /** The list's order; `activity` (newest first) is the default and stays out of the URL. */
  sort: TicketSort;
  /** Tickets carrying every one of these labels (`?label=3,7`); empty: any. */
  labels: readonly number[];
  /** 1-based */
  page: number;
  pageSize: number;
  /** A folder or the spam; absent from the URL for the whole mailbox (spam aside). */
  place: InboxPlace;
}

/** Reads the inbox's state tab, search and page from its URL query params. */
export function parseTicketListQuery(params: ParamMap): TicketListQuery {
  const state = params.get('state');
  const page = Number(params.get('page'));
  const pageSize = Number(params.get('pageSize'));
  return {
    state: (STATE_TABS as readonly (string | null)[]).includes(state)
      ? (state as StateTab)
      : DEFAULT_STATE_TAB,
    q: params.get('q')?.trim() ?? '',
    assignee: parseAssignee(params.get('assignee')),
    labels: parseLabels(params.getAll('label')),
    sort: (TICKET_SORTS as readonly (string | null)[]).includes(params.get('sort')) ? (params.get('sort') as TicketSort) : 'activity',
    page: Number.isInteger(page) && page >= 1 ? page : 1,
    pageSize: (PAGE_SIZES as readonly number[]).includes(pageSize) ? pageSize : DEFAULT_PAGE_SIZE,
    place: parsePlace(params.get('folder')),
  };
}

/** `?label=3,7` (or `?label=3&label=7`): label ids, each once; anything else is dropped. */
function parseLabels(values: readonly string[]): number[] {
  const ids = values.flatMap((v) => v.split(',')).map((v) => Number(v.trim()));
  return [...new Set(ids.filter((id) => Number.isInteger(id) && id > 0))];
}

function parseAssignee(value: string | null): AssigneeChoice {
  return (ASSIGNEE_CHOICES as readonly (string | null)[]).includes(value) ? (value as AssigneeChoice) : null;
}

/** `?folder=spam` or `?folder=<id>`; anything else is the whole mailbox. */
function parsePlace(value: string | null): InboxPlace {
  if (value === 'spam') {
    return { kind: 'spam' };
  }
  const folderId = Number(value);
  return value && Number.isInteger(folderId) && folderId > 0 ? { kind: 'folder', folderId } : { kind: 'all' };
}

/** The inverse of `parseTicketListQuery`, leaving defaults out to keep URLs short. */
export function ticketListQueryParams(query: TicketListQuery): Params {
  const params: Params = {};
  if (query.state !== DEFAULT_STATE_TAB) {
    params['state'] = query.state;
  }
  if (query.q) {
    params['q'] = query.q;
  }
  if (query.assignee) {
    params['assignee'] = query.assignee;
  }
  if (query.labels?.length) {
    params['label'] = query.labels.join(',');
  }
  if (query.sort !== 'activity') {
    params['sort'] = query.sort;
  }
  if (query.page > 1) {
    params['page'] = query.page;
  }
  if (query.pageSize !== DEFAULT_PAGE_SIZE) {
    params['pageSize'] = query.pageSize;
  }
  if (query.place.kind === 'spam') {
    params['folder'] = 'spam';
  } else if (query.place.kind === 'folder') {
    params['folder'] = query.place.folderId;
  }
  return params;
}

const LAST_MAILBOX_KEY = 'madoguchi.inbox.mailboxId';

/**
 * Where the inbox was: the mailbox (also across visits, in local storage) and the list's query
 * params, so leaving a ticket returns to the same tab, search and page.
 */
@Injectable({ providedIn: 'root' })
export class InboxMemory {
  readonly mailboxId = signal<number | null>(readStoredMailboxId());
  readonly queryParams = signal<Params>({});
  /** The ids of the list's page last shown, in its order: the ticket page's next/previous (j/k). */
  readonly pageIds = signal<readonly number[]>([]);

  remember(mailboxId: number, queryParams: Params): void {
    this.queryParams.set(queryParams);
    if (this.mailboxId() === mailboxId) {
      return;
    }
    this.mailboxId.set(mailboxId);
    try {
      localStorage.setItem(LAST_MAILBOX_KEY, String(mailboxId));
    } catch {
      // Storage can be disabled; the choice then lasts for this tab only.
    }
  }

  /** The list to go back to from a ticket of this mailbox. */
  listCommands(mailboxId: number): { commands: unknown[]; queryParams: Params } {
    return {
      commands: ['/inbox', mailboxId],
      queryParams: this.mailboxId() === mailboxId ? this.queryParams() : {},
    };
  }
}

function readStoredMailboxId(): number | null {
  try {
    const id = Number(localStorage.getItem(LAST_MAILBOX_KEY));
    return Number.isInteger(id) && id > 0 ? id : null;
  } catch {
    return null;
  }
}
