import { HttpClient } from '@angular/common/http';
import { Injectable, inject } from '@angular/core';
import { Observable } from 'rxjs';

export interface CapturedAddress {
  address: string;
  name: string;
}

/**
 * Outgoing mail a mailbox without an SMTP account kept instead of sending (the embedded
 * default's capture): nobody received it.
 */
export interface CapturedMailItem {
  id: number;
  outboxId: number;
  mailboxId: number;
  messageId: string;
  from: string;
  /** To, Cc and Bcc as the message was addressed. */
  to: CapturedAddress[];
  subject: string;
  size: number;
  createdAt: string;
}

export interface CapturedMailPage {
  items: CapturedMailItem[];
  total: number;
  page: number;
  pageSize: number;
}

/** The kept message as a reader shows it; `html` is sanitised by the server. */
export interface CapturedMessage extends CapturedMailItem {
  message: {
    messageId: string | null;
    from: CapturedAddress | null;
    to: CapturedAddress[];
    cc: CapturedAddress[];
    subject: string;
    date: string | null;
    text: string;
    html: string | null;
    attachments: { filename: string; contentType: string; size: number }[];
  };
}

@Injectable({ providedIn: 'root' })
export class CapturedMailApi {
  private readonly http = inject(HttpClient);

  list(mailboxId: number, page = 1): Observable<CapturedMailPage> {
    return this.http.get<CapturedMailPage>(`/api/mailboxes/${mailboxId}/captured`, { params: { page } });
  }

  get(id: number): Observable<CapturedMessage> {
    return this.http.get<CapturedMessage>(`/api/captured-mail/${id}`);
  }

  /** Plain URL, so the browser downloads the .eml with the session cookie. */
  rawUrl(id: number): string {
    return `/api/captured-mail/${id}/raw`;
  }
}
