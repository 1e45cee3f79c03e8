import { ChangeDetectionStrategy, Component, computed, inject, signal } from '@angular/core';
import { rxResource } from '@angular/core/rxjs-interop';
import { NonNullableFormBuilder, ReactiveFormsModule } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatDialog, MatDialogModule, MatDialogRef } from '@angular/material/dialog';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { MatPaginatorModule, type PageEvent } from '@angular/material/paginator';
import { MatProgressBarModule } from '@angular/material/progress-bar';

import { readApiError } from '../api/api-error';
import { CUSTOMER_FILTERS, CustomersApi, type Customer, type CustomerSearch } from '../api/customers-api';
import { Notifier } from '../core/notifier';
import { TranslatePipe } from '../i18n/translate-pipe';
import { fullName } from './customer-labels';
import { customerPickFilters } from './customer-pick-filters';

/** The customer chosen: enough to show `code : name` and to link to the karte. */
export interface PickedCustomer {
  id: number;
  code: string;
  name: string;
}

export function openCustomerSearchDialog(dialog: MatDialog): MatDialogRef<CustomerSearchDialog, PickedCustomer> {
  return dialog.open<CustomerSearchDialog, void, PickedCustomer>(CustomerSearchDialog, {
    width: '760px',
    maxWidth: '96vw',
    autoFocus: '[data-testid="customer-pick-tel"]',
  });
}

const PAGE_SIZE = 20;

/**
 * お客様検索: TEL, MOBILE, 姓, 名, 郵便番号, 支店名 — any part of a field, one character included,
 * paged (the original showed only the top 100 and refused one-character searches). Picking a row
 * closes the dialog with that customer.
 */
