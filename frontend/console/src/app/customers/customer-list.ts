import { SmsBulkDialog, type SmsBulkDialogData } from '../sms/sms-bulk-dialog';
import {
  ChangeDetectionStrategy,
  Component,
  ElementRef,
  computed,
  effect,
  inject,
  linkedSignal,
  signal,
  untracked,
} from '@angular/core';
import { rxResource, takeUntilDestroyed, toSignal } from '@angular/core/rxjs-interop';
import { FormControl, NonNullableFormBuilder, ReactiveFormsModule } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatCheckboxModule } from '@angular/material/checkbox';
import { MatDialog } from '@angular/material/dialog';
import { MatExpansionModule } from '@angular/material/expansion';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatIconModule } from '@angular/material/icon';
import { MatMenuModule } from '@angular/material/menu';
import { MatTooltipModule } from '@angular/material/tooltip';
import { MatInputModule } from '@angular/material/input';
import { MatPaginatorModule, type PageEvent } from '@angular/material/paginator';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { MatSelectModule } from '@angular/material/select';
import { MatTableModule } from '@angular/material/table';
import { ActivatedRoute, Router, RouterLink } from '@angular/router';
import { debounceTime, distinctUntilChanged, map } from 'rxjs';

import { readApiError } from '../api/api-error';
import {
  CUSTOMER_CSV_COLUMNS,
  CUSTOMER_FILTERS,
  CustomersApi,
  type CustomerCsvColumn,
  type Customer,
  type CustomerFilter,
  type CustomerPage,
  type CustomerSearch,
} from '../api/customers-api';
import { StaffApi } from '../api/staff-api';
import { Notifier } from '../core/notifier';
import { Session } from '../core/session';
import { DateTimePipe } from '../i18n/date-time-pipe';
import { I18n } from '../i18n/i18n';
import type { MessageKey } from '../i18n/ja';
import { TranslatePipe } from '../i18n/translate-pipe';
import {
  HistoryBatchDialog,
  type HistoryBatchDialogData,
  type HistoryBatchDialogResult,
} from './history-batch-dialog';
import {
  LIST_FLAGS,
  LIST_FLAG_LABELS,
  REGISTRATION_STATES,
  REGISTRATION_STATE_LABELS,
  fullName,
} from './customer-labels';
import {
  CustomerListMemory,
  PAGE_SIZES,
  customerListQueryParams,
  parseCustomerListQuery,
} from './customer-list-query';

type TextFilter =
  'code' | 'name' | 'kana' | 'email' | 'tel' | 'postalCode' | 'address' | 'branch' | 'company';

const TEXT_FILTERS: readonly { key: TextFilter; label: MessageKey }[] = [
  { key: 'code', label: 'customer.code' },
  { key: 'name', label: 'customers.filter.name' },
  { key: 'kana', label: 'customers.filter.kana' },
  { key: 'email', label: 'customer.email' },
  { key: 'tel', label: 'customers.filter.tel' },
  { key: 'postalCode', label: 'customer.postalCode' },
  { key: 'address', label: 'customer.address' },
  { key: 'branch', label: 'customer.branch' },
  { key: 'company', label: 'customers.filter.company' },
];

/** Date ranges of the detail search: 登録日 and 更新日, each from–to. */
const DATE_FILTERS: readonly { key: CustomerFilter; label: MessageKey }[] = [
  { key: 'registeredFrom', label: 'customers.filter.registeredFrom' },
  { key: 'registeredTo', label: 'customers.filter.registeredTo' },
  { key: 'updatedFrom', label: 'customers.filter.updatedFrom' },
  { key: 'updatedTo', label: 'customers.filter.updatedTo' },
];

const CSV_COLUMN_STORAGE = 'madoguchi.customers.csvColumns';

/** The CSV columns chosen last time on this browser (all when none were chosen or the list is unreadable). */
function storedCsvColumns(): CustomerCsvColumn[] {
  try {
    const raw: unknown = JSON.parse(localStorage.getItem(CSV_COLUMN_STORAGE) ?? 'null');
    const known = Array.isArray(raw) ? CUSTOMER_CSV_COLUMNS.filter((c) => raw.includes(c)) : [];
    return known.length ? known : [...CUSTOMER_CSV_COLUMNS];
  } catch {
    return [...CUSTOMER_CSV_COLUMNS];
  }
}

const COLUMNS = [
  'code',
  'name',
  'kana',
  'companyName',
  'email',
  'tel',
  'mobile',
  'branch',
  'registrationState',
  'updatedAt',
];

