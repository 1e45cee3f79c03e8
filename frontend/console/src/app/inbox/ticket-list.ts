import { VisibleControlsPipe } from '../core/visible-controls';
import { DragDropModule } from '@angular/cdk/drag-drop';
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
import { rxResource, takeUntilDestroyed, toSignal } from '@angular/core/rxjs-interop';
import { FormControl, ReactiveFormsModule } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatCheckboxModule } from '@angular/material/checkbox';
import { MatChipsModule } from '@angular/material/chips';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatIconModule } from '@angular/material/icon';
import { MatInputModule } from '@angular/material/input';
import { MatPaginatorModule, type PageEvent } from '@angular/material/paginator';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { MatSelectModule } from '@angular/material/select';
import { MatTableModule } from '@angular/material/table';
import { MatTabsModule } from '@angular/material/tabs';
import { MatTooltipModule } from '@angular/material/tooltip';
import { ActivatedRoute, Router, RouterLink } from '@angular/router';
import { MatDialog } from '@angular/material/dialog';
import { openNewMailDialog } from '../compose/new-mail-dialog';
import { catchError, debounceTime, distinctUntilChanged, filter, map, of } from 'rxjs';

import { readApiError } from '../api/api-error';
import { AutomationApi, type Folder, type InboxPlace } from '../api/automation-api';
import { EventsApi } from '../api/events-api';
import { PresenceApi } from '../api/presence-api';
import { MailboxesApi } from '../api/mailboxes-api';
import { TICKET_SORTS, TicketsApi, type TicketPage, type TicketSearch, type TicketSort, type TicketSummary } from '../api/tickets-api';
import { WorkflowApi, type TicketCounts } from '../api/workflow-api';
import { Notifier } from '../core/notifier';
import { Session } from '../core/session';
import { DateTimePipe } from '../i18n/date-time-pipe';
import { I18n } from '../i18n/i18n';
import type { MessageKey } from '../i18n/ja';
import { TranslatePipe } from '../i18n/translate-pipe';
import { TICKET_STATE_LABELS } from '../ticket/ticket-labels';
import { intakeErrorMessage } from '../settings/mailboxes/intake-labels';
import { TicketStateChip } from '../ticket/ticket-state-chip';
import { BulkActions } from './bulk-actions';
import { FolderTree } from './folder-tree';
import { SavedViews } from './saved-views';
import type { BulkSelection } from '../api/bulk-api';
import type { TicketFilter } from '../api/views-api';
import { registerFolderIcons } from './folders';
import { MoveToFolderMenu } from './move-to-folder-menu';
import { LabelFilter } from './label-filter';
import { LabelChip } from '../ticket/label-chip';
import {
  ASSIGNEE_CHOICES,
  InboxMemory,
  PAGE_SIZES,
  STATE_TABS,
  parseTicketListQuery,
  ticketListQueryParams,
  type AssigneeChoice,
  type StateTab,
  type TicketListQuery,
} from './ticket-list-query';

/** Re-fetching once for a burst of changes (a batch of mail arriving) rather than once per ticket. */
const LIVE_UPDATE_DEBOUNCE_MS = 300;
/** How often the inbox asks whether intake still fails (or works again). */
const INTAKE_REFRESH_MS = 60_000;

/**
 * The shared inbox of one mailbox: its folders beside state tabs, search and the tickets, updated
 * live; selected tickets (or a dragged row) move to a folder.
 */
