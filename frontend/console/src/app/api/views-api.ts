import { HttpClient } from '@angular/common/http';
import { Injectable, inject } from '@angular/core';
import { Observable } from 'rxjs';

import type { TicketState } from './tickets-api';

/** The list's filters as `GET /api/tickets` takes them (without order and paging). */
export interface TicketFilter {
  mailboxId?: number;
  state?: TicketState;
  folderId?: number;
  spam?: 'true' | 'false' | 'all';
  unread?: 'true' | 'false';
  assignee?: string;
  /** Label ids; a ticket must carry every one. */
  label?: number[];
  q?: string;
}

/** 保存した表示: a user's own named filter of the list, with how many tickets it selects now. */
export interface SavedView {
  id: number;
  name: string;
  filter: TicketFilter;
  count: number;
}

@Injectable({ providedIn: 'root' })
export class ViewsApi {
  private readonly http = inject(HttpClient);

  list(): Observable<SavedView[]> {
    return this.http.get<SavedView[]>('/api/views');
  }

  create(name: string, filter: TicketFilter): Observable<SavedView> {
    return this.http.post<SavedView>('/api/views', { name, filter });
  }

  remove(id: number): Observable<void> {
    return this.http.delete<void>(`/api/views/${id}`);
  }
}
