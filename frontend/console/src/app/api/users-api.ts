import { HttpClient } from '@angular/common/http';
import { Injectable, inject } from '@angular/core';
import { Observable } from 'rxjs';

export interface User {
  id: number;
  email: string;
  name: string;
  branch: string | null;
  active: boolean;
  groupIds: number[];
  createdAt: string;
  updatedAt: string;
}

export interface UserInput {
  email: string;
  name: string;
  /** Required on create; on update only sent to change it. */
  password?: string;
  branch: string | null;
  active: boolean;
  groupIds: number[];
}

@Injectable({ providedIn: 'root' })
export class UsersApi {
  private readonly http = inject(HttpClient);

  list(): Observable<User[]> {
    return this.http.get<User[]>('/api/users');
  }

  create(input: UserInput): Observable<User> {
    return this.http.post<User>('/api/users', input);
  }

  update(id: number, input: Partial<UserInput>): Observable<User> {
    return this.http.patch<User>(`/api/users/${id}`, input);
  }
}
