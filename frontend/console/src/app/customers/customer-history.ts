import {
  ChangeDetectionStrategy,
  Component,
  ElementRef,
  computed,
  effect,
  inject,
  input,
  linkedSignal,
  signal,
  untracked,
} from '@angular/core';
import { rxResource } from '@angular/core/rxjs-interop';
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
import { MatSlideToggleModule } from '@angular/material/slide-toggle';
import { MatTableModule } from '@angular/material/table';
import { RouterLink } from '@angular/router';
import { filter, switchMap } from 'rxjs';

import {
  HISTORY_KINDS,
  HISTORY_STATES,
  HistoryApi,
  type HistoryDetail,
  type HistoryEntry,
  type HistoryKind,
  type HistorySearch,
  type HistoryState,
  type Page,
} from '../api/history-api';
import { StaffApi } from '../api/staff-api';
import { confirmAction } from '../core/confirm-dialog';
import { Notifier } from '../core/notifier';
import { Session } from '../core/session';
import { DateTimePipe } from '../i18n/date-time-pipe';
import { I18n } from '../i18n/i18n';
import type { MessageKey } from '../i18n/ja';
import { TranslatePipe } from '../i18n/translate-pipe';
import { HistoryDetailDialog, type HistoryDetailDialogData } from './history-detail-dialog';
import { HistoryEntryDialog, type HistoryEntryDialogData } from './history-entry-dialog';
import { HISTORY_KIND_LABELS, HISTORY_STATE_LABELS, staffName } from './history-labels';

const SHOW_NEXT_KEY = 'madoguchi.history.showNext';
const PAGE_SIZES = [20, 50, 100] as const;

function emptySearch(): HistorySearch {
  return {
    createdFrom: '',
    createdTo: '',
    nextFrom: '',
    nextTo: '',
    staffId: null,
    state: '',
    kind: '',
    q: '',
    openOnly: false,
    page: 1,
    pageSize: PAGE_SIZES[0],
  };
}

function readShowNext(): boolean {
  try {
    return localStorage.getItem(SHOW_NEXT_KEY) !== '0';
  } catch {
    return true;
  }
}

