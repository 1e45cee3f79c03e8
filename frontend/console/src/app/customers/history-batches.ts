import { ChangeDetectionStrategy, Component, computed, inject, signal } from '@angular/core';
import { rxResource } from '@angular/core/rxjs-interop';
import { MatButtonModule } from '@angular/material/button';
import { MatDialog } from '@angular/material/dialog';
import { MatIconModule } from '@angular/material/icon';
import { MatPaginatorModule, type PageEvent } from '@angular/material/paginator';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { MatTableModule } from '@angular/material/table';
import { RouterLink } from '@angular/router';

import { readApiError } from '../api/api-error';
import { HistoryBatchesApi, type HistoryBatch } from '../api/history-batches-api';
import { confirmAction } from '../core/confirm-dialog';
import { Notifier } from '../core/notifier';
import { DateTimePipe } from '../i18n/date-time-pipe';
import { I18n } from '../i18n/i18n';
import type { MessageKey } from '../i18n/ja';
import { TranslatePipe } from '../i18n/translate-pipe';
import { HISTORY_STATE_LABELS } from './history-labels';

/** The search's parts as the list's detail search names them. */
const SEARCH_LABELS: Record<string, MessageKey> = {
  q: 'customers.search',
  code: 'customer.code',
  name: 'customers.filter.name',
  kana: 'customers.filter.kana',
  email: 'customer.email',
  tel: 'customers.filter.tel',
  postalCode: 'customer.postalCode',
  address: 'customer.address',
  branch: 'customer.branch',
  registrationState: 'customer.registrationState',
  listFlag: 'customer.listFlag',
  assigneeId: 'history.field.staff',
};

