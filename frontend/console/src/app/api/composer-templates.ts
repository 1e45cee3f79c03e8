import { HttpClient, HttpParams } from '@angular/common/http';
import { Injectable, inject } from '@angular/core';
import { Observable } from 'rxjs';

export type ComposerTemplateKind = 'body' | 'signature' | 'sender';

/** A mailbox template as the reply composer offers it (the templates screen manages them). */
export interface ComposerTemplate {
  id: number;
  name: string;
  kind: ComposerTemplateKind;
}

/** A template with its placeholders filled in for one ticket. */
export interface RenderedTemplate {
  text: string;
  fromName: string | null;
  fromAddress: string | null;
  replyTo: string | null;
}

/** Read-only template calls for the composer. */
@Injectable({ providedIn: 'root' })
export class ComposerTemplates {
  private readonly http = inject(HttpClient);

  list(mailboxId: number, kind: ComposerTemplateKind): Observable<ComposerTemplate[]> {
    const params = new HttpParams().set('mailboxId', mailboxId).set('kind', kind);
    return this.http.get<ComposerTemplate[]>('/api/templates', { params });
  }

  render(templateId: number, ticketId: number): Observable<RenderedTemplate> {
    return this.http.post<RenderedTemplate>(`/api/templates/${templateId}/render`, { ticketId });
  }

  /** 新規メール作成: no ticket yet, so the mailbox, the customer (if chosen) and the subject typed so far. */
  renderForNewMail(templateId: number, input: { mailboxId: number; customerId?: number; subject?: string }): Observable<RenderedTemplate> {
    return this.http.post<RenderedTemplate>(`/api/templates/${templateId}/render`, input);
  }
}