@Component({
  selector: 'mg-customer-search-dialog',
  imports: [
    ReactiveFormsModule,
    MatButtonModule,
    MatDialogModule,
    MatFormFieldModule,
    MatInputModule,
    MatPaginatorModule,
    MatProgressBarModule,
    TranslatePipe,
  ],
  template: `
    <h2 mat-dialog-title>{{ 'customerPick.title' | t }}</h2>
    <mat-dialog-content class="dialog-form">
      <form [formGroup]="form" (ngSubmit)="search()" class="fields" data-testid="customer-pick-form">
        <mat-form-field subscriptSizing="dynamic">
          <mat-label>TEL</mat-label>
          <input matInput formControlName="tel" type="tel" autocomplete="off" data-testid="customer-pick-tel" />
        </mat-form-field>
        <mat-form-field subscriptSizing="dynamic">
          <mat-label>MOBILE</mat-label>
          <input matInput formControlName="mobile" type="tel" autocomplete="off" data-testid="customer-pick-mobile" />
        </mat-form-field>
        <mat-form-field subscriptSizing="dynamic">
          <mat-label>{{ 'customer.lastName' | t }}</mat-label>
          <input matInput formControlName="lastName" autocomplete="off" data-testid="customer-pick-lastName" />
        </mat-form-field>
        <mat-form-field subscriptSizing="dynamic">
          <mat-label>{{ 'customer.firstName' | t }}</mat-label>
          <input matInput formControlName="firstName" autocomplete="off" data-testid="customer-pick-firstName" />
        </mat-form-field>
        <mat-form-field subscriptSizing="dynamic">
          <mat-label>{{ 'customer.postalCode' | t }}</mat-label>
          <input matInput formControlName="postalCode" autocomplete="off" data-testid="customer-pick-postalCode" />
        </mat-form-field>
        <mat-form-field subscriptSizing="dynamic">
          <mat-label>{{ 'customer.branch' | t }}</mat-label>
          <input matInput formControlName="branch" autocomplete="off" data-testid="customer-pick-branch" />
        </mat-form-field>
        <div class="search-actions">
          <span class="muted small">{{ 'customerPick.hint' | t }}</span>
          <button mat-flat-button type="submit" data-testid="customer-pick-search">{{ 'common.search' | t }}</button>
        </div>
      </form>
      <div class="progress">
        @if (result.isLoading()) {
          <mat-progress-bar mode="indeterminate" />
        }
      </div>
      @if (loadError(); as error) {
        <p class="error-text" role="alert" data-testid="customer-pick-error">{{ error }}</p>
      }
      @if (query(); as q) {
        <table class="results" data-testid="customer-pick-results">
          <thead>
            <tr>
              <th>{{ 'customer.code' | t }}</th>
              <th>{{ 'customers.column.name' | t }}</th>
              <th>TEL / MOBILE</th>
              <th>{{ 'customer.postalCode' | t }}</th>
              <th>{{ 'customer.branch' | t }}</th>
            </tr>
          </thead>
          <tbody>
            @for (c of customers(); track c.id) {
              <tr
                class="clickable-row"
                tabindex="0"
                (click)="pick(c)"
                (keydown.enter)="pick(c)"
                data-testid="customer-pick-row"
                [attr.data-customer-id]="c.id"
              >
                <td class="nowrap">{{ c.code }}</td>
                <td>{{ name(c) }}</td>
                <td class="nowrap">{{ c.tel }}@if (c.tel && c.mobile) { / }{{ c.mobile }}</td>
                <td class="nowrap">{{ c.postalCode }}</td>
                <td>{{ c.branch }}</td>
              </tr>
            } @empty {
              @if (!result.isLoading() && !loadError()) {
                <tr>
                  <td colspan="5" class="muted" data-testid="customer-pick-empty">{{ 'customers.empty' | t }}</td>
                </tr>
              }
            }
          </tbody>
        </table>
        <mat-paginator
          [length]="total()"
          [pageIndex]="q.page - 1"
          [pageSize]="pageSize"
          [hidePageSize]="true"
          (page)="changePage($event)"
          data-testid="customer-pick-paginator"
        />
      }
    </mat-dialog-content>
    <mat-dialog-actions align="end">
      <button mat-button type="button" mat-dialog-close data-testid="customer-pick-close">{{ 'common.close' | t }}</button>
    </mat-dialog-actions>
  `,
  styles: `
    .fields {
      display: grid;
      grid-template-columns: repeat(auto-fill, minmax(200px, 1fr));
      gap: 8px 12px;
    }
    .search-actions {
      grid-column: 1 / -1;
      display: flex;
      align-items: center;
      justify-content: flex-end;
      gap: 12px;
    }
    .progress {
      height: 4px;
      margin-top: 8px;
    }
    .results {
      width: 100%;
      border-collapse: collapse;
    }
    .results th {
      text-align: start;
      font: var(--mat-sys-label-medium);
      color: var(--mat-sys-on-surface-variant);
    }
    .results th,
    .results td {
      padding: 6px 8px;
      border-bottom: 1px solid var(--mat-sys-outline-variant);
    }
    .nowrap {
      white-space: nowrap;
    }
    .small {
      font: var(--mat-sys-body-small);
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class CustomerSearchDialog {
  private readonly api = inject(CustomersApi);
  private readonly notifier = inject(Notifier);
  private readonly dialogRef = inject<MatDialogRef<CustomerSearchDialog, PickedCustomer>>(MatDialogRef);

  protected readonly pageSize = PAGE_SIZE;
  protected readonly form = inject(NonNullableFormBuilder).group({
    tel: [''],
    mobile: [''],
    lastName: [''],
    firstName: [''],
    postalCode: [''],
    branch: [''],
  });

  /** Null until 検索 is pressed; an empty search lists every customer, page by page. */
  protected readonly query = signal<CustomerSearch | null>(null);
  protected readonly result = rxResource({
    params: () => this.query() ?? undefined,
    stream: ({ params }) => this.api.search(params),
  });
  protected readonly loadError = computed(() => {
    const error = this.result.error();
    return error ? this.notifier.describe(readApiError(error)) : null;
  });
  protected readonly customers = computed(() => (this.result.hasValue() && !this.loadError() ? this.result.value().items : []));
  protected readonly total = computed(() => (this.result.hasValue() && !this.loadError() ? this.result.value().total : 0));

  protected search(): void {
    this.query.set({ q: '', filters: customerPickFilters(this.form.getRawValue(), CUSTOMER_FILTERS), page: 1, pageSize: PAGE_SIZE });
  }

  protected changePage(event: PageEvent): void {
    const q = this.query();
    if (q) this.query.set({ ...q, page: event.pageIndex + 1 });
  }

  protected name(c: Customer): string {
    return fullName(c.lastName, c.firstName);
  }

  protected pick(c: Customer): void {
    this.dialogRef.close({ id: c.id, code: c.code, name: this.name(c) });
  }
}
