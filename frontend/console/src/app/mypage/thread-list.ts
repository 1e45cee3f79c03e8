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
import { ListFlagBadge } from '../customers/list-flag-badge';
import { rxResource, takeUntilDestroyed, toSignal } from '@angular/core/rxjs-interop';
import { NonNullableFormBuilder, ReactiveFormsModule } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatCheckboxModule } from '@angular/material/checkbox';
import { MatDialog } from '@angular/material/dialog';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatIconModule } from '@angular/material/icon';
import { MatInputModule } from '@angular/material/input';
import { MatPaginatorModule, type PageEvent } from '@angular/material/paginator';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { MatSelectModule } from '@angular/material/select';
import { MatTableModule } from '@angular/material/table';
import { ActivatedRoute, Router, RouterLink } from '@angular/router';
import { catchError, debounceTime, filter, map, of, switchMap, tap } from 'rxjs';

import { readApiError } from '../api/api-error';
import { CustomersApi } from '../api/customers-api';
import { EventsApi } from '../api/events-api';
import { MypageApi, type ThreadPage, type ThreadSearch, type ThreadSummary } from '../api/mypage-api';
import { confirmAction } from '../core/confirm-dialog';
import { Notifier } from '../core/notifier';
import { Session } from '../core/session';
import { fullName } from '../customers/customer-labels';
import { openCustomerSearchDialog, type PickedCustomer } from '../customers/customer-search-dialog';
import { DateTimePipe } from '../i18n/date-time-pipe';
import { TranslatePipe } from '../i18n/translate-pipe';
import { openNewThreadDialog } from './new-thread-dialog';
import {
  PAGE_SIZES,
  ThreadListMemory,
  emptyThreadSearch,
  pageRange,
  parseThreadListQuery,
  threadListQueryParams,
} from './thread-list-query';

const COLUMNS = ['code', 'title', 'customer', 'lastPostAt'];
/** A customer post (or a NEW cleared by a colleague) shows within a second. */
const LIVE_UPDATE_DEBOUNCE_MS = 300;

/**
 * メッセージ管理: every customer's MYPAGE threads, searched by code, title, customer (お客様検索),
 * 支店名, 担当顧客のみ表示, last-post dates and label; paged, with bulk delete (asking first) and
 * the CSV of the listed threads' metadata. The search lives in the URL.
 */
