import {
  ChangeDetectionStrategy,
  Component,
  ElementRef,
  afterNextRender,
  computed,
  effect,
  inject,
  linkedSignal,
  untracked,
  viewChild,
} from '@angular/core';
import { rxResource, toSignal } from '@angular/core/rxjs-interop';
import { FormControl, ReactiveFormsModule } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatIconModule } from '@angular/material/icon';
import { MatInputModule } from '@angular/material/input';
import { MatPaginatorModule, type PageEvent } from '@angular/material/paginator';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { MatSelectModule } from '@angular/material/select';
import { MatTabsModule } from '@angular/material/tabs';
import { ActivatedRoute, Router, RouterLink } from '@angular/router';

import { readApiError } from '../api/api-error';
import { MailboxesApi } from '../api/mailboxes-api';
import { SEARCH_SORTS, SearchApi, type SearchResult, type SearchSort, type TicketSearchQuery } from '../api/search-api';
import { TICKET_STATES, type TicketState } from '../api/tickets-api';
import { VisibleControlsPipe } from '../core/visible-controls';
import { DateTimePipe } from '../i18n/date-time-pipe';
import { errorMessage, fieldErrorMessage } from '../i18n/error-text';
import { I18n } from '../i18n/i18n';
import type { MessageKey } from '../i18n/ja';
import { TranslatePipe } from '../i18n/translate-pipe';
import { InboxMemory } from '../inbox/ticket-list-query';
import { TICKET_STATE_LABELS } from '../ticket/ticket-labels';
import { TicketStateChip } from '../ticket/ticket-state-chip';
import { MAX_SEARCH_PAGE, SEARCH_PAGE_SIZES, parseSearchQuery, searchQueryParams } from './search-query';
import { snippetPieces } from './snippet';

type SearchTab = TicketState | 'all';
/** 「すべて」 first: a search starts over every state, the tabs then narrow it. */
const SEARCH_TABS: readonly SearchTab[] = ['all', ...TICKET_STATES];

const SORT_LABELS: Record<SearchSort, MessageKey> = {
  relevance: 'search.sort.relevance',
  activity: 'search.sort.activity',
};

/**
 * 検索: one search over every mailbox the user may see and every state, narrowed by a mailbox
 * and a state tab (each tab counting the query's hits), the hits with their snippet. The query
 * lives in the URL, so back/forward and a shared link show the same results; a ticket code or a
 * Message-ID the server resolves opens that ticket straight away.
 */
