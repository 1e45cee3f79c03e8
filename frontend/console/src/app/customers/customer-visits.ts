import { ChangeDetectionStrategy, Component, computed, inject, input, signal } from '@angular/core';
import { rxResource } from '@angular/core/rxjs-interop';
import { MatButtonModule } from '@angular/material/button';
import { MatDialog } from '@angular/material/dialog';
import { MatIconModule } from '@angular/material/icon';
import { MatPaginatorModule, type PageEvent } from '@angular/material/paginator';
import { filter, switchMap } from 'rxjs';

import { CustomerVisitsApi, type Visit } from '../api/customer-visits-api';
import { StaffApi } from '../api/staff-api';
import { confirmAction } from '../core/confirm-dialog';
import { Notifier } from '../core/notifier';
import { Session } from '../core/session';
import { DateTimePipe, formatDateTime } from '../i18n/date-time-pipe';
import { I18n } from '../i18n/i18n';
import { TranslatePipe } from '../i18n/translate-pipe';
import { CustomerVisitDialog, type CustomerVisitDialogData } from './customer-visit-dialog';
import { staffName } from './history-labels';

const PAGE_SIZE = 10;
const yen = new Intl.NumberFormat('ja-JP');

/**
 * 来店・利用金額 on the karte: the summary (最終来店日, 来店回数, 利用金額合計, 平均) computed by
 * the server from the records, the visits newest first, add/edit in a dialog, delete after
 * asking, and 「今すぐ来店を記録」: the dialog prefilled with now and the signed-in user.
 */
@Component({
  selector: 'mg-customer-visits',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [MatButtonModule, MatIconModule, MatPaginatorModule, TranslatePipe, DateTimePipe],
  template: `
    <div class="section-header">
      <h3>{{ 'visits.title' | t }}</h3>
      <span class="spacer"></span>
      @if (canWrite()) {
        <button mat-flat-button type="button" (click)="recordNow()" data-testid="visit-record-now">
          <mat-icon svgIcon="add" />
          {{ 'visits.recordNow' | t }}
        </button>
      }
    </div>
    @if (loadError(); as error) {
      <p class="error-text" role="alert" data-testid="visits-error">{{ error }}</p>
    } @else if (visits.value(); as page) {
      <dl class="summary" data-testid="visit-summary">
        <div>
          <dt>{{ 'visits.summary.last' | t }}</dt>
          <dd data-testid="visit-summary-last">
            {{ page.summary.lastVisitAt ? (page.summary.lastVisitAt | dateTime) : '—' }}
          </dd>
        </div>
        <div>
          <dt>{{ 'visits.summary.count' | t }}</dt>
          <dd data-testid="visit-summary-count">{{ 'visits.times' | t: { count: page.summary.count } }}</dd>
        </div>
        <div>
          <dt>{{ 'visits.summary.total' | t }}</dt>
          <dd data-testid="visit-summary-total">{{ money(page.summary.totalAmount) }}</dd>
        </div>
        <div>
          <dt>{{ 'visits.summary.average' | t }}</dt>
          <dd data-testid="visit-summary-average">{{ money(page.summary.averageAmount) }}</dd>
        </div>
      </dl>
      @if (page.items.length) {
        <table data-testid="visits">
          <thead>
            <tr>
              <th>{{ 'visits.field.visitedAt' | t }}</th>
              <th>{{ 'visits.field.branch' | t }}</th>
              <th>{{ 'visits.field.staff' | t }}</th>
              <th class="num">{{ 'visits.field.amount' | t }}</th>
              <th>{{ 'visits.field.serviceMemo' | t }}</th>
              <th>{{ 'visits.field.proposalMemo' | t }}</th>
              <th></th>
            </tr>
          </thead>
          <tbody>
            @for (visit of page.items; track visit.id) {
              <tr data-testid="visit-row">
                <td class="nowrap">{{ visit.visitedAt | dateTime }}</td>
                <td>{{ visit.branch }}</td>
                <td class="nowrap">{{ staffOf(visit) }}</td>
                <td class="num nowrap" data-testid="visit-amount-cell">{{ money(visit.amount) }}</td>
                <td class="memo">{{ visit.serviceMemo }}</td>
                <td class="memo">{{ visit.proposalMemo }}</td>
                <td class="nowrap">
                  @if (canWrite()) {
                    <button
                      mat-icon-button
                      type="button"
                      (click)="editVisit(visit)"
                      [attr.aria-label]="'visits.edit' | t"
                      data-testid="visit-edit"
                    >
                      <mat-icon svgIcon="edit" />
                    </button>
                    <button
                      mat-icon-button
                      type="button"
                      (click)="deleteVisit(visit)"
                      [attr.aria-label]="'common.delete' | t"
                      data-testid="visit-delete"
                    >
                      <mat-icon svgIcon="delete" />
                    </button>
                  }
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
        <p class="muted" data-testid="visits-empty">{{ 'visits.empty' | t }}</p>
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
    .summary {
      display: flex;
      flex-wrap: wrap;
      gap: 8px 32px;
      margin: 8px 0;
    }
    .summary dt {
      font: var(--mat-sys-body-small);
      color: var(--mat-sys-on-surface-variant);
    }
    .summary dd {
      margin: 0;
      font: var(--mat-sys-title-medium);
    }
    table {
      width: 100%;
      border-collapse: collapse;
    }
    th {
      text-align: left;
      font: var(--mat-sys-body-small);
      color: var(--mat-sys-on-surface-variant);
      padding: 4px 8px;
    }
    td {
      padding: 6px 8px;
      border-bottom: 1px solid var(--mat-sys-outline-variant);
      vertical-align: top;
    }
    .num {
      text-align: right;
    }
    .memo {
      white-space: pre-wrap;
      overflow-wrap: anywhere;
      max-width: 260px;
    }
  `,
})
export class CustomerVisits {
  private readonly api = inject(CustomerVisitsApi);
  private readonly staffApi = inject(StaffApi);
  private readonly notifier = inject(Notifier);
  private readonly dialog = inject(MatDialog);
  private readonly i18n = inject(I18n);
  private readonly session = inject(Session);
  readonly customerId = input.required<number>();
  /** The customer's own 店舗, the default of a new visit. */
  readonly branch = input<string | null>(null);