@Component({
  selector: 'mg-customer-list',
  imports: [
    ReactiveFormsModule,
    RouterLink,
    MatButtonModule,
    MatCheckboxModule,
    MatExpansionModule,
    MatFormFieldModule,
    MatIconModule,
    MatInputModule,
    MatMenuModule,
    MatTooltipModule,
    MatPaginatorModule,
    MatProgressBarModule,
    MatSelectModule,
    MatTableModule,
    DateTimePipe,
    TranslatePipe,
  ],
  templateUrl: './customer-list.html',
  styleUrl: './customer-list.scss',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class CustomerList {
  private readonly api = inject(CustomersApi);
  private readonly router = inject(Router);
  private readonly route = inject(ActivatedRoute);
  private readonly notifier = inject(Notifier);
  private readonly memory = inject(CustomerListMemory);
  private readonly session = inject(Session);
  private readonly host = inject<ElementRef<HTMLElement>>(ElementRef);
  private readonly dialog = inject(MatDialog);
  private readonly i18n = inject(I18n);

  protected readonly canBulk = computed(() => this.session.can('history.bulk'));
  protected readonly canSendSms = computed(() => this.session.can('sms.send'));
  protected readonly columns = computed(() => [
    ...(this.canBulk() || this.canSendSms() ? ['select'] : []),
    ...COLUMNS,
  ]);
  /** Customers ticked for 一括登録; kept across pages, cleared when the search changes. */
  protected readonly ticked = signal<ReadonlySet<number>>(new Set());
  protected readonly allTicked = computed(
    () => this.customers().length > 0 && this.customers().every((c) => this.ticked().has(c.id)),
  );
  protected readonly someTicked = computed(
    () => !this.allTicked() && this.customers().some((c) => this.ticked().has(c.id)),
  );
  protected readonly pageSizes = [...PAGE_SIZES];
  protected readonly textFilters = TEXT_FILTERS;
  protected readonly dateFilters = DATE_FILTERS;
  protected readonly months = Array.from({ length: 12 }, (_, i) => String(i + 1));
  private readonly staffApi = inject(StaffApi);
  private readonly staffList = rxResource({ stream: () => this.staffApi.list() });
  protected readonly staff = computed(() => (this.staffList.hasValue() ? this.staffList.value() : []));
  /** CSV出力's columns, chosen in its menu and remembered on this browser. */
  protected readonly csvColumnChoices = CUSTOMER_CSV_COLUMNS;
  protected readonly csvColumns = signal<readonly CustomerCsvColumn[]>(storedCsvColumns());
  protected readonly registrationStates = REGISTRATION_STATES;
  protected readonly registrationStateLabels = REGISTRATION_STATE_LABELS;
  protected readonly listFlags = LIST_FLAGS;
  protected readonly listFlagLabels = LIST_FLAG_LABELS;
  protected readonly fullName = fullName;
  protected readonly canWrite = computed(() => this.session.can('customers.write'));

  protected readonly searchControl = new FormControl('', { nonNullable: true });
  protected readonly filterForm = inject(NonNullableFormBuilder).group(filterFormValue({}));

  private readonly queryParamMap = toSignal(this.route.queryParamMap, { requireSync: true });
  protected readonly query = computed(() => parseCustomerListQuery(this.queryParamMap()));
  protected readonly activeFilterCount = computed(() => Object.keys(this.query().filters).length);
  protected readonly exportUrl = computed(() => {
    const chosen = this.csvColumns();
    return this.api.exportUrl(this.query(), chosen.length === CUSTOMER_CSV_COLUMNS.length ? [] : chosen);
  });

  protected readonly result = rxResource({
    params: () => this.query(),
    stream: ({ params }) => this.api.search(params),
  });
  /** The last page received, kept on screen while the next one loads. */
  private readonly page = linkedSignal<CustomerPage | undefined, CustomerPage | undefined>({
    source: () => (this.result.hasValue() ? this.result.value() : undefined),
    computation: (page, previous) => page ?? previous?.value,
  });
  protected readonly loadError = computed(() => {
    const error = this.result.error();
    return error ? this.notifier.describe(readApiError(error)) : null;
  });
  protected readonly customers = computed(() => (this.loadError() ? [] : (this.page()?.items ?? [])));
  protected readonly total = computed(() => (this.loadError() ? 0 : (this.page()?.total ?? 0)));

  constructor() {
    // Back/forward and reload change the URL: show its search in the inputs. Filters being edited
    // but not applied yet are only replaced when the URL's filters themselves change.
    let shownFilters: CustomerSearch['filters'] | null = null;
    effect(() => {
      const query = this.query();
      this.memory.queryParams.set(customerListQueryParams(query));
      untracked(() => {
        if (this.searchControl.value.trim() !== query.q) {
          this.searchControl.setValue(query.q, { emitEvent: false });
        }
        if (!shownFilters || !sameFilters(shownFilters, query.filters)) {
          shownFilters = query.filters;
          this.filterForm.reset(filterFormValue(query.filters), { emitEvent: false });
        }
      });
    });

    this.searchControl.valueChanges
      .pipe(
        map((value) => value.trim()),
        debounceTime(400),
        distinctUntilChanged(),
        takeUntilDestroyed(),
      )
      .subscribe((q) => this.search({ q }, true));
  }

  protected searchNow(): void {
    this.search({ q: this.searchControl.value.trim() }, false);
  }

  protected applyFilters(): void {
    const values = this.filterForm.getRawValue();
    const filters: CustomerSearch['filters'] = {};
    for (const key of CUSTOMER_FILTERS) {
      const value = values[key].trim();
      if (value) {
        filters[key] = value;
      }
    }
    this.search({ filters }, false);
  }

  protected clearFilters(): void {
    this.filterForm.reset();
    this.search({ filters: {} }, false);
  }

  /** 全ての会員を表示: no free text, no filter, first page. */
  protected showAll(): void {
    this.filterForm.reset();
    this.searchControl.setValue('', { emitEvent: false });
    this.search({ q: '', filters: {} }, false);
  }

  protected toggleCsvColumn(column: CustomerCsvColumn, checked: boolean): void {
    const chosen = new Set(this.csvColumns());
    if (checked) {
      chosen.add(column);
    } else if (chosen.size > 1) {
      chosen.delete(column);
    }
    const next = CUSTOMER_CSV_COLUMNS.filter((c) => chosen.has(c));
    this.csvColumns.set(next);
    localStorage.setItem(CSV_COLUMN_STORAGE, JSON.stringify(next));
  }

  protected allCsvColumns(): void {
    this.csvColumns.set([...CUSTOMER_CSV_COLUMNS]);
    localStorage.removeItem(CSV_COLUMN_STORAGE);
  }

  protected csvColumnLabel(column: CustomerCsvColumn): MessageKey {
    return `customers.csvColumn.${column}` as MessageKey;
  }

  /** The row's tooltip: why a row is grey or red. */
  protected rowHint(customer: Customer): string {
    return customer.listFlag === 'grey'
      ? this.i18n.t('customers.legend.grey')
      : customer.listFlag === 'black'
        ? this.i18n.t('customers.legend.black')
        : '';
  }

  protected changePage(event: PageEvent): void {
    this.navigate({ ...this.query(), page: event.pageIndex + 1, pageSize: event.pageSize }, false);
    // The paginator sits below the table: bring the new page's first rows into view.
    this.host.nativeElement.scrollIntoView({ block: 'start' });
  }

  protected toggleTicked(customer: Customer, checked: boolean): void {
    const next = new Set(this.ticked());
    if (checked) {
      next.add(customer.id);
    } else {
      next.delete(customer.id);
    }
    this.ticked.set(next);
  }

  protected toggleAllTicked(checked: boolean): void {
    const next = new Set(this.ticked());
    for (const c of this.customers()) {
      if (checked) {
        next.add(c.id);
      } else {
        next.delete(c.id);
      }
    }
    this.ticked.set(next);
  }

  /** SMS一斉送信 to the ticked customers or every customer matching the search. */
  protected sendBulkSms(): void {
    const query = this.query();
    const data: SmsBulkDialogData = {
      customerIds: [...this.ticked()],
      search: { ...(query.q ? { q: query.q } : {}), ...query.filters },
      matching: this.total(),
    };
    this.dialog.open<SmsBulkDialog, SmsBulkDialogData>(SmsBulkDialog, {
      data,
      width: '600px',
      maxWidth: '96vw',
    });
  }

  /** 一括登録 for the ticked customers or every customer matching the search. */
  protected registerBatch(): void {
    const query = this.query();
    const data: HistoryBatchDialogData = {
      ticked: [...this.ticked()],
      search: { ...(query.q ? { q: query.q } : {}), ...query.filters },
      matching: this.total(),
    };
    this.dialog
      .open<HistoryBatchDialog, HistoryBatchDialogData, HistoryBatchDialogResult>(HistoryBatchDialog, {
        data,
        width: '600px',
      })
      .afterClosed()
      .subscribe((result) => {
        if (result) {
          this.ticked.set(new Set());
          this.notifier.success('historyBatch.done', { count: result.count });
        }
      });
  }

  protected stateLabel(customer: Customer): MessageKey {
    return REGISTRATION_STATE_LABELS[customer.registrationState];
  }

  protected openCustomer(customer: Customer): void {
    void this.router.navigate([customer.id], { relativeTo: this.route });
  }

  /** A new search starts at page 1; typing replaces the history entry instead of piling them up. */
  private search(change: Partial<Pick<CustomerSearch, 'q' | 'filters'>>, replaceUrl: boolean): void {
    const next = { ...this.query(), ...change, page: 1 };
    const current = this.query();
    if (next.q === current.q && sameFilters(next.filters, current.filters) && current.page === 1) {
      return;
    }
    // Ticks belong to one search's result.
    this.ticked.set(new Set());
    this.navigate(next, replaceUrl);
  }

  private navigate(search: CustomerSearch, replaceUrl: boolean): void {
    void this.router.navigate([], {
      relativeTo: this.route,
      queryParams: customerListQueryParams(search),
      replaceUrl,
    });
  }
}

/** Every filter as a form value, empty where the search has none. */
function filterFormValue(filters: CustomerSearch['filters']): Record<CustomerFilter, string> {
  return Object.fromEntries(CUSTOMER_FILTERS.map((key) => [key, filters[key] ?? ''])) as Record<
    CustomerFilter,
    string
  >;
}

function sameFilters(a: CustomerSearch['filters'], b: CustomerSearch['filters']): boolean {
  return CUSTOMER_FILTERS.every((key) => (a[key] ?? '') === (b[key] ?? ''));
}
