import { HttpClient } from '@angular/common/http';
import { Injectable, inject } from '@angular/core';
import { Observable } from 'rxjs';

/** The server refuses larger files (413); the browser checks first so nobody waits for a refusal. */
export const MAX_UPLOAD_BYTES = 10 * 1024 * 1024;

export interface Upload {
  id: string;
  filename: string;
  contentType: string;
  size: number;
}

/** Files uploaded ahead of the reply that refers to them. */
@Injectable({ providedIn: 'root' })
export class UploadsApi {
  private readonly http = inject(HttpClient);

  upload(file: File): Observable<Upload> {
    const body = new FormData();
    body.append('file', file, file.name);
    return this.http.post<Upload>('/api/uploads', body);
  }
}
