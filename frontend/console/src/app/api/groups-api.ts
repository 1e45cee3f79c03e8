import { HttpClient } from '@angular/common/http';
import { Injectable, inject } from '@angular/core';
import { Observable } from 'rxjs';

import type { MailboxRights } from './auth-api';

/** Global rights a permission group can grant, in the order the settings screen lists them. */
export const RIGHTS = [
  'admin',
  'customers.read',
  'customers.write',
  'mypage',
  'sms.send',
  'sms.settings',
  'history.bulk',
] as const;
export type Right = (typeof RIGHTS)[number];

export interface Group {
  id: number;
  name: string;
  rights: string[];
  mailboxRights: MailboxRights[];
}

export interface GroupInput {
  name: string;
  rights: string[];
  mailboxRights: MailboxRights[];
}

@Injectable({ providedIn: 'root' })
export class GroupsApi {
  private readonly http = inject(HttpClient);

  list(): Observable<Group[]> {
    return this.http.get<Group[]>('/api/groups');
  }

  create(input: GroupInput): Observable<Group> {
    return this.http.post<Group>('/api/groups', input);
  }

  update(id: number, input: GroupInput): Observable<Group> {
    return this.http.patch<Group>(`/api/groups/${id}`, input);
  }

  delete(id: number): Observable<void> {
    return this.http.delete<void>(`/api/groups/${id}`);
  }
}
