import { HttpClient } from '@angular/common/http';
import { Injectable, inject } from '@angular/core';
import { Observable } from 'rxjs';

import type { components } from './generated/openapi';

/** The server refuses larger files (413 IMPORT_FILE_TOO_LARGE); the browser checks first. */
export const MAX_IMPORT_BYTES = 50 * 1024 * 1024;

type Schemas = components['schemas'];

export type ImportPreview = Schemas['ImportPreviewDto'];
/** A customer field a CSV column can fill (`name`/`nameKana`: 氏名/フリガナ in one cell). */
export type ImportField = ImportPreview['fields'][number];
export type ImportRowError = Schemas['ImportRowErrorDto'];
export type ImportStatus = Schemas['ImportStatusDto'];

export interface ImportOptions {
  mapping: Record<string, ImportField>;
  mode: 'dryRun' | 'run';
  matchBy: 'code' | 'email';
  atomic: boolean;
}

/** 顧客データCSV取込: preview a file, start an import (or dry run), then poll it. */
@Injectable({ providedIn: 'root' })
export class CustomerImportApi {
  private readonly http = inject(HttpClient);

  preview(file: File): Observable<ImportPreview> {
    const body = new FormData();
    body.append('file', file, file.name);
    return this.http.post<ImportPreview>('/api/customers/import/preview', body);
  }

  start(file: File, options: ImportOptions): Observable<{ id: string }> {
    const body = new FormData();
    body.append('file', file, file.name);
    body.append('mapping', JSON.stringify(options.mapping));
    body.append('mode', options.mode);
    body.append('matchBy', options.matchBy);
    body.append('atomic', String(options.atomic));
    return this.http.post<{ id: string }>('/api/customers/import', body);
  }

  status(id: string): Observable<ImportStatus> {
    return this.http.get<ImportStatus>(`/api/customers/import/${encodeURIComponent(id)}`);
  }

  errorsUrl(id: string): string {
    return `/api/customers/import/${encodeURIComponent(id)}/errors.csv`;
  }
}