  protected readonly pageSize = PAGE_SIZE;
  protected readonly page0 = signal(0);
  protected readonly canWrite = computed(() => this.session.can('customers.write'));
  protected readonly visits = rxResource({
    params: () => ({ customerId: this.customerId(), page: this.page0() + 1 }),
    stream: ({ params }) => this.api.visits(params.customerId, params.page, PAGE_SIZE),
  });
  private readonly staffList = rxResource({ stream: () => this.staffApi.list() });
  private readonly staff = computed(() => (this.staffList.hasValue() ? this.staffList.value() : []));
  private readonly staffNames = computed(() => new Map(this.staff().map((s) => [s.id, s.name])));
  protected readonly loadError = computed(() => {
    const error = this.visits.error();
    return error ? this.i18n.render(this.notifier.message(error)) : null;
  });

  protected money(amount: number): string {
    return this.i18n.t('visits.amount', { amount: yen.format(amount) });
  }

  protected staffOf(visit: Visit): string {
    return staffName(this.staffNames(), visit.staffId);
  }

  protected changePage(event: PageEvent): void {
    this.page0.set(event.pageIndex);
  }

  /** 今すぐ来店を記録: the dialog already holds now and the signed-in user, so one more click saves; a past visit changes the date. */
  protected recordNow(): void {
    this.openDialog(undefined);
  }

  protected editVisit(visit: Visit): void {
    this.openDialog(visit);
  }

  protected deleteVisit(visit: Visit): void {
    confirmAction(this.dialog, {
      title: 'visits.deleteTitle',
      message: 'visits.deleteConfirm',
      params: { at: formatDateTime(visit.visitedAt), amount: this.money(visit.amount) },
      confirm: 'common.delete',
    })
      .pipe(
        filter(Boolean),
        switchMap(() => this.api.deleteVisit(this.customerId(), visit.id)),
      )
      .subscribe({
        next: () => {
          this.notifier.success('visits.deleted');
          this.visits.reload();
        },
        error: (error: unknown) => this.notifier.error(error),
      });
  }

  private openDialog(visit: Visit | undefined): void {
    const data: CustomerVisitDialogData = {
      customerId: this.customerId(),
      visit,
      staff: this.staff(),
      meId: this.session.user()?.id ?? null,
      branch: this.branch() ?? this.session.user()?.branch ?? null,
    };
    this.dialog
      .open<CustomerVisitDialog, CustomerVisitDialogData, Visit>(CustomerVisitDialog, {
        data,
        width: '640px',
      })
      .afterClosed()
      .pipe(filter((saved): saved is Visit => saved !== undefined))
      .subscribe(() => {
        this.notifier.success('visits.saved');
        if (!visit) {
          this.page0.set(0);
        }
        this.visits.reload();
      });
  }
}