@Component({
  selector: 'mg-search-results',
  imports: [
    ReactiveFormsModule,
    RouterLink,
    MatButtonModule,
    MatFormFieldModule,
    MatIconModule,
    MatInputModule,
    MatPaginatorModule,
    MatProgressBarModule,
    MatSelectModule,
    MatTabsModule,
    DateTimePipe,
    TicketStateChip,
    TranslatePipe,
    VisibleControlsPipe,
  ],
  templateUrl: './search-results.html',
  styleUrl: './search-results.scss',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class SearchResults {
  private readonly api = inject(SearchApi);
  private readonly mailboxesApi = inject(MailboxesApi);
  private readonly router = inject(Router);
  private readonly route = inject(ActivatedRoute);
  private readonly i18n = inject(I18n);
  private readonly memory = inject(InboxMemory);
  private readonly host = inject<ElementRef<HTMLElement>>(ElementRef);
  private readonly queryInput = viewChild<ElementRef<HTMLInputElement>>('queryInput');

  protected readonly tabs = SEARCH_TABS;
  protected readonly sorts = SEARCH_SORTS;
  protected readonly pageSizes = [...SEARCH_PAGE_SIZES];
  protected readonly queryControl = new FormControl('', { nonNullable: true });

  private readonly queryParamMap = toSignal(this.route.queryParamMap, { requireSync: true });
  protected readonly query = computed(() => parseSearchQuery(this.queryParamMap()));

  protected readonly mailboxes = rxResource({ stream: () => this.mailboxesApi.list() });
  protected readonly mailboxList = computed(() => (this.mailboxes.hasValue() ? this.mailboxes.value() : []));
  private readonly mailboxNames = computed(() => new Map(this.mailboxList().map((m) => [m.id, m.name])));

  /** Nothing is asked for until there is something to search for. */
  protected readonly result = rxResource({
    params: () => (this.query().q ? this.query() : undefined),
    stream: ({ params }) => this.api.search(params),
  });
  /** The last answer, kept on screen while the next page (or tab) loads. */
  private readonly answer = linkedSignal<SearchResult | undefined, SearchResult | undefined>({
    source: () => (this.result.hasValue() ? this.result.value() : undefined),
    computation: (result, previous) => result ?? previous?.value,
  });
  /** A refused query (too long, too many words) says what is wrong with it; anything else by its code. */
  protected readonly loadError = computed(() => {
    const error = this.result.error();
    if (!error) {
      return null;
    }
    const apiError = readApiError(error);
    const [field, problems] = Object.entries(apiError.fields)[0] ?? [];
    return this.i18n.render(field && problems?.length ? fieldErrorMessage(this.i18n, field, problems[0]) : errorMessage(this.i18n, apiError));
  });
  protected readonly hits = computed(() =>
    this.loadError() || !this.query().q
      ? []
      : (this.answer()?.items ?? []).map((hit) => ({
          ...hit,
          pieces: snippetPieces(hit.snippet ?? '', hit.marks ?? []),
          mailboxName: this.mailboxNames().get(hit.ticket.mailboxId) ?? '',
        })),
  );
  protected readonly total = computed(() => (this.loadError() ? 0 : (this.answer()?.total ?? 0)));
  /** What the paginator offers: the pages the server serves (the summary still says the whole total). */
  protected readonly pageable = computed(() => Math.min(this.total(), MAX_SEARCH_PAGE * this.query().pageSize));
  /** Settled: the answer shown is the one for the URL shown (not the previous one kept while loading). */
  protected readonly settled = computed(() => this.result.hasValue() && !this.result.isLoading() && !this.loadError());
  /** The server is opening a ticket instead (a code or Message-ID): no "nothing found" meanwhile. */
  protected readonly answerIsDirect = computed(() => this.result.hasValue() && !!this.result.value().direct);
  /** A mailbox or a state narrows the search: an empty answer offers to drop both. */
  protected readonly narrowed = computed(() => this.query().mailboxId !== undefined || this.query().state !== undefined);

  constructor() {
    // Back/forward and reload change the URL: show its query in the box.
    effect(() => {
      const q = this.query().q;
      untracked(() => {
        if (this.queryControl.value.trim() !== q) {
          this.queryControl.setValue(q);
        }
      });
    });

    // A code or Message-ID naming one ticket: open it in place of this page, so Back returns to
    // where the search was typed rather than to a page that would open the ticket again.
    effect(() => {
      const direct = this.result.hasValue() ? this.result.value().direct : null;
      if (direct) {
        untracked(() => void this.router.navigate(['/tickets', direct.ticketId], { replaceUrl: true }));
      }
    });

    // The ticket page's next/previous (j/k) walk the hits when a hit was opened from here.
    effect(() => {
      const ids = this.hits().map((hit) => hit.ticket.id);
      if (ids.length) {
        untracked(() => this.memory.pageIds.set(ids));
      }
    });

    afterNextRender(() => {
      if (!this.query().q) {
        this.queryInput()?.nativeElement.focus();
      }
    });
  }

  protected tabLabel(tab: SearchTab): MessageKey {
    return tab === 'all' ? 'common.all' : TICKET_STATE_LABELS[tab];
  }

  protected sortLabel(sort: SearchSort): MessageKey {
    return SORT_LABELS[sort];
  }

  /** The query's hits in a state tab (「すべて」 sums them); null while none is known. */
  protected countOf(tab: SearchTab): number | null {
    const counts = this.loadError() || !this.query().q ? undefined : this.answer()?.counts;
    if (!counts) {
      return null;
    }
    return tab === 'all' ? TICKET_STATES.reduce((sum, state) => sum + (counts[state] ?? 0), 0) : (counts[tab] ?? 0);
  }

  protected isActiveTab(tab: SearchTab): boolean {
    return (this.query().state ?? 'all') === tab;
  }

  /** A tab keeps the query, mailbox and order and starts at page 1. */
  protected tabQueryParams(tab: SearchTab) {
    return searchQueryParams({ ...this.query(), state: tab === 'all' ? undefined : tab, page: 1 });
  }

  /**
   * A new query over every state (the tabs then show where its hits are), keeping the mailbox
   * chosen; the same query again asks the server again.
   */
  protected submit(event: Event): void {
    // A form without a form group: Angular does not stop the browser's own submit (a page load).
    event.preventDefault();
    const q = this.queryControl.value.trim();
    const current = this.query();
    if (q === current.q && current.state === undefined && current.page === 1) {
      if (q) {
        this.result.reload();
      }
      return;
    }
    this.navigate({ ...current, q, state: undefined, page: 1 });
  }

  protected selectMailbox(mailboxId: number | null): void {
    this.navigate({ ...this.query(), mailboxId: mailboxId ?? undefined, page: 1 });
  }

  protected selectSort(sort: SearchSort): void {
    this.navigate({ ...this.query(), sort, page: 1 });
  }

  /** 「すべての状態・メールBOXで検索」 */
  protected widen(): void {
    this.navigate({ ...this.query(), mailboxId: undefined, state: undefined, page: 1 });
  }

  protected changePage(event: PageEvent): void {
    this.navigate({ ...this.query(), page: event.pageIndex + 1, pageSize: event.pageSize });
    // The paginator sits below the hits: bring the new page's first ones into view.
    this.host.nativeElement.scrollIntoView({ block: 'start' });
  }

  private navigate(query: TicketSearchQuery): void {
    void this.router.navigate([], { relativeTo: this.route, queryParams: searchQueryParams(query) });
  }
}