@Component({
  selector: 'mg-ticket-list',
  imports: [
    VisibleControlsPipe,
    DragDropModule,
    ReactiveFormsModule,
    RouterLink,
    MatButtonModule,
    MatCheckboxModule,
    MatChipsModule,
    MatFormFieldModule,
    MatIconModule,
    MatInputModule,
    MatPaginatorModule,
    MatProgressBarModule,
    MatSelectModule,
    MatTableModule,
    MatTabsModule,
    MatTooltipModule,
    DateTimePipe,
    TicketStateChip,
    TranslatePipe,
    FolderTree,
    MoveToFolderMenu,
    BulkActions,
    SavedViews,
    LabelFilter,
    LabelChip,
  ],
  templateUrl: './ticket-list.html',
  styleUrl: './ticket-list.scss',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class TicketList {
  private readonly ticketsApi = inject(TicketsApi);
  private readonly presenceApi = inject(PresenceApi);
  private readonly workflowApi = inject(WorkflowApi);
  private readonly mailboxesApi = inject(MailboxesApi);
  private readonly router = inject(Router);
  private readonly route = inject(ActivatedRoute);
  private readonly notifier = inject(Notifier);
  private readonly memory = inject(InboxMemory);
  private readonly host = inject<ElementRef<HTMLElement>>(ElementRef);
  private readonly automationApi = inject(AutomationApi);
  private readonly session = inject(Session);
  private readonly i18n = inject(I18n);
  private readonly dialog = inject(MatDialog);

  /** 新規メール作成, from the mailbox on screen when the user may reply there. */
  protected writeNewMail(): void {
    openNewMailDialog(this.dialog, { mailboxId: this.selectedMailboxId() });
  }

  /** The `:mailboxId` route param; absent on `/inbox`, which goes to the last mailbox used. */
  readonly mailboxId = input<string>();

  protected readonly columns = ['select', 'code', 'subject', 'from', 'assignee', 'state', 'lastActivityAt'];
  protected readonly assigneeChoices = ASSIGNEE_CHOICES;
  protected readonly assigneeLabels: Record<(typeof ASSIGNEE_CHOICES)[number], MessageKey> = {
    me: 'inbox.assignee.me',
    none: 'inbox.assignee.none',
  };
  protected readonly pageSizes = [...PAGE_SIZES];
  /** Placeholder lines shown while the first page loads. */
  protected readonly loadingLines = [1, 2, 3, 4, 5, 6];
  protected readonly sorts = TICKET_SORTS;
  protected sortLabel(sort: TicketSort): MessageKey {
    return `sort.${sort}`;
  }
  protected readonly stateTabs = STATE_TABS;

  protected readonly searchControl = new FormControl('', { nonNullable: true });

  protected readonly mailboxes = rxResource({ stream: () => this.mailboxesApi.list() });
  protected readonly mailboxList = computed(() => (this.mailboxes.hasValue() ? this.mailboxes.value() : []));
  protected readonly selectedMailboxId = computed(() => {
    const id = Number(this.mailboxId());
    return Number.isInteger(id) && id > 0 ? id : undefined;
  });
  /** The mailbox asked for is not one this user may see (or does not exist). */
  protected readonly unknownMailbox = computed(() => {
    const id = this.selectedMailboxId();
    return (
      this.mailboxes.hasValue() &&
      ((this.mailboxId() !== undefined && id === undefined) ||
        (id !== undefined && !this.mailboxList().some((m) => m.id === id)))
    );
  });

  private readonly queryParamMap = toSignal(this.route.queryParamMap, { requireSync: true });
  protected readonly query = computed(() => parseTicketListQuery(this.queryParamMap()));

  private readonly search = computed<(TicketSearch & { place: InboxPlace }) | undefined>(() => {
    const mailboxId = this.selectedMailboxId();
    if (mailboxId === undefined || this.unknownMailbox()) {
      return undefined;
    }
    const { state, q, assignee, labels, sort, page, pageSize, place } = this.query();
    return {
      mailboxId,
      state: state === 'all' ? undefined : state,
      q,
      ...(assignee ? { assignee } : {}),
      ...(labels.length ? { labels } : {}),
      sort,
      page,
      pageSize,
      place,
    };
  });
  protected readonly result = rxResource({
    params: () => this.search(),
    stream: ({ params }) =>
      params.place.kind === 'all'
        ? this.ticketsApi.search(params)
        : this.automationApi.searchTickets(params, params.place),
  });
  /** The last page received, kept on screen while the next one (or a live update) loads. */
  private readonly page = linkedSignal<TicketPage | undefined, TicketPage | undefined>({
    source: () => (this.result.hasValue() ? this.result.value() : undefined),
    computation: (page, previous) => page ?? previous?.value,
  });
  protected readonly loadError = computed(() => {
    const error = this.result.error() ?? this.mailboxes.error();
    return error ? this.notifier.describe(readApiError(error)) : null;
  });
  protected readonly tickets = computed(() => (this.loadError() ? [] : (this.page()?.items ?? [])));
  protected readonly total = computed(() => (this.loadError() ? 0 : (this.page()?.total ?? 0)));

  /** 対応中: who else has each ticket of the page open (names), re-read when presence changes. */
  private readonly presenceVersion = signal(0);
  private readonly presence = rxResource({
    params: () => ({ ids: this.tickets().map((t) => t.id), v: this.presenceVersion() }),
    stream: ({ params }) =>
      params.ids.length
        ? this.presenceApi.forTickets(params.ids).pipe(
            map((rows) => new Map(rows.filter((r) => r.users.length > 0).map((r) => [r.ticketId, r.users.map((u) => u.name).join('、')]))),
            catchError(() => of(new Map<number, string>())),
          )
        : of(new Map<number, string>()),
  });
  protected workingOn(ticket: TicketSummary): string | null {
    return (this.presence.hasValue() ? this.presence.value().get(ticket.id) : undefined) ?? null;
  }

  /** How many tickets each state tab holds in this mailbox (whatever the search). */
  protected readonly counts = rxResource({
    params: () => (this.unknownMailbox() ? undefined : this.selectedMailboxId()),
    stream: ({ params: mailboxId }) => this.workflowApi.counts(mailboxId),
  });
  /** The last counts received, kept while newer ones load so the tabs do not flicker. */
  private readonly lastCounts = linkedSignal<TicketCounts | undefined, TicketCounts | undefined>({
    source: () => (this.counts.hasValue() ? this.counts.value() : undefined),
    computation: (counts, previous) => counts ?? previous?.value,
  });

  /** The mailbox's folders for the tree, the move menu and the rows' folder names. */
  private readonly folders = rxResource({
    params: () => (this.unknownMailbox() ? undefined : this.selectedMailboxId()),
    stream: ({ params: mailboxId }) => this.automationApi.folders(mailboxId),
  });
  /** The last folders received, kept while newer ones load so the tree does not flicker. */
  protected readonly folderList = linkedSignal<readonly Folder[] | undefined, readonly Folder[]>({
    source: () => (this.folders.hasValue() ? this.folders.value() : undefined),
    computation: (folders, previous) => folders ?? previous?.value ?? [],
  });
  private readonly folderNames = computed(() => new Map(this.folderList().map((f) => [f.id, f.name])));
  /** How many spam tickets the mailbox holds (one row asked for, the total read). */
  private readonly spam = rxResource({
    params: () => (this.unknownMailbox() ? undefined : this.selectedMailboxId()),
    stream: ({ params: mailboxId }) =>
      this.automationApi
        .searchTickets({ mailboxId, q: '', page: 1, pageSize: 1 }, { kind: 'spam' })
        .pipe(map((page) => page.total)),
  });
  protected readonly spamCount = linkedSignal<number | undefined, number | null>({
    source: () => (this.spam.hasValue() ? this.spam.value() : undefined),
    computation: (count, previous) => count ?? previous?.value ?? null,
  });
  /** Intake of the mailbox shown: the warning bar while its polls fail (a failed call shows none). */
  private readonly intake = rxResource({
    params: () => (this.unknownMailbox() ? undefined : this.selectedMailboxId()),
    stream: ({ params: mailboxId }) => this.mailboxesApi.status(mailboxId).pipe(catchError(() => of(null))),
  });
  protected readonly intakeWarning = computed(() => {
    const status = this.intake.hasValue() ? this.intake.value() : null;
    const mailboxId = this.selectedMailboxId();
    if (!status || status.state !== 'failing' || mailboxId === undefined) {
      return null;
    }
    const message = intakeErrorMessage(status);
    return {
      mailboxId,
      name: this.mailboxList().find((m) => m.id === mailboxId)?.name ?? '',
      error: message ? this.i18n.render(message) : '',
      at: status.lastErrorAt,
    };
  });
  /**
   * A mailbox that has never held a ticket (every count 0, nothing filtered): the empty list
   * says how mail gets in instead of only "nothing here".
   */
  protected readonly onboarding = computed(() => {
    const counts = this.lastCounts();
    const mailboxId = this.selectedMailboxId();
    const q = this.query();
    if (!counts || mailboxId === undefined || q.q || q.assignee || q.place.kind !== 'all' || (this.spamCount() ?? 0) > 0) return null;
    if (Object.values(counts).some((n) => n > 0)) return null;
    const status = this.intake.hasValue() ? this.intake.value() : null;
    return {
      mailboxId,
      address: this.mailboxList().find((m) => m.id === mailboxId)?.address ?? '',
      imap: status !== null && status.state !== 'not_configured',
      direct: status?.directDelivery ?? null,
    };
  });
  protected readonly sendingTestMail = signal(false);

  protected sendTestMail(mailboxId: number): void {
    this.sendingTestMail.set(true);
    this.mailboxesApi.testMail(mailboxId).subscribe({
      next: () => {
        this.sendingTestMail.set(false);
        this.notifier.success('onboarding.testMailSent');
        this.reload();
      },
      error: (e: unknown) => {
        this.sendingTestMail.set(false);
        this.notifier.error(e);
      },
    });
  }

  /** Mailbox settings are an administrator's page. */
  protected readonly canOpenSettings = computed(() => this.session.isAdmin());
  protected readonly canManage = computed(() => {
    const id = this.selectedMailboxId();
    return id !== undefined && this.session.canOnMailbox(id, 'manage');
  });
  /** Moving tickets between folders takes the reply right, as the server checks. */
  protected readonly canMove = computed(() => {
    const id = this.selectedMailboxId();
    return id !== undefined && this.session.canOnMailbox(id, 'reply');
  });

  /** Checked rows; cleared whenever another page, search, tab or folder is shown. */
  private readonly selection = signal<ReadonlySet<number>>(new Set());
  /** 「この条件に一致する…件をすべて選択」: the bulk action takes the filter instead of the ids. */
  protected readonly allMatching = signal(false);
  /** The row checked or unchecked last, where a shift-click range starts. */
  private lastToggled: number | null = null;
  /** Bumped on every re-read, so the saved views' counts follow the list. */
  protected readonly version = signal(0);
  /** Bulk actions take the mailbox's manage right, as the server checks per ticket. */
  protected readonly canBulk = this.canManage;

  /** The list's filter as the API (and a saved view) takes it: what 「すべて選択」 and views use. */
  protected readonly currentFilter = computed<TicketFilter>(() => {
    const { state, q, assignee, labels, place } = this.query();
    const mailboxId = this.selectedMailboxId();
    return {
      ...(mailboxId !== undefined ? { mailboxId } : {}),
      ...(state !== 'all' ? { state } : {}),
      ...(q ? { q } : {}),
      ...(assignee ? { assignee } : {}),
      ...(labels.length ? { label: [...labels] } : {}),
      ...(place.kind === 'folder' ? { folderId: place.folderId } : {}),
      ...(place.kind === 'spam' ? { spam: 'true' as const } : {}),
    };
  });
  protected readonly bulkSelection = computed<BulkSelection>(() =>
    this.allMatching() ? { filter: this.currentFilter() } : { ids: this.selectedIds() },
  );
  protected readonly bulkCount = computed(() => (this.allMatching() ? this.total() : this.selectedIds().length));
  protected readonly selectedIds = computed(() =>
    this.tickets()
      .filter((t) => this.selection().has(t.id))
      .map((t) => t.id),
  );
  protected readonly allSelected = computed(
    () => this.tickets().length > 0 && this.selectedIds().length === this.tickets().length,
  );
  /** The folder the checked tickets share, so the menu can grey it out (undefined when mixed). */
  protected readonly selectedFolderId = computed(() => {
    const folders = new Set(
      this.tickets()
        .filter((t) => this.selection().has(t.id))
        .map((t) => t.folderId),
    );
    return folders.size === 1 ? [...folders][0] : undefined;
  });

  constructor() {
    registerFolderIcons();

    effect(() => {
      const ids = this.tickets().map((t) => t.id);
      untracked(() => this.memory.pageIds.set(ids));
    });

    effect(() => {
      this.search();
      untracked(() => {
        this.selection.set(new Set());
        this.allMatching.set(false);
      });
    });

    // `/inbox` alone: open the mailbox used last time if it is still visible, else the first one.
    effect(() => {
      if (this.mailboxId() !== undefined || !this.mailboxes.hasValue()) {
        return;
      }
      const mailboxes = this.mailboxes.value();
      const remembered = untracked(() => this.memory.mailboxId());
      const target = mailboxes.find((m) => m.id === remembered) ?? mailboxes[0];
      if (target) {
        void this.router.navigate(['/inbox', target.id], {
          queryParams: this.route.snapshot.queryParams,
          replaceUrl: true,
        });
      }
    });

    // Back/forward and reload change the URL: show its search in the box, remember where we are.
    effect(() => {
      const query = this.query();
      const mailboxId = this.selectedMailboxId();
      untracked(() => {
        if (mailboxId !== undefined && !this.unknownMailbox()) {
          this.memory.remember(mailboxId, ticketListQueryParams(query));
        }
        if (this.searchControl.value.trim() !== query.q) {
          this.searchControl.setValue(query.q, { emitEvent: false });
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
      .subscribe((q) => this.searchFor(q, true));

    effect((onCleanup) => {
      if (this.selectedMailboxId() === undefined) {
        return;
      }
      const timer = setInterval(() => this.intake.reload(), INTAKE_REFRESH_MS);
      onCleanup(() => clearInterval(timer));
    });

    // Live updates: a changed ticket of this mailbox may enter, leave or move within the page.
    inject(EventsApi)
      .events()
      .pipe(
        filter((event) => event.type === 'resumed' || event.mailboxId === this.selectedMailboxId()),
        debounceTime(LIVE_UPDATE_DEBOUNCE_MS),
        takeUntilDestroyed(),
      )
      .subscribe(() => this.reload());
    inject(EventsApi)
      .presence()
      .pipe(
        filter((event) => event.type === 'resumed' || event.mailboxId === this.selectedMailboxId()),
        debounceTime(LIVE_UPDATE_DEBOUNCE_MS),
        takeUntilDestroyed(),
      )
      .subscribe(() => this.presenceVersion.update((v) => v + 1));
  }

  /** Null for the "all" tab and while the counts are not known. */
  protected countOf(tab: StateTab): number | null {
    const counts = this.lastCounts();
    return tab === 'all' || !counts ? null : (counts[tab] ?? null);
  }

  protected stateLabel(tab: StateTab): MessageKey {
    return tab === 'all' ? 'common.all' : TICKET_STATE_LABELS[tab];
  }

  /** Query params of a state tab's link: a new tab starts at page 1 and keeps the search. */
  protected tabQueryParams(tab: StateTab) {
    return ticketListQueryParams({ ...this.query(), state: tab, page: 1 });
  }

  protected selectMailbox(mailboxId: number): void {
    // Folders belong to one mailbox: another mailbox opens on its whole inbox.
    void this.router.navigate(['/inbox', mailboxId], {
      queryParams: ticketListQueryParams({ ...this.query(), page: 1, place: { kind: 'all' } }),
    });
  }

  /** 自分の担当 / 未割り当て / all: a new filter starts at page 1 and keeps the tab and search. */
  protected selectAssignee(assignee: AssigneeChoice): void {
    this.navigate({ ...this.query(), assignee, page: 1 }, false);
  }

  /** Labels the tickets must all carry; a new filter starts at page 1. */
  protected selectLabels(labels: number[]): void {
    this.navigate({ ...this.query(), labels, page: 1 }, false);
  }

  protected selectPlace(place: InboxPlace): void {
    this.navigate({ ...this.query(), place, page: 1 }, false);
  }

  /** The folder a row's ticket is in, shown on the row when the list is not one folder's. */
  protected folderName(ticket: TicketSummary): string | null {
    return ticket.folderId !== null && this.query().place.kind !== 'folder'
      ? (this.folderNames().get(ticket.folderId) ?? null)
      : null;
  }

  /**
   * Rows stay the same elements across live updates of the same tickets, so a drag (or the focus)
   * is not lost when a re-fetch lands mid-gesture.
   */
  protected readonly trackTicket = (_index: number, ticket: TicketSummary): number => ticket.id;

  protected isSelected(ticket: TicketSummary): boolean {
    return this.selection().has(ticket.id);
  }

  /** A click on a row's checkbox; with Shift, every row from the last one toggled takes the same. */
  /**
   * Whether Shift was held when the row's checkbox was pressed (the checkbox's change event does
   * not say, and comes before the click bubbles up: mousedown and keydown come first).
   */
  protected shiftClick = false;

  protected toggleSelected(ticket: TicketSummary, checked: boolean, shift = false): void {
    const next = new Set(this.selection());
    const rows = this.tickets();
    const from = this.lastToggled === null ? -1 : rows.findIndex((t) => t.id === this.lastToggled);
    const to = rows.findIndex((t) => t.id === ticket.id);
    const range = shift && from >= 0 && to >= 0 ? rows.slice(Math.min(from, to), Math.max(from, to) + 1) : [ticket];
    for (const t of range) {
      if (checked) {
        next.add(t.id);
      } else {
        next.delete(t.id);
      }
    }
    this.lastToggled = ticket.id;
    this.shiftClick = false;
    this.allMatching.set(false);
    this.selection.set(next);
  }

  protected toggleAll(checked: boolean): void {
    this.allMatching.set(false);
    this.selection.set(new Set(checked ? this.tickets().map((t) => t.id) : []));
  }

  protected clearSelection(): void {
    this.allMatching.set(false);
    this.selection.set(new Set());
  }

  protected selectAllMatching(): void {
    this.selection.set(new Set(this.tickets().map((t) => t.id)));
    this.allMatching.set(true);
  }

  protected bulkDone(): void {
    this.clearSelection();
    this.reload();
  }

  protected selectSort(sort: TicketSort): void {
    this.navigate({ ...this.query(), sort, page: 1 }, false);
  }

  /** A saved view opens its mailbox with its filters (a view of another mailbox switches to it). */
  protected openView(filter: TicketFilter): void {
    const mailboxId = filter.mailboxId ?? this.selectedMailboxId();
    const place: InboxPlace =
      filter.spam === 'true' ? { kind: 'spam' } : filter.folderId ? { kind: 'folder', folderId: filter.folderId } : { kind: 'all' };
    const assignee = filter.assignee === 'me' || filter.assignee === 'none' ? filter.assignee : null;
    const query: TicketListQuery = { ...this.query(), state: filter.state ?? 'all', q: filter.q ?? '', assignee, labels: filter.label ?? [], place, page: 1 };
    void this.router.navigate(['/inbox', mailboxId], { queryParams: ticketListQueryParams(query) });
  }

  /** A dragged row carries the checked tickets when it is one of them, else itself. */
  protected dragData(ticket: TicketSummary): readonly number[] {
    return this.selection().has(ticket.id) ? this.selectedIds() : [ticket.id];
  }

  protected ticketsMoved(): void {
    this.clearSelection();
    this.reload();
  }

  protected searchNow(): void {
    this.searchFor(this.searchControl.value.trim(), false);
  }

  protected reload(): void {
    if (this.search()) {
      this.result.reload();
      this.counts.reload();
      this.folders.reload();
      this.spam.reload();
      this.intake.reload();
      this.version.update((v) => v + 1);
    }
  }

  protected changePage(event: PageEvent): void {
    this.navigate({ ...this.query(), page: event.pageIndex + 1, pageSize: event.pageSize }, false);
    // The paginator sits below the table: bring the new page's first rows into view.
    this.host.nativeElement.scrollIntoView({ block: 'start' });
  }

  protected openTicket(ticket: TicketSummary): void {
    void this.router.navigate(['/tickets', ticket.id]);
  }

  /** A new search starts at page 1; typing replaces the history entry instead of piling them up. */
  private searchFor(q: string, replaceUrl: boolean): void {
    const current = this.query();
    if (q === current.q && current.page === 1) {
      return;
    }
    this.navigate({ ...current, q, page: 1 }, replaceUrl);
  }

  private navigate(query: TicketListQuery, replaceUrl: boolean): void {
    void this.router.navigate([], {
      relativeTo: this.route,
      queryParams: ticketListQueryParams(query),
      replaceUrl,
    });
  }
}
