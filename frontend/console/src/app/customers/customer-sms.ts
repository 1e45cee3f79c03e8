import { ChangeDetectionStrategy, Component, computed, inject, input, signal } from '@angular/core';
import { rxResource } from '@angular/core/rxjs-interop';
import { MatButtonModule } from '@angular/material/button';
import { MatDialog } from '@angular/material/dialog';
import { MatPaginatorModule, type PageEvent } from '@angular/material/paginator';
import { RouterLink } from '@angular/router';

import { readApiError } from '../api/api-error';
import { SmsApi, type SmsMessage, type SmsStatus } from '../api/sms-api';
import { confirmAction } from '../core/confirm-dialog';
import { Notifier } from '../core/notifier';
import { Session } from '../core/session';
import { DateTimePipe } from '../i18n/date-time-pipe';
import { I18n } from '../i18n/i18n';
import type { MessageKey } from '../i18n/ja';
import { TranslatePipe } from '../i18n/translate-pipe';

const PAGE_SIZE = 10;

/**
 * SMS on the karte: the customer's 送信履歴 (sent, 予約中, 配信取消 with when and why, failed
 * with the provider's reason, delivered), newest first, with 配信取消 for a scheduled one.
 * `reload` is bumped by the karte after the send dialog closes.
 */
@Component({
  selector: 'mg-customer-sms',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [MatButtonModule, MatPaginatorModule, RouterLink, TranslatePipe, DateTimePipe],
  template: `
    <div class="section-header">
      <h3>{{ 'sms.karte.history' | t }}</h3>
      <span class="spacer"></span>
      <a mat-button routerLink="/sms">{{ 'sms.karte.all' | t }}</a>
    </div>
    @if (loadError(); as error) {
      <p class="error-text" role="alert" data-testid="customer-sms-error">{{ error }}</p>
    } @else if (messages.value(); as page) {
      @if (page.items.length) {
        <table data-testid="customer-sms">
          <tbody>
            @for (sms of page.items; track sms.id) {
              <tr data-testid="customer-sms-row" [attr.data-status]="sms.status">
                <td class="nowrap">{{ (sms.sentAt ?? sms.scheduledAt ?? sms.createdAt) | dateTime }}</td>
                <td class="nowrap" data-testid="customer-sms-status">{{ statusLabel(sms.status) | t }}</td>
                <td class="body">
                  <span class="subject">{{ sms.subject }}</span>
                  {{ sms.body }}
                  @if (sms.status === 'failed' && sms.errorCode) {
                    <span class="error-text block">{{ errorText(sms.errorCode) }}</span>
                  }
                  @if (sms.status === 'cancelled' && sms.cancelledAt) {
                    <span class="muted block">{{ 'sms.history.cancelledAt' | t: { at: (sms.cancelledAt | dateTime) } }}@if (sms.cancelReason) { ・ {{ sms.cancelReason }} }</span>
                  }
                </td>
                <td class="nowrap muted">{{ (sms.purpose === 'marketing' ? 'sms.purpose.marketing' : 'sms.purpose.transactional') | t }}</td>
                <td class="nowrap">
                  @if (canSend() && (sms.status === 'scheduled' || sms.status === 'queued')) {
                    <button mat-button type="button" (click)="cancel(sms)" [disabled]="cancelling() === sms.id" data-testid="customer-sms-cancel">{{ 'sms.history.cancel' | t }}</button>
                  }
                </td>
              </tr>
            }
          </tbody>
        </table>
        @if (page.total > pageSize) {
          <mat-paginator [length]="page.total" [pageIndex]="page0()" [pageSize]="pageSize" [hidePageSize]="true" (page)="changePage($event)" />
        }
      } @else {
        <p class="muted" data-testid="customer-sms-empty">{{ 'sms.history.empty' | t }}</p>
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
    .spacer {
      flex: 1 1 auto;
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
      vertical-align: top;
    }
    .body {
      white-space: pre-wrap;
      overflow-wrap: anywhere;
    }
    .subject {
      font-weight: 600;
      margin-right: 8px;
    }
    .block {
      display: block;
    }
  `,
})
export class CustomerSms {
  private readonly api = inject(SmsApi);
  private readonly notifier = inject(Notifier);
  private readonly dialog = inject(MatDialog);
  private readonly i18n = inject(I18n);
  private readonly session = inject(Session);
  readonly customerId = input.required<number>();
  /** Bumped by the karte when an SMS was sent from it. */
  readonly reload = input(0);

  protected readonly pageSize = PAGE_SIZE;
  protected readonly page0 = signal(0);
  protected readonly cancelling = signal<number | null>(null);
  protected readonly canSend = computed(() => this.session.can('sms.send'));
  protected readonly messages = rxResource({
    params: () => ({ customerId: this.customerId(), page: this.page0() + 1, reload: this.reload() }),
    stream: ({ params }) => this.api.list({ customerId: params.customerId, page: params.page, pageSize: PAGE_SIZE }),
  });
  protected readonly loadError = computed(() => {
    const error = this.messages.error();
    return error ? this.i18n.render(this.notifier.message(error)) : null;
  });

  protected statusLabel(status: SmsStatus): MessageKey {
    return `sms.status.${status}`;
  }

  protected errorText(code: string): string {
    return this.notifier.describe({ status: 409, code, params: {}, fields: {} });
  }

  protected changePage(event: PageEvent): void {
    this.page0.set(event.pageIndex);
  }

  protected cancel(sms: SmsMessage): void {
    confirmAction(this.dialog, { title: 'sms.history.cancelTitle', message: 'sms.history.cancelMessage', params: { subject: sms.subject }, confirm: 'sms.history.cancel' }).subscribe((ok) => {
      if (!ok) return;
      this.cancelling.set(sms.id);
      this.api.cancel(sms.id).subscribe({
        next: () => {
          this.cancelling.set(null);
          this.notifier.success('sms.history.cancelled');
          this.messages.reload();
        },
        error: (error: unknown) => {
          this.cancelling.set(null);
          this.notifier.error(readApiError(error));
        },
      });
    });
  }
}
