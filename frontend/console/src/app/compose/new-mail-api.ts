import { HttpClient } from '@angular/common/http';
import { Injectable, inject } from '@angular/core';
import { Observable } from 'rxjs';

import type { Reply } from '../api/replies-api';

export type AfterSend = 'handled' | 'hold' | 'open';

export interface NewMailInput {
  mailboxId: number;
  to: string[];
  cc: string[];
  bcc: string[];
  subject: string;
  text: string;
  customerId?: number;
  attachments: string[];
  afterSend: AfterSend;
}

export interface NewMailCreated {
  ticketId: number;
  code: string;
  replyId: number;
  reply: Reply;
}

/** 新規メール作成: `POST /api/tickets/outbound` opens a ticket whose first article is this mail. */
@Injectable({ providedIn: 'root' })
export class NewMailApi {
  private readonly http = inject(HttpClient);

  create(input: NewMailInput): Observable<NewMailCreated> {
    return this.http.post<NewMailCreated>('/api/tickets/outbound', input);
  }
}
