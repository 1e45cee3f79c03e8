import { HttpClient, HttpParams } from '@angular/common/http';
import { ChangeDetectionStrategy, Component, inject, input } from '@angular/core';
import { rxResource } from '@angular/core/rxjs-interop';
import { RouterLink } from '@angular/router';

import type { TicketPage } from '../api/tickets-api';
import { DateTimePipe } from '../i18n/date-time-pipe';
import { TranslatePipe } from '../i18n/translate-pipe';
import { TicketStateChip } from '../ticket/ticket-state-chip';

/** The customer's inquiries (対応履歴), newest activity first, linking to each ticket. */
@Component({
  selector: 'mg-customer-tickets',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [RouterLink, TranslatePipe, DateTimePipe, TicketStateChip],
  template: `
    <h3>{{ 'customers.tickets' | t }}</h3>
    @if (tickets.value(); as page) {
      @if (page.items.length) {
        <table class="tickets" data-testid="customer-tickets">
          <tbody>
            @for (t of page.items; track t.id) {
              <tr>
                <td><a [routerLink]="['/tickets', t.id]" data-testid="customer-ticket-link">{{ t.code }}</a></td>
                <td>{{ t.subject }}</td>
                <td><mg-ticket-state-chip [state]="t.state" [class]="t.state" /></td>
                <td class="when">{{ t.lastActivityAt | dateTime }}</td>
              </tr>
            }
          </tbody>
        </table>
        @if (page.total > page.items.length) {
          <p class="more">{{ 'customers.moreTickets' | t: { n: page.total - page.items.length } }}</p>
        }
      } @else {
        <p class="empty" data-testid="customer-no-tickets">{{ 'customers.noTickets' | t }}</p>
      }
    }
  `,
  styles: `
    :host { display: block; margin-top: 24px; }
    table { width: 100%; border-collapse: collapse; }
    td { padding: 6px 8px; border-bottom: 1px solid var(--mat-sys-outline-variant); }
    td.when { white-space: nowrap; color: var(--mat-sys-on-surface-variant); }
    .empty, .more { color: var(--mat-sys-on-surface-variant); }
  `,
})
export class CustomerTickets {
  private readonly http = inject(HttpClient);
  readonly customerId = input.required<number>();

  protected readonly tickets = rxResource({
    params: () => ({ customerId: this.customerId() }),
    stream: ({ params }) =>
      this.http.get<TicketPage>('/api/tickets', {
        params: new HttpParams().set('customerId', params.customerId).set('pageSize', 50).set('spam', 'all'),
      }),
  });
}
