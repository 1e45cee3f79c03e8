import { ChangeDetectionStrategy, Component, computed, inject, input, signal } from '@angular/core';
import { rxResource } from '@angular/core/rxjs-interop';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatPaginatorModule, type PageEvent } from '@angular/material/paginator';
import { MatSelectModule } from '@angular/material/select';
import { RouterLink } from '@angular/router';

import { HistoryApi, SENT_MAIL_KINDS, type SentMail, type SentMailKind } from '../api/history-api';
import { Notifier } from '../core/notifier';
import { DateTimePipe } from '../i18n/date-time-pipe';
import { I18n } from '../i18n/i18n';
import { TranslatePipe } from '../i18n/translate-pipe';
import type { MessageKey } from '../i18n/ja';
import { SENT_MAIL_KIND_LABELS, SENT_MAIL_STATUS_LABELS } from './history-labels';

const PAGE_SIZE = 20;

/** 送信メール: every outbound mail to the customer (replies on their tickets, forms' thank-you mails). */
@Component({
  selector: 'mg-customer-sent-mail',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [RouterLink, MatFormFieldModule, MatPaginatorModule, MatSelectModule, TranslatePipe, DateTimePipe],
  template: `
    <div class="section-header">
      <h3>{{ 'history.sentMail.title' | t }}</h3>
      <span class="spacer"></span>
      <mat-form-field subscriptSizing="dynamic">
        <mat-label>{{ 'history.sentMail.kind' | t }}</mat-label>
        <mat-select
          [value]="kind()"
          (selectionChange)="changeKind($event.value)"
          data-testid="sent-mail-kind"
        >
          <mat-option value="">{{ 'common.all' | t }}</mat-option>
          @for (k of kinds; track k) {
            <mat-option [value]="k">{{ kindLabels[k] | t }}</mat-option>
          }
        </mat-select>
      </mat-form-field>
    </div>
    @if (loadError(); as error) {
      <p class="error-text" role="alert" data-testid="sent-mail-error">{{ error }}</p>
    } @else if (mail.value(); as page) {
      @if (page.items.length) {
        <table data-testid="sent-mail">
          <tbody>
            @for (m of page.items; track m.id) {
              <tr data-testid="sent-mail-row">
                <td class="nowrap">{{ m.sentAt | dateTime }}</td>
                <td class="nowrap" data-testid="sent-mail-kind-cell">{{ kindText(m) }}</td>
                <td class="nowrap">
                  @if (m.ticketId) {
                    <a [routerLink]="['/tickets', m.ticketId]">{{ m.ticketCode ?? '#' + m.ticketId }}</a>
                  }
                </td>
                <td data-testid="sent-mail-subject">{{ m.subject }}</td>
                <td class="muted">{{ m.to.join(', ') }}</td>
                <td class="nowrap" [class.error-text]="m.status === 'failed'" data-testid="sent-mail-status">
                  {{ statusText(m) }}
                </td>
              </tr>
            }
          </tbody>
        </table>
        @if (page.total > pageSize) {
          <mat-paginator
            [length]="page.total"
            [pageIndex]="page0()"
            [pageSize]="pageSize"
            [hidePageSize]="true"
            (page)="changePage($event)"
          />
        }
      } @else {
        <p class="muted" data-testid="sent-mail-empty">{{ 'history.sentMail.empty' | t }}</p>
      }
    }
  `,
  styles: `
    :host {
      display: block;
      margin-top: 24px;
    }
    .section-header {
      display: flex;
      align-items: center;
      gap: 8px;
    }
    h3 {
      margin: 0;
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
export class CustomerSentMail {
  private readonly api = inject(HistoryApi);
  private readonly notifier = inject(Notifier);
  private readonly i18n = inject(I18n);
  readonly customerId = input.required<number>();

  protected readonly kinds = SENT_MAIL_KINDS;
  protected readonly kindLabels = SENT_MAIL_KIND_LABELS;
  protected readonly pageSize = PAGE_SIZE;
  protected readonly kind = signal<SentMailKind | ''>('');
  protected readonly page0 = signal(0);

  protected readonly mail = rxResource({
    params: () => ({ customerId: this.customerId(), kind: this.kind(), page: this.page0() + 1 }),
    stream: ({ params }) => this.api.sentMail(params.customerId, params.kind, params.page, PAGE_SIZE),
  });
  protected readonly loadError = computed(() => {
    const error = this.mail.error();
    return error ? this.i18n.render(this.notifier.message(error)) : null;
  });

  /** A kind or status a newer server adds shows as its code rather than not at all. */
  protected kindText(mail: SentMail): string {
    const key: MessageKey | undefined = this.kindLabels[mail.kind];
    return key ? this.i18n.t(key) : mail.kind;
  }

  protected statusText(mail: SentMail): string {
    const key: MessageKey | undefined = SENT_MAIL_STATUS_LABELS[mail.status];
    return key ? this.i18n.t(key) : mail.status;
  }

  protected changeKind(kind: SentMailKind | ''): void {
    this.kind.set(kind);
    this.page0.set(0);
  }

  protected changePage(event: PageEvent): void {
    this.page0.set(event.pageIndex);
  }
}