/** 対応履歴 on the karte: the customer's entries, their search, and the selected entry's detail lines. */
@Component({
  selector: 'mg-customer-history',
  imports: [
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
    MatSlideToggleModule,
    MatTableModule,
    DateTimePipe,
    TranslatePipe,
  ],
  templateUrl: './customer-history.html',
  styleUrl: './customer-history.scss',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class CustomerHistory {
  private readonly api = inject(HistoryApi);
  private readonly dialog = inject(MatDialog);
  private readonly notifier = inject(Notifier);
  private readonly session = inject(Session);
  private readonly host = inject<ElementRef<HTMLElement>>(ElementRef);
  protected readonly i18n = inject(I18n);

  readonly customerId = input.required<number>();
  /** An entry to select when the karte opens (`?entry=ID`, from 作業管理). */
  readonly entryId = input<number | undefined>();

  protected readonly canWrite = computed(() => this.session.can('customers.write'));
  protected readonly states = HISTORY_STATES;
  protected readonly kinds = HISTORY_KINDS;
  protected readonly stateLabels = HISTORY_STATE_LABELS;
  protected readonly kindLabels = HISTORY_KIND_LABELS;
  protected readonly pageSizes = [...PAGE_SIZES];

  protected readonly showNext = signal(readShowNext());
  protected readonly columns = computed(() =>
    this.showNext()
      ? ['id', 'createdAt', 'staff', 'state', 'title', 'next']
      : ['id', 'createdAt', 'staff', 'state', 'title'],
  );

  private readonly staffApi = inject(StaffApi);
  private readonly staffList = rxResource({ stream: () => this.staffApi.list() });
  protected readonly staff = computed(() => (this.staffList.hasValue() ? this.staffList.value() : []));
  private readonly staffNames = computed(() => new Map(this.staff().map((s) => [s.id, s.name])));

  protected readonly filterForm = inject(NonNullableFormBuilder).group({
    createdFrom: [''],
    createdTo: [''],
    nextFrom: [''],
    nextTo: [''],
    staffId: [null as number | null],
    state: ['' as HistoryState | ''],
    kind: ['' as HistoryKind | ''],
    q: [''],
    openOnly: [false],
  });
  protected readonly search = signal<HistorySearch>(emptySearch());
  /** Bumped after a change, so the list is read again with the same search. */
  private readonly reloads = signal(0);

  protected readonly result = rxResource({
    params: () => ({ customerId: this.customerId(), search: this.search(), reload: this.reloads() }),
    stream: ({ params }) => this.api.search(params.customerId, params.search),
  });
  /** The last page received, kept on screen while the next one loads. */
  private readonly page = linkedSignal<Page<HistoryEntry> | undefined, Page<HistoryEntry> | undefined>({
    source: () => (this.result.hasValue() ? this.result.value() : undefined),
    computation: (page, previous) => page ?? previous?.value,
  });
  protected readonly loadError = computed(() => {
    const error = this.result.error();
    return error ? this.i18n.render(this.notifier.message(error)) : null;
  });
  protected readonly entries = computed(() => (this.loadError() ? [] : (this.page()?.items ?? [])));
  protected readonly total = computed(() => (this.loadError() ? 0 : (this.page()?.total ?? 0)));
  protected readonly exportUrl = computed(() => this.api.exportUrl(this.customerId(), this.search()));

  protected readonly selected = signal<HistoryEntry | null>(null);
  protected readonly busy = signal(false);

  constructor() {
    effect(() => {
      const id = this.entryId();
      if (id !== undefined && Number.isInteger(id) && id > 0) {
        untracked(() => this.openEntry(id));
      }
    });
    // A reloaded list carries the selected entry's latest state.
    effect(() => {
      const items = this.entries();
      untracked(() => {
        const current = this.selected();
        const fresh = current && items.find((e) => e.id === current.id);
        if (fresh && fresh !== current) {
          this.selected.set(fresh);
        }
      });
    });
  }

  /** mat-table hands rows over untyped: the labels are looked up through typed helpers. */
  protected stateLabel(state: HistoryState): MessageKey {
    return HISTORY_STATE_LABELS[state];
  }

  protected kindLabel(kind: HistoryKind): MessageKey {
    return HISTORY_KIND_LABELS[kind];
  }

  protected name(id: number | null): string {
    return staffName(this.staffNames(), id);
  }

  protected toggleNext(show: boolean): void {
    this.showNext.set(show);
    try {
      localStorage.setItem(SHOW_NEXT_KEY, show ? '1' : '0');
    } catch {
      // Storage can be disabled; the choice then lasts for this page only.
    }
  }

  protected applySearch(): void {
    const v = this.filterForm.getRawValue();
    this.search.set({ ...v, q: v.q.trim(), page: 1, pageSize: this.search().pageSize });
  }

  protected clearSearch(): void {
    this.filterForm.reset();
    this.search.set({ ...emptySearch(), pageSize: this.search().pageSize });
  }

  protected changePage(event: PageEvent): void {
    this.search.update((s) => ({ ...s, page: event.pageIndex + 1, pageSize: event.pageSize }));
  }

  protected select(entry: HistoryEntry): void {
    this.selected.set(entry);
  }

  protected newEntry(): void {
    this.openEntryDialog(undefined);
  }

  protected editEntry(entry: HistoryEntry): void {
    this.openEntryDialog(entry);
  }

  protected deleteEntry(entry: HistoryEntry): void {
    confirmAction(this.dialog, {
      title: 'history.deleteTitle',
      message: 'history.deleteConfirm',
      params: { id: entry.id, title: entry.title },
      confirm: 'common.delete',
    })
      .pipe(
        filter(Boolean),
        switchMap(() => {
          this.busy.set(true);
          return this.api.delete(entry.id);
        }),
      )
      .subscribe({
        next: () => {
          this.busy.set(false);
          this.selected.set(null);
          this.reloads.update((n) => n + 1);
          this.notifier.success('history.deleted');
        },
        error: (error: unknown) => {
          this.busy.set(false);
          this.notifier.error(error);
        },
      });
  }

  protected addDetail(entry: HistoryEntry): void {
    this.openDetailDialog(entry, undefined);
  }

  protected editDetail(entry: HistoryEntry, detail: HistoryDetail): void {
    this.openDetailDialog(entry, detail);
  }

  protected removeDetail(entry: HistoryEntry, detail: HistoryDetail): void {
    confirmAction(this.dialog, {
      title: 'history.removeDetailTitle',
      message: 'history.removeDetailConfirm',
      confirm: 'common.delete',
    })
      .pipe(
        filter(Boolean),
        switchMap(() => {
          this.busy.set(true);
          return this.api.removeDetail(entry.id, detail.id);
        }),
      )
      .subscribe({
        next: (saved) => {
          this.busy.set(false);
          this.changed(saved);
          this.notifier.success('history.detailRemoved');
        },
        error: (error: unknown) => {
          this.busy.set(false);
          this.notifier.error(error);
        },
      });
  }

  /** `?entry=ID`: the entry may be on any page of the list, so it is read by itself. */
  private openEntry(id: number): void {
    this.api.get(id).subscribe({
      next: (entry) => {
        if (entry.customerId !== this.customerId()) {
          return;
        }
        this.selected.set(entry);
        // The karte is long: bring the entry's lines into view once they are drawn.
        setTimeout(() =>
          this.host.nativeElement
            .querySelector('[data-testid="history-selected"]')
            ?.scrollIntoView({ block: 'start' }),
        );
      },
      error: (error: unknown) => this.notifier.error(error),
    });
  }

  private openEntryDialog(entry: HistoryEntry | undefined): void {
    // Phrases are read as the dialog opens, so a change in settings shows at once.
    this.api.phrases().subscribe({
      next: ({ phrases }) => {
        const data: HistoryEntryDialogData = {
          customerId: this.customerId(),
          entry,
          staff: this.staff(),
          phrases,
          meId: this.session.user()?.id ?? null,
        };
        this.dialog
          .open<HistoryEntryDialog, HistoryEntryDialogData, HistoryEntry>(HistoryEntryDialog, {
            data,
            width: '640px',
            maxWidth: '95vw',
          })
          .afterClosed()
          .pipe(filter((saved): saved is HistoryEntry => saved !== undefined))
          .subscribe((saved) => {
            this.changed(saved);
            this.notifier.success(entry ? 'history.saved' : 'history.created');
          });
      },
      error: (error: unknown) => this.notifier.error(error),
    });
  }

  private openDetailDialog(entry: HistoryEntry, detail: HistoryDetail | undefined): void {
    const data: HistoryDetailDialogData = {
      entryId: entry.id,
      detail,
      staff: this.staff(),
      meId: this.session.user()?.id ?? null,
    };
    this.dialog
      .open<HistoryDetailDialog, HistoryDetailDialogData, HistoryEntry>(HistoryDetailDialog, {
        data,
        width: '640px',
        maxWidth: '95vw',
      })
      .afterClosed()
      .pipe(filter((saved): saved is HistoryEntry => saved !== undefined))
      .subscribe((saved) => {
        this.changed(saved);
        this.notifier.success(detail ? 'history.detailSaved' : 'history.detailAdded');
      });
  }

  private changed(saved: HistoryEntry): void {
    this.selected.set(saved);
    this.reloads.update((n) => n + 1);
  }
}
