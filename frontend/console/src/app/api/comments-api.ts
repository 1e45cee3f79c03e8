import { HttpClient } from '@angular/common/http';
import { Injectable, inject } from '@angular/core';
import { Observable } from 'rxjs';

import type { Article } from './tickets-api';

/** 社内メモ: internal comments on a ticket's timeline (never sent to the customer). */
@Injectable({ providedIn: 'root' })
export class CommentsApi {
  private readonly http = inject(HttpClient);

  create(ticketId: number, body: string): Observable<Article> {
    return this.http.post<Article>(`/api/tickets/${ticketId}/comments`, { body });
  }

  update(commentId: number, body: string): Observable<Article> {
    return this.http.patch<Article>(`/api/comments/${commentId}`, { body });
  }

  delete(commentId: number): Observable<void> {
    return this.http.delete<void>(`/api/comments/${commentId}`);
  }
}
