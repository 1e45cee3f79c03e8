import { HttpClient } from '@angular/common/http';
import { Injectable, inject } from '@angular/core';
import { Observable, map } from 'rxjs';

export const MAX_SIGNATURE_LENGTH = 2000;

/** The signed-in user's own signature (`GET|PUT /api/me/signature`). */
@Injectable({ providedIn: 'root' })
export class SignatureApi {
  private readonly http = inject(HttpClient);

  get(): Observable<string> {
    return this.http.get<{ signature: string }>('/api/me/signature').pipe(map((r) => r.signature ?? ''));
  }

  save(signature: string): Observable<string> {
    return this.http.put<{ signature: string }>('/api/me/signature', { signature }).pipe(map((r) => r.signature ?? ''));
  }
}
