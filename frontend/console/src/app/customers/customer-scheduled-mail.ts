import { ChangeDetectionStrategy, Component, computed, inject, input } from '@angular/core';
import { rxResource } from '@angular/core/rxjs-interop';
import { RouterLink } from '@angular/router';

import { HistoryApi } from '../api/history-api';
import { Notifier } from '../core/notifier';
import { DateTimePipe } from '../i18n/date-time-pipe';
import { I18n } from '../i18n/i18n';
import { TranslatePipe } from '../i18n/translate-pipe';

/** 送信予約: send-later replies to the customer not sent yet, soonest first. */
@Component({
  selector: 'mg-customer-scheduled-mail',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [RouterLink, TranslatePipe, DateTimePipe],
  template: `
    <h3>{{ 'history.scheduledMail.title' | t }}</h3>
    @if (loadError(); as error) {
      <p class="error-text" role="alert" data-testid="scheduled-mail-error">{{ error }}</p>
    } @else if (mail.value(); as page) {
      @if (page.items.length) {
        <table data-testid="scheduled-mail">
          <tbody>
            @for (m of page.items; track m.id) {
              <tr data-testid="scheduled-mail-row">
                <td class="nowrap">{{ m.sendAt | dateTime }}</td>
                <td class="nowrap">
                  @if (m.ticketId) {
                    <a [routerLink]="['/tickets', m.ticketId]">{{ m.ticketCode ?? '#' + m.ticketId }}</a>
                  }
                </td>
                <td data-testid="scheduled-mail-subject">{{ m.subject }}</td>
                <td class="muted">{{ m.to.join(', ') }}</td>
              </tr>
            }
          </tbody>
        </table>
        @if (page.total > page.items.length) {
          <p class="muted">{{ 'customers.moreTickets' | t: { n: page.total - page.items.length } }}</p>
        }
      } @else {
        <p class="muted" data-testid="scheduled-mail-empty">{{ 'history.scheduledMail.empty' | t }}</p>
      }
    }
  `,
  styles: `
    :host {
      display: block;
      margin-top: 24px;
    }
    table {
      width: 100%;
      border-collapse: collapse;
    }
    td {
      padding: 6px 8px;
      border-bottom: 1px solid var(--mat-sys-outline-variant);
    }
  `,
})
export class CustomerScheduledMail {
  private readonly api = inject(HistoryApi);
  private readonly notifier = inject(Notifier);
  private readonly i18n = inject(I18n);
  readonly customerId = input.required<number>();

  protected readonly mail = rxResource({
    params: () => this.customerId(),
    stream: ({ params }) => this.api.scheduledMail(params),
  });
  protected readonly loadError = computed(() => {
    const error = this.mail.error();
    return error ? this.i18n.render(this.notifier.message(error)) : null;
  });
}