/** 一括登録の履歴: who registered what, when, for how many and from which search; deletable as a whole. */
@Component({
  selector: 'mg-history-batches',
  imports: [
    RouterLink,
    MatButtonModule,
    MatIconModule,
    MatPaginatorModule,
    MatProgressBarModule,
    MatTableModule,
    DateTimePipe,
    TranslatePipe,
  ],
  template: `
    <section class="page">
      <header class="page-header">
        <a
          mat-icon-button
          routerLink=".."
          [attr.aria-label]="'customers.title' | t"
          data-testid="history-batches-back"
        >
          <mat-icon svgIcon="back" />
        </a>
        <h1>{{ 'historyBatch.listTitle' | t }}</h1>
      </header>
      <div class="progress">
        @if (result.isLoading() || deleting()) {
          <mat-progress-bar mode="indeterminate" />
        }
      </div>
      @if (loadError(); as error) {
        <p class="error-text" role="alert">{{ error }}</p>
      }
      <div class="table-wrap">
        <table mat-table [dataSource]="batches()" class="batches">
          <ng-container matColumnDef="createdAt">
            <th mat-header-cell *matHeaderCellDef>{{ 'historyBatch.registeredAt' | t }}</th>
            <td mat-cell *matCellDef="let row" class="nowrap">{{ row.createdAt | dateTime }}</td>
          </ng-container>
          <ng-container matColumnDef="createdBy">
            <th mat-header-cell *matHeaderCellDef>{{ 'historyBatch.registeredBy' | t }}</th>
            <td mat-cell *matCellDef="let row" class="nowrap">{{ row.createdByName ?? '—' }}</td>
          </ng-container>
          <ng-container matColumnDef="title">
            <th mat-header-cell *matHeaderCellDef>{{ 'history.field.title' | t }}</th>
            <td mat-cell *matCellDef="let row">{{ row.title }}</td>
          </ng-container>
          <ng-container matColumnDef="state">
            <th mat-header-cell *matHeaderCellDef>{{ 'history.field.state' | t }}</th>
            <td mat-cell *matCellDef="let row" class="nowrap">{{ stateLabel(row) | t }}</td>
          </ng-container>
          <ng-container matColumnDef="staff">
            <th mat-header-cell *matHeaderCellDef>{{ 'history.field.staff' | t }}</th>
            <td mat-cell *matCellDef="let row" class="nowrap">
              {{ row.staffMode === 'fixed' ? (row.staffName ?? '—') : ('historyBatch.staffAssignee' | t) }}
            </td>
          </ng-container>
          <ng-container matColumnDef="count">
            <th mat-header-cell *matHeaderCellDef class="number">{{ 'historyBatch.count' | t }}</th>
            <td mat-cell *matCellDef="let row" class="number" data-testid="history-batch-count">
              {{ row.count }}
            </td>
          </ng-container>
          <ng-container matColumnDef="source">
            <th mat-header-cell *matHeaderCellDef>{{ 'historyBatch.source' | t }}</th>
            <td mat-cell *matCellDef="let row">{{ sourceText(row) }}</td>
          </ng-container>
          <ng-container matColumnDef="actions">
            <th mat-header-cell *matHeaderCellDef></th>
            <td mat-cell *matCellDef="let row">
              <button
                mat-icon-button
                type="button"
                (click)="deleteBatch(row)"
                [disabled]="deleting()"
                [attr.aria-label]="'historyBatch.delete' | t"
                data-testid="history-batch-delete"
              >
                <mat-icon svgIcon="delete" />
              </button>
            </td>
          </ng-container>
          <tr mat-header-row *matHeaderRowDef="columns"></tr>
          <tr
            mat-row
            *matRowDef="let row; columns: columns"
            data-testid="history-batch-row"
            [attr.data-batch-id]="row.id"
          ></tr>
          <tr class="mat-mdc-row" *matNoDataRow>
            <td class="no-data" [attr.colspan]="columns.length">
              @if (!result.isLoading() && !loadError()) {
                {{ 'historyBatch.empty' | t }}
              }
            </td>
          </tr>
        </table>
      </div>
      <mat-paginator
        [length]="total()"
        [pageIndex]="page() - 1"
        [pageSize]="pageSize()"
        [pageSizeOptions]="[20, 50, 100]"
        (page)="changePage($event)"
        showFirstLastButtons
      />
    </section>
  `,
  styles: `
    .progress {
      height: 4px;
    }
    .batches {
      width: 100%;
    }
    .number {
      text-align: end;
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class HistoryBatches {
  private readonly api = inject(HistoryBatchesApi);
  private readonly notifier = inject(Notifier);
  private readonly dialog = inject(MatDialog);
  private readonly i18n = inject(I18n);

  protected readonly columns = [
    'createdAt',
    'createdBy',
    'title',
    'state',
    'staff',
    'count',
    'source',
    'actions',
  ];
  protected readonly page = signal(1);
  protected readonly pageSize = signal(50);
  protected readonly deleting = signal(false);

  protected readonly result = rxResource({
    params: () => ({ page: this.page(), pageSize: this.pageSize() }),
    stream: ({ params }) => this.api.list(params.page, params.pageSize),
  });
  protected readonly loadError = computed(() => {
    const error = this.result.error();
    return error ? this.notifier.describe(readApiError(error)) : null;
  });
  protected readonly batches = computed(() => (this.result.hasValue() ? this.result.value().items : []));
  protected readonly total = computed(() => (this.result.hasValue() ? this.result.value().total : 0));

  protected stateLabel(batch: HistoryBatch): MessageKey {
    return HISTORY_STATE_LABELS[batch.state];
  }

  protected changePage(event: PageEvent): void {
    this.page.set(event.pageIndex + 1);
    this.pageSize.set(event.pageSize);
  }

  /** The ticked customers' number, or the search's conditions as 「支店: 東京」. */
  protected sourceText(batch: HistoryBatch): string {
    if (batch.source.type === 'ids') {
      return this.i18n.t('historyBatch.sourceIds', { count: batch.source.customerCount });
    }
    const parts = Object.entries(batch.source.search)
      .filter(([, v]) => v !== undefined && v !== null && String(v) !== '')
      .map(([k, v]) => `${SEARCH_LABELS[k] ? this.i18n.t(SEARCH_LABELS[k]) : k}: ${String(v)}`);
    return parts.length
      ? this.i18n.t('historyBatch.sourceSearch', { conditions: parts.join(' / ') })
      : this.i18n.t('historyBatch.sourceEveryone');
  }

  protected deleteBatch(batch: HistoryBatch): void {
    confirmAction(this.dialog, {
      title: 'historyBatch.deleteTitle',
      message: 'historyBatch.deleteConfirm',
      params: { title: batch.title, count: batch.count },
      confirm: 'common.delete',
    }).subscribe((confirmed) => {
      if (!confirmed) {
        return;
      }
      this.deleting.set(true);
      this.api.delete(batch.id).subscribe({
        next: () => {
          this.deleting.set(false);
          this.notifier.success('historyBatch.deleted', { count: batch.count });
          this.result.reload();
        },
        error: (e: unknown) => {
          this.deleting.set(false);
          this.notifier.error(e);
        },
      });
    });
  }
}
