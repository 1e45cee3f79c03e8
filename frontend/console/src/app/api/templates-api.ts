import { HttpClient, HttpParams } from '@angular/common/http';
import { Injectable, inject } from '@angular/core';
import { Observable, map } from 'rxjs';

import type { TicketPage, TicketSummary } from './tickets-api';

export const TEMPLATE_KINDS = ['body', 'signature', 'sender'] as const;
export type TemplateKind = (typeof TEMPLATE_KINDS)[number];

/** Limits the server enforces (libs/mailboxes template.dto.ts). */
export const TEMPLATE_LIMITS = { name: 100, body: 20_000, fromName: 255, address: 254 } as const;

/** A reply template: body and signature templates have `body`, sender templates the from/reply-to fields. */
export interface Template {
  id: number;
  /** null: shared by every mailbox. */
  mailboxId: number | null;
  kind: TemplateKind;
  name: string;
  body: string | null;
  fromName: string | null;
  fromAddress: string | null;
  replyTo: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface TemplateInput {
  kind: TemplateKind;
  name: string;
  body: string | null;
  fromName: string | null;
  fromAddress: string | null;
  replyTo: string | null;
}

/** A template filled in for one ticket; sender fields are null where the template sets none. */
export interface RenderedTemplate {
  text: string;
  fromName: string | null;
  fromAddress: string | null;
  replyTo: string | null;
}

@Injectable({ providedIn: 'root' })
export class TemplatesApi {
  private readonly http = inject(HttpClient);

  /** The mailbox's own templates with the shared ones, by name; `null`: the shared ones only. */
  list(mailboxId: number | null, kind?: TemplateKind): Observable<Template[]> {
    let params = new HttpParams();
    if (mailboxId !== null) {
      params = params.set('mailboxId', mailboxId);
    }
    if (kind) {
      params = params.set('kind', kind);
    }
    return this.http.get<Template[]>('/api/templates', { params });
  }

  get(id: number): Observable<Template> {
    return this.http.get<Template>(`/api/templates/${id}`);
  }

  /** `mailboxId` null makes a shared template (administrators only). */
  create(mailboxId: number | null, input: TemplateInput): Observable<Template> {
    return this.http.post<Template>('/api/templates', { mailboxId, ...input });
  }

  update(id: number, input: Partial<TemplateInput>): Observable<Template> {
    return this.http.patch<Template>(`/api/templates/${id}`, input);
  }

  delete(id: number): Observable<void> {
    return this.http.delete<void>(`/api/templates/${id}`);
  }

  /** Placeholder names without braces (`customer.name`, …). */
  placeholders(): Observable<string[]> {
    return this.http.get<string[]>('/api/templates/placeholders');
  }

  /** The saved template filled in for the ticket; nothing is stored. */
  render(id: number, ticketId: number): Observable<RenderedTemplate> {
    return this.http.post<RenderedTemplate>(`/api/templates/${id}/render`, { ticketId });
  }

  /** A template as it is being written (not saved), filled in for the ticket; nothing is stored. */
  preview(draft: { ticketId: number; mailboxId: number | null; body: string | null; fromName: string | null }): Observable<RenderedTemplate> {
    return this.http.post<RenderedTemplate>('/api/templates/preview', draft);
  }

  /** Tickets to preview with: code, subject, sender or body matching `q`, newest activity first. */
  findTickets(q: string, mailboxId: number | null, pageSize = 10): Observable<TicketSummary[]> {
    let params = new HttpParams().set('q', q).set('pageSize', pageSize);
    if (mailboxId !== null) {
      params = params.set('mailboxId', mailboxId);
    }
    return this.http.get<TicketPage>('/api/tickets', { params }).pipe(map((page) => page.items));
  }
}
