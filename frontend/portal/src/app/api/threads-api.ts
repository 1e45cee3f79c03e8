import { HttpClient } from '@angular/common/http';
import { Injectable, inject } from '@angular/core';
import type { Observable } from 'rxjs';

/** One of the customer's threads (`GET /api/portal/threads`): nothing staff-only (no label, memo, ticket). */
export interface ThreadSummary {
  readonly id: number;
  readonly code: string;
  readonly title: string;
  readonly lastPostAt: string;
  readonly createdAt: string;
  /** A staff post reached the portal since the customer last opened the thread (NEW). */
  readonly hasNewStaffPosts: boolean;
}

export interface ThreadList {
  readonly items: readonly ThreadSummary[];
  readonly total: number;
  /** The MYPAGE settings let customers start threads. */
  readonly customersMayStartThreads: boolean;
}

export interface PostFile {
  readonly filename: string;
  readonly contentType: string;
  readonly size: number;
  /** `/api/portal/threads/:id/posts/:postId/file`, permission-checked by the server. */
  readonly url: string;
}

/** One post: exactly one of a text, an image or a file. */
export interface Post {
  readonly id: number;
  readonly author: 'customer' | 'staff';
  /** The customer's name, or the staff member's (the company's for a post without one). */
  readonly authorName: string;
  readonly kind: 'text' | 'image' | 'file';
  readonly text: string | null;
  readonly file: PostFile | null;
  readonly createdAt: string;
}

export interface ThreadDetail extends ThreadSummary {
  readonly posts: readonly Post[];
}

/** As the server counts them (libs/mypage thread-errors.ts). */
export const POST_MAX_CHARS = 1000;
export const UPLOAD_MAX_BYTES = 10 * 1024 * 1024;
export const TITLE_MAX_CHARS = 100;

/** The customer's threads (`/api/portal/threads…`, libs/mypage portal-threads.controller.ts). */
@Injectable({ providedIn: 'root' })
export class ThreadsApi {
  private readonly http = inject(HttpClient);

  list(): Observable<ThreadList> {
    return this.http.get<ThreadList>('/api/portal/threads');
  }

  /** Opening a thread clears its NEW. */
  get(id: number): Observable<ThreadDetail> {
    return this.http.get<ThreadDetail>(`/api/portal/threads/${id}`);
  }

  postText(id: number, text: string): Observable<Post> {
    return this.http.post<Post>(`/api/portal/threads/${id}/posts`, { text });
  }

  /**
   * One image or file, as multipart with the one field `file`. The server types it by its bytes;
   * `kind=image` for a chosen image makes it refuse anything that is no JPEG, PNG or GIF.
   */
  postFile(id: number, file: File): Observable<Post> {
    const body = new FormData();
    if (/^image\/(jpeg|png|gif)$/.test(file.type)) body.append('kind', 'image');
    body.append('file', file, file.name);
    return this.http.post<Post>(`/api/portal/threads/${id}/posts`, body);
  }

  create(title: string, text: string): Observable<{ id: number; code: string }> {
    return this.http.post<{ id: number; code: string }>('/api/portal/threads', { title, text });
  }
}
