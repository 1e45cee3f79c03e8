import { HttpClient } from '@angular/common/http';
import { Injectable, inject } from '@angular/core';
import { Observable } from 'rxjs';

export interface Mailbox {
  id: number;
  name: string;
  address: string;
}

@Injectable({ providedIn: 'root' })
export class MailboxesApi {
  private readonly http = inject(HttpClient);

  list(): Observable<Mailbox[]> {
    return this.http.get<Mailbox[]>('/api/mailboxes');
  }
}