@Component({
  selector: 'mg-thread-list',
  imports: [
    ListFlagBadge,
    ReactiveFormsModule,
    RouterLink,
    MatButtonModule,
    MatCheckboxModule,
    MatFormFieldModule,
    MatIconModule,
    MatInputModule,
    MatPaginatorModule,
    MatProgressBarModule,
    MatSelectModule,
    MatTableModule,
    DateTimePipe,
    TranslatePipe,
  ],
  templateUrl: './thread-list.html',
  styleUrl: './thread-list.scss',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class ThreadList {
  private readonly api = inject(MypageApi);
  private readonly customersApi = inject(CustomersApi);
  private readonly router = inject(Router);
  private readonly route = inject(ActivatedRoute);
  private readonly notifier = inject(Notifier);
  private readonly dialog = inject(MatDialog);
  private readonly memory = inject(ThreadListMemory);
  private readonly session = inject(Session);
  private readonly host = inject<ElementRef<HTMLElement>>(ElementRef);

  protected readonly pageSizes = [...PAGE_SIZES];
  protected readonly canWrite = computed(() => this.session.can('mypage'));
  protected readonly columns = computed(() => [...(this.canWrite() ? ['select'] : []), ...COLUMNS]);

  private readonly queryParamMap = toSignal(this.route.queryParamMap, { requireSync: true });
  /** The labels in use, offered as the ラベル field's suggestions (any text still searches). */
  protected readonly labelOptions = toSignal(
    this.api.labels().pipe(
      map((r) => r.labels),
      catchError(() => of([] as string[])),
    ),
    { initialValue: [] as string[] },
  );
  protected readonly query = computed(() => parseThreadListQuery(this.queryParamMap()));
  protected readonly exportUrl = computed(() => this.api.exportUrl(this.query()));

  protected readonly filterForm = inject(NonNullableFormBuilder).group({
    code: [''],
    title: [''],
    branch: [''],
    label: [''],
    postedFrom: [''],
    postedTo: [''],
    mine: [false],
  });
  /** The customer chosen in お客様検索 (applied with 検索する, like the other fields). */
  protected readonly filterCustomer = signal<PickedCustomer | null>(null);
  protected readonly customerText = computed(() => {
    const c = this.filterCustomer();
    return c ? `${c.code} : ${c.name}` : '';
  });

  protected readonly result = rxResource({
    params: () => this.query(),
    stream: ({ params }) => this.api.list(params),
  });
  /** The last page received, kept on screen while the next one loads (and while a live update reloads). */
  private readonly page = linkedSignal<ThreadPage | undefined, ThreadPage | undefined>({
    source: () => (this.result.hasValue() ? this.result.value() : undefined),
    computation: (page, previous) => page ?? previous?.value,
  });
  protected readonly loadError = computed(() => {
    const error = this.result.error();
    return error ? this.notifier.describe(readApiError(error)) : null;
  });
  protected readonly threads = computed(() => (this.loadError() ? [] : (this.page()?.items ?? [])));
  protected readonly total = computed(() => (this.loadError() ? 0 : (this.page()?.total ?? 0)));
  protected readonly range = computed(() => {
    const q = this.query();
    return pageRange(this.total(), q.page, q.pageSize);
  });

  /** Threads ticked for 削除; cleared when the search changes. */
  protected readonly ticked = signal<ReadonlySet<number>>(new Set());
  protected readonly allTicked = computed(
    () => this.threads().length > 0 && this.threads().every((t) => this.ticked().has(t.id)),
  );
  protected readonly someTicked = computed(
    () => !this.allTicked() && this.threads().some((t) => this.ticked().has(t.id)),
  );
  protected readonly deleting = signal(false);

  constructor() {
    // The URL's search in the inputs (reload, back/forward, a shared link).
    effect(() => {
      const q = this.query();
      this.memory.queryParams.set(threadListQueryParams(q));
      untracked(() => {
        this.filterForm.reset(
          {
            code: q.code,
            title: q.title,
            branch: q.branch,
            label: q.label,
            postedFrom: q.postedFrom,
            postedTo: q.postedTo,
            mine: q.mine,
          },
          { emitEvent: false },
        );
        const shown = this.filterCustomer();
        if (q.customerId === null) {
          this.filterCustomer.set(null);
        } else if (shown?.id !== q.customerId) {
          this.showCustomer(q.customerId);
        }
      });
    });

    // Live: a customer post makes a thread NEW and moves it up; a colleague opening it clears NEW.
    inject(EventsApi)
      .events()
      .pipe(debounceTime(LIVE_UPDATE_DEBOUNCE_MS), takeUntilDestroyed())
      .subscribe(() => this.result.reload());
  }

  protected applyFilters(): void {
    const v = this.filterForm.getRawValue();
    this.navigate({
      ...this.query(),
      code: v.code.trim(),
      title: v.title.trim(),
      branch: v.branch.trim(),
      label: v.label.trim(),
      postedFrom: v.postedFrom,
      postedTo: v.postedTo,
      mine: v.mine,
      customerId: this.filterCustomer()?.id ?? null,
      page: 1,
    });
  }

  protected clearFilters(): void {
    this.filterCustomer.set(null);
    this.navigate({ ...emptyThreadSearch(), pageSize: this.query().pageSize });
  }

  protected pickCustomer(): void {
    openCustomerSearchDialog(this.dialog)
      .afterClosed()
      .subscribe((picked) => {
        if (picked) this.filterCustomer.set(picked);
      });
  }

  protected clearCustomer(): void {
    this.filterCustomer.set(null);
  }

  protected changePage(event: PageEvent): void {
    this.navigate({ ...this.query(), page: event.pageIndex + 1 }, false);
    this.host.nativeElement.scrollIntoView({ block: 'start' });
  }

  protected changePageSize(pageSize: number): void {
    this.navigate({ ...this.query(), pageSize, page: 1 }, false);
  }

  protected toggleTicked(thread: ThreadSummary, checked: boolean): void {
    const next = new Set(this.ticked());
    if (checked) next.add(thread.id);
    else next.delete(thread.id);
    this.ticked.set(next);
  }

  protected toggleAllTicked(checked: boolean): void {
    const next = new Set(this.ticked());
    for (const t of this.threads()) {
      if (checked) next.add(t.id);
      else next.delete(t.id);
    }
    this.ticked.set(next);
  }

  /** Deletes the ticked threads with their posts and files, after asking. */
  protected deleteTicked(): void {
    const ids = [...this.ticked()];
    if (!ids.length) return;
    confirmAction(this.dialog, {
      title: 'mypageThreads.deleteTitle',
      message: 'mypageThreads.deleteConfirm',
      params: { count: ids.length },
      confirm: 'common.delete',
    })
      .pipe(
        filter(Boolean),
        tap(() => this.deleting.set(true)),
        switchMap(() => this.api.delete(ids)),
      )
      .subscribe({
        next: () => {
          this.deleting.set(false);
          this.ticked.set(new Set());
          this.notifier.success('mypageThreads.deleted', { count: ids.length });
          this.result.reload();
        },
        error: (error: unknown) => {
          this.deleting.set(false);
          this.notifier.error(error);
          this.result.reload();
        },
      });
  }

  protected newThread(): void {
    openNewThreadDialog(this.dialog, {})
      .afterClosed()
      .subscribe((created) => {
        if (created) void this.router.navigate([created.id], { relativeTo: this.route });
      });
  }

  private showCustomer(id: number): void {
    this.customersApi.get(id).subscribe({
      next: (c) => {
        if (this.query().customerId === id)
          this.filterCustomer.set({ id: c.id, code: c.code, name: fullName(c.lastName, c.firstName) });
      },
      error: () => this.filterCustomer.set({ id, code: String(id), name: '' }),
    });
  }

  private navigate(search: ThreadSearch, resetTicks = true): void {
    if (resetTicks) this.ticked.set(new Set());
    void this.router.navigate([], { relativeTo: this.route, queryParams: threadListQueryParams(search) });
  }
}
