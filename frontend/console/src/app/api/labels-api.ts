import { HttpClient } from '@angular/common/http';
import { Injectable, inject } from '@angular/core';
import { Observable } from 'rxjs';

import type { components } from './generated/openapi';

/** The request DTOs the server's OpenAPI document describes field by field (`npm run api:types`). */
type Schemas = components['schemas'];

/** A label as a ticket carries it (list rows and the ticket view). */
export interface TicketLabel {
  id: number;
  name: string;
  /** `#rrggbb` */
  color: string;
}

/** A label of a mailbox's catalogue, with how many tickets carry it. */
export interface CatalogueLabel extends TicketLabel {
  mailboxId: number;
  ticketCount: number;
  createdAt: string;
}

export type NewLabel = Schemas['CreateLabelDto'];
export type LabelChange = Schemas['UpdateLabelDto'];

/** The colours offered when adding or recolouring (the server's LABEL_PALETTE); any `#rrggbb` is taken. */
export const LABEL_PALETTE = ['#e53935', '#fb8c00', '#fdd835', '#43a047', '#00897b', '#1e88e5', '#3949ab', '#8e24aa', '#d81b60', '#6d4c41', '#757575', '#546e7a'] as const;

/** Most characters in a label's name (the server's limit). */
export const LABEL_NAME_MAX = 50;

/** Black or white, whichever reads better on the label's colour. */
export function labelTextColor(color: string): string {
  const hex = /^#([0-9a-f]{6})$/i.exec(color)?.[1];
  if (!hex) {
    return '#000000';
  }
  const [r, g, b] = [0, 2, 4].map((i) => parseInt(hex.slice(i, i + 2), 16) / 255).map((c) => (c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4));
  const luminance = 0.2126 * r + 0.7152 * g + 0.0722 * b;
  return luminance > 0.4 ? '#000000' : '#ffffff';
}

/** ラベル: each mailbox's catalogue (view lists, manage changes it). Labels go on tickets with TicketsApi.update({labelIds}). */
@Injectable({ providedIn: 'root' })
export class LabelsApi {
  private readonly http = inject(HttpClient);

  list(mailboxId: number): Observable<CatalogueLabel[]> {
    return this.http.get<CatalogueLabel[]>(`/api/mailboxes/${mailboxId}/labels`);
  }

  create(mailboxId: number, label: NewLabel): Observable<CatalogueLabel> {
    return this.http.post<CatalogueLabel>(`/api/mailboxes/${mailboxId}/labels`, label);
  }

  update(labelId: number, change: LabelChange): Observable<CatalogueLabel> {
    return this.http.patch<CatalogueLabel>(`/api/labels/${labelId}`, change);
  }

  delete(labelId: number): Observable<void> {
    return this.http.delete<void>(`/api/labels/${labelId}`);
  }
}
