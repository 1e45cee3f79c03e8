import {
  ChangeDetectionStrategy,
  Component,
  ElementRef,
  computed,
  inject,
  linkedSignal,
  signal,
} from '@angular/core';
import { rxResource } from '@angular/core/rxjs-interop';
import { NonNullableFormBuilder, ReactiveFormsModule } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { MatPaginatorModule, type PageEvent } from '@angular/material/paginator';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { MatSelectModule } from '@angular/material/select';
import { MatTableModule } from '@angular/material/table';
import { Router } from '@angular/router';

import {
  HISTORY_STATES,
  HistoryApi,
  type HistoryKind,
  type HistoryState,
  type Page,
  type WorkItem,
  type WorkSearch,
  type WorkState,
  UNASSIGNED,
} from '../api/history-api';
import { StaffApi } from '../api/staff-api';
import { Notifier } from '../core/notifier';
import { Session } from '../core/session';
import { HISTORY_KIND_LABELS, HISTORY_STATE_LABELS, staffPair } from '../customers/history-labels';
import { DateTimePipe } from '../i18n/date-time-pipe';
import { I18n } from '../i18n/i18n';
import type { MessageKey } from '../i18n/ja';
import { TranslatePipe } from '../i18n/translate-pipe';

const PAGE_SIZES = [50, 100, 200] as const;

const WORK_STATES: readonly { value: WorkState; label: MessageKey }[] = [
  { value: 'open', label: 'work.state.open' },
  ...HISTORY_STATES.map((state) => ({ value: state, label: HISTORY_STATE_LABELS[state] })),
  { value: 'all', label: 'common.all' },
];

/** 作業管理: open work of one staff member (default: me) across every customer, by 次回予定. */
@Component({
  selector: 'mg-work-list',
  imports: [
    ReactiveFormsModule,
    MatButtonModule,
    MatFormFieldModule,
    MatInputModule,
    MatPaginatorModule,
    MatProgressBarModule,
    MatSelectModule,
    MatTableModule,
    DateTimePipe,
    TranslatePipe,
  ],
  templateUrl: './work-list.html',
  styleUrl: './work-list.scss',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class WorkList {
  private readonly api = inject(HistoryApi);
  private readonly staffApi = inject(StaffApi);
  private readonly router = inject(Router);
  private readonly notifier = inject(Notifier);
  private readonly host = inject<ElementRef<HTMLElement>>(ElementRef);
  protected readonly i18n = inject(I18n);
  private readonly me = inject(Session).user()?.id ?? null;
  protected readonly unassigned = UNASSIGNED;

  protected readonly columns = ['customer', 'title', 'state', 'kind', 'staff', 'next'];
  protected readonly pageSizes = [...PAGE_SIZES];
  protected readonly workStates = WORK_STATES;
  protected readonly stateLabels = HISTORY_STATE_LABELS;
  protected readonly kindLabels = HISTORY_KIND_LABELS;

  private readonly staffList = rxResource({ stream: () => this.staffApi.list() });
  protected readonly staff = computed(() => (this.staffList.hasValue() ? this.staffList.value() : []));
  private readonly staffNames = computed(() => new Map(this.staff().map((s) => [s.id, s.name])));

  protected readonly filterForm = inject(NonNullableFormBuilder).group({
    staffId: [this.me],
    state: ['open' as WorkState],
    nextFrom: [''],
    nextTo: [''],
  });
  protected readonly search = signal<WorkSearch>({
    staffId: this.me,
    state: 'open',
    nextFrom: '',
    nextTo: '',
    page: 1,
    pageSize: PAGE_SIZES[0],
  });

  protected readonly result = rxResource({
    params: () => this.search(),
    stream: ({ params }) => this.api.work(params),
  });
  private readonly page = linkedSignal<Page<WorkItem> | undefined, Page<WorkItem> | undefined>({
    source: () => (this.result.hasValue() ? this.result.value() : undefined),
    computation: (page, previous) => page ?? previous?.value,
  });
  protected readonly loadError = computed(() => {
    const error = this.result.error();
    return error ? this.i18n.render(this.notifier.message(error)) : null;
  });
  protected readonly items = computed(() => (this.loadError() ? [] : (this.page()?.items ?? [])));
  protected readonly total = computed(() => (this.loadError() ? 0 : (this.page()?.total ?? 0)));

  /** mat-table hands rows over untyped: the labels are looked up through typed helpers. */
  protected stateLabel(state: HistoryState): MessageKey {
    return HISTORY_STATE_LABELS[state];
  }

  protected kindLabel(kind: HistoryKind): MessageKey {
    return HISTORY_KIND_LABELS[kind];
  }

  protected staffOf(item: WorkItem): string {
    return staffPair(this.staffNames(), item.staffId, item.requestedToId);
  }

  protected applySearch(): void {
    const v = this.filterForm.getRawValue();
    this.search.set({ ...v, page: 1, pageSize: this.search().pageSize });
  }

  protected changePage(event: PageEvent): void {
    this.search.update((s) => ({ ...s, page: event.pageIndex + 1, pageSize: event.pageSize }));
    this.host.nativeElement.scrollIntoView({ block: 'start' });
  }

  /** The customer's karte at this entry; an unknown caller's entry has no karte yet. */
  protected openItem(item: WorkItem): void {
    if (item.customer) {
      void this.router.navigate(['/customers', item.customer.id], { queryParams: { entry: item.id } });
    }
  }
}
