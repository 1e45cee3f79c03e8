import { ChangeDetectionStrategy, Component, computed, inject, input } from '@angular/core';
import { rxResource } from '@angular/core/rxjs-interop';
import { MatButtonModule } from '@angular/material/button';
import { MatDialog } from '@angular/material/dialog';
import { MatIconModule } from '@angular/material/icon';
import { Router, RouterLink } from '@angular/router';

import { readApiError } from '../api/api-error';
import { MypageApi } from '../api/mypage-api';
import { Notifier } from '../core/notifier';
import { DateTimePipe } from '../i18n/date-time-pipe';
import { TranslatePipe } from '../i18n/translate-pipe';
import { openNewThreadDialog } from '../mypage/new-thread-dialog';

/**
 * The customer's MYPAGE threads on the karte (newest post first, linking to each) and
 * 「新規メッセージ」, which opens the new-thread dialog with this customer as the owner.
 */
@Component({
  selector: 'mg-customer-threads',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [RouterLink, MatButtonModule, MatIconModule, DateTimePipe, TranslatePipe],
  template: `
    <div class="section-header">
      <h3>{{ 'mypageThreads.karteTitle' | t }}</h3>
      <span class="spacer"></span>
      <button mat-stroked-button type="button" (click)="newThread()" data-testid="customer-thread-new">
        <mat-icon svgIcon="add" />
        {{ 'mypageThreads.karteNew' | t }}
      </button>
    </div>
    @if (loadError(); as error) {
      <p class="error-text" role="alert" data-testid="customer-threads-error">{{ error }}</p>
    } @else if (threads.value(); as page) {
      @if (page.items.length) {
        <table data-testid="customer-threads">
          <tbody>
            @for (t of page.items; track t.id) {
              <tr data-testid="customer-thread-row" [attr.data-thread-id]="t.id">
                <td class="nowrap"><a [routerLink]="['/messages', t.id]" data-testid="customer-thread-link">{{ t.code }}</a></td>
                <td>
                  @if (t.isNew) {
                    <span class="new-badge">NEW</span>
                  }
                  {{ t.title }}
                </td>
                <td class="when">{{ t.lastPostAt | dateTime }}</td>
              </tr>
            }
          </tbody>
        </table>
        @if (page.total > page.items.length) {
          <p class="more">
            <a [routerLink]="['/messages']" [queryParams]="{ customerId: customerId() }" data-testid="customer-threads-all">
              {{ 'mypageThreads.karteAll' | t: { n: page.total } }}
            </a>
          </p>
        }
      } @else {
        <p class="empty" data-testid="customer-no-threads">{{ 'mypageThreads.karteEmpty' | t }}</p>
      }
    }
  `,
  styles: `
    :host { display: block; margin-top: 24px; }
    .section-header { display: flex; align-items: center; gap: 8px; }
    .spacer { flex: 1 1 auto; }
    h3 { margin: 0; }
    table { width: 100%; border-collapse: collapse; margin-top: 8px; }
    td { padding: 6px 8px; border-bottom: 1px solid var(--mat-sys-outline-variant); }
    .nowrap { white-space: nowrap; }
    td.when { white-space: nowrap; color: var(--mat-sys-on-surface-variant); }
    .empty, .more { color: var(--mat-sys-on-surface-variant); }
    .new-badge {
      display: inline-block;
      margin-inline-end: 6px;
      padding: 0 6px;
      border-radius: 4px;
      font: var(--mat-sys-label-small);
      font-weight: 700;
      color: var(--mat-sys-on-error);
      background: var(--mat-sys-error);
    }
  `,
})
export class CustomerThreads {
  private readonly api = inject(MypageApi);
  private readonly dialog = inject(MatDialog);
  private readonly router = inject(Router);
  private readonly notifier = inject(Notifier);
  readonly customerId = input.required<number>();
  /** `code` and name of the customer, for the dialog's fixed owner. */
  readonly customerCode = input.required<string>();
  readonly customerName = input.required<string>();

  protected readonly threads = rxResource({
    params: () => this.customerId(),
    stream: ({ params }) => this.api.forCustomer(params),
  });
  protected readonly loadError = computed(() => {
    const error = this.threads.error();
    return error ? this.notifier.describe(readApiError(error)) : null;
  });

  protected newThread(): void {
    openNewThreadDialog(this.dialog, { customer: { id: this.customerId(), code: this.customerCode(), name: this.customerName() } })
      .afterClosed()
      .subscribe((created) => {
        if (created) void this.router.navigate(['/messages', created.id]);
      });
  }
}
