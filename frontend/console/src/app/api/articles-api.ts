import { HttpClient } from '@angular/common/http';
import { Injectable, inject } from '@angular/core';
import { Observable } from 'rxjs';

import type { Article } from './tickets-api';

/** Actions on one outbound article (the articles themselves come with their ticket). */
@Injectable({ providedIn: 'root' })
export class ArticlesApi {
  private readonly http = inject(HttpClient);

  /** Undo a queued reply; 409 once it has started going out. */
  cancel(articleId: number): Observable<Article> {
    return this.http.post<Article>(`/api/articles/${articleId}/cancel`, {});
  }

  /** Puts a failed reply back in the outbox. */
  retry(articleId: number): Observable<Article> {
    return this.http.post<Article>(`/api/articles/${articleId}/retry`, {});
  }
}
