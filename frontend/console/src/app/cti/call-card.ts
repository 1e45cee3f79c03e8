import { HttpClient, HttpParams } from '@angular/common/http';
import { ChangeDetectionStrategy, Component, computed, inject, input, output, signal } from '@angular/core';
import { rxResource } from '@angular/core/rxjs-interop';
import { FormsModule } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatCardModule } from '@angular/material/card';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatIconModule } from '@angular/material/icon';
import { MatInputModule } from '@angular/material/input';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { Router } from '@angular/router';
import { Observable, catchError, forkJoin, map, of } from 'rxjs';

import { CtiApi } from '../api/cti-api';
import { CustomersApi, type Customer } from '../api/customers-api';
import type { CallArrived } from '../api/events-api';
import { StaffApi } from '../api/staff-api';
import { TicketsApi, type TicketSummary } from '../api/tickets-api';
import { Notifier } from '../core/notifier';
import { Session } from '../core/session';
import { DateTimePipe } from '../i18n/date-time-pipe';
import type { MessageKey } from '../i18n/ja';
import { TranslatePipe } from '../i18n/translate-pipe';
import { fullName } from '../customers/customer-labels';
import { ListFlagBadge } from '../customers/list-flag-badge';

/** The few history fields the card lists. */
interface RecentEntry {
  id: number;
  createdAt: string;
  title: string;
  state: 'waiting' | 'in_progress' | 'done';
}

interface Known {
  customer: Customer;
  recent: RecentEntry[];
  /** Null when the user may not list tickets. */
  openTickets: TicketSummary[] | null;
}

const STATE_LABELS: Record<RecentEntry['state'], MessageKey> = {
  waiting: 'cti.state.waiting',
  in_progress: 'cti.state.in_progress',
  done: 'cti.state.done',
};

const EVENT_LABELS: Record<CallArrived['event'], MessageKey> = {
  ringing: 'cti.event.ringing',
  answered: 'cti.event.answered',
  ended: 'cti.event.ended',
};

/** Tickets read for the card; the open ones among them are shown. */
const TICKETS_READ = 50;
const OPEN_TICKETS_SHOWN = 5;
const SEARCH_RESULTS = 5;

/**
 * One incoming call: the caller's customer (name, code, phone, branch, 担当, last three history
 * entries, open tickets, a button to the karte); for an unknown number a customer search to link
 * the call to, or a new customer with the number; for several customers with the number, each
 * to choose.
 */
@Component({
  selector: 'mg-call-card',
  imports: [
    ListFlagBadge,
    FormsModule,
    MatButtonModule,
    MatCardModule,
    MatFormFieldModule,
    MatIconModule,
    MatInputModule,
    MatProgressBarModule,
    DateTimePipe,
    TranslatePipe,
  ],
  template: `
    <mat-card
      appearance="raised"
      class="card"
      data-testid="call-card"
      [attr.data-entry-id]="call().entryId"
      role="alert"
    >
      <div class="head">
        <span class="title">{{ 'cti.incoming' | t }}</span>
        <span class="status" data-testid="call-status">{{ eventLabel() | t }}</span>
        <button mat-button type="button" (click)="closed.emit()" data-testid="call-close">
          {{ 'common.close' | t }}
        </button>
      </div>
      <div class="phone" data-testid="call-phone">{{ call().phone }}</div>

      @if (customerIds().length === 1) {
        @if (known.value(); as k) {
          <div class="customer">
            <div class="name" data-testid="call-customer-name">
              {{ nameOf(k.customer) }} <mg-list-flag-badge [flag]="k.customer.listFlag" />
            </div>
            <dl>
              <dt>{{ 'customer.code' | t }}</dt>
              <dd data-testid="call-customer-code">{{ k.customer.code }}</dd>
              <dt>{{ 'cti.phone' | t }}</dt>
              <dd>{{ phonesOf(k.customer) }}</dd>
              <dt>{{ 'customer.branch' | t }}</dt>
              <dd>{{ k.customer.branch ?? '—' }}</dd>
              <dt>{{ 'customer.assignees' | t }}</dt>
              <dd data-testid="call-customer-assignees">{{ assigneeNames(k.customer) }}</dd>
            </dl>
            <h4>{{ 'cti.recentHistory' | t }}</h4>
            @if (k.recent.length) {
              <ul class="rows" data-testid="call-recent-history">
                @for (e of k.recent; track e.id) {
                  <li>
                    <span class="when">{{ e.createdAt | dateTime }}</span>
                    <span class="state">{{ stateLabel(e.state) | t }}</span>
                    <span class="text">{{ e.title }}</span>
                  </li>
                }
              </ul>
            } @else {
              <p class="muted">{{ 'cti.noHistory' | t }}</p>
            }
            @if (k.openTickets !== null) {
              <h4>{{ 'cti.openTickets' | t }}</h4>
              @if (k.openTickets.length) {
                <ul class="rows" data-testid="call-open-tickets">
                  @for (ticket of k.openTickets; track ticket.id) {
                    <li>
                      <span class="when">{{ ticket.code }}</span>
                      <span class="text">{{ ticket.subject }}</span>
                    </li>
                  }
                </ul>
              } @else {
                <p class="muted">{{ 'cti.noOpenTickets' | t }}</p>
              }
            }
          </div>
          <div class="actions">
            <button
              mat-flat-button
              type="button"
              (click)="openKarte(k.customer.id)"
              data-testid="call-open-karte"
            >
              {{ 'cti.openKarte' | t }}
            </button>
          </div>
        } @else if (known.error()) {
          <p class="error-text">{{ 'cti.loadFailed' | t }}</p>
        } @else {
          <mat-progress-bar mode="indeterminate" />
        }
      } @else if (customerIds().length > 1) {
        <p>{{ 'cti.several' | t: { n: customerIds().length } }}</p>
        @if (candidates.value(); as list) {
          <ul class="candidates" data-testid="call-candidates">
            @for (c of list; track c.id) {
              <li data-testid="call-candidate" [attr.data-customer-id]="c.id">
                <span class="text"
                  >{{ nameOf(c) }} <span class="muted">{{ c.code }} {{ c.branch ?? '' }}</span></span
                >
                @if (canLink()) {
                  <button
                    mat-stroked-button
                    type="button"
                    [disabled]="linking()"
                    (click)="linkTo(c.id)"
                    data-testid="call-choose"
                  >
                    {{ 'cti.choose' | t }}
                  </button>
                } @else {
                  <button mat-stroked-button type="button" (click)="openKarte(c.id)">
                    {{ 'cti.openKarte' | t }}
                  </button>
                }
              </li>
            }
          </ul>
        } @else {
          <mat-progress-bar mode="indeterminate" />
        }
      } @else {
        <p data-testid="call-unknown">{{ 'cti.unknown' | t }}</p>
        <div class="actions">
          @if (canLink()) {
            <button
              mat-stroked-button
              type="button"
              (click)="searching.set(!searching())"
              data-testid="call-link"
            >
              {{ 'cti.linkToCustomer' | t }}
            </button>
          }
          @if (canCreate()) {
            <button mat-stroked-button type="button" (click)="newCustomer()" data-testid="call-new-customer">
              {{ 'cti.newCustomer' | t }}
            </button>
          }
        </div>
        @if (searching()) {
          <form class="search" (ngSubmit)="search()">
            <mat-form-field subscriptSizing="dynamic">
              <mat-label>{{ 'cti.searchCustomer' | t }}</mat-label>
              <input
                matInput
                name="q"
                [(ngModel)]="query"
                maxlength="200"
                autocomplete="off"
                data-testid="call-search"
              />
            </mat-form-field>
            <button
              mat-icon-button
              type="submit"
              [attr.aria-label]="'common.search' | t"
              data-testid="call-search-submit"
            >
              <mat-icon svgIcon="search" />
            </button>
          </form>
          @if (results(); as found) {
            @if (found.length) {
              <ul class="candidates" data-testid="call-search-results">
                @for (c of found; track c.id) {
                  <li data-testid="call-search-result" [attr.data-customer-id]="c.id">
                    <span class="text"
                      >{{ nameOf(c) }} <span class="muted">{{ c.code }} {{ phonesOf(c) }}</span></span
                    >
                    <button
                      mat-stroked-button
                      type="button"
                      [disabled]="linking()"
                      (click)="linkTo(c.id)"
                      data-testid="call-choose"
                    >
                      {{ 'cti.choose' | t }}
                    </button>
                  </li>
                }
              </ul>
            } @else {
              <p class="muted">{{ 'cti.noResults' | t }}</p>
            }
          }
        }
      }
    </mat-card>
  `,
  styles: `
    .card {
      width: min(380px, calc(100vw - 32px));
      max-height: calc(100vh - 120px);
      overflow: auto;
      padding: 12px 16px;
    }
    .head {
      display: flex;
      align-items: center;
      gap: 8px;
    }
    .title {
      font-weight: 600;
      flex: 1 1 auto;
    }
    .status {
      color: var(--mat-sys-primary);
      font-size: 0.875rem;
    }
    .phone {
      font-size: 1.25rem;
      font-variant-numeric: tabular-nums;
      margin-bottom: 8px;
    }
    .name {
      font-size: 1.125rem;
      font-weight: 600;
    }
    dl {
      display: grid;
      grid-template-columns: auto 1fr;
      gap: 2px 12px;
      margin: 8px 0;
    }
    dt {
      color: var(--mat-sys-on-surface-variant);
    }
    dd {
      margin: 0;
    }
    h4 {
      margin: 12px 0 4px;
      font-size: 0.875rem;
    }
    .rows,
    .candidates {
      list-style: none;
      margin: 0;
      padding: 0;
    }
    .rows li {
      display: flex;
      gap: 8px;
      padding: 2px 0;
      font-size: 0.875rem;
    }
    .candidates li {
      display: flex;
      align-items: center;
      justify-content: space-between;
      gap: 8px;
      padding: 4px 0;
      border-bottom: 1px solid var(--mat-sys-outline-variant);
    }
    .when,
    .state,
    .muted {
      color: var(--mat-sys-on-surface-variant);
      white-space: nowrap;
    }
    .text {
      overflow: hidden;
      text-overflow: ellipsis;
    }
    .actions {
      display: flex;
      flex-wrap: wrap;
      gap: 8px;
      margin-top: 12px;
    }
    .search {
      display: flex;
      align-items: center;
      gap: 4px;
      margin-top: 8px;
    }
    .search mat-form-field {
      flex: 1 1 auto;
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class CallCard {
  private readonly http = inject(HttpClient);
  private readonly router = inject(Router);
  private readonly ctiApi = inject(CtiApi);
  private readonly customersApi = inject(CustomersApi);
  private readonly ticketsApi = inject(TicketsApi);
  private readonly notifier = inject(Notifier);
  private readonly session = inject(Session);

  readonly call = input.required<CallArrived>();
  readonly closed = output<void>();

  /** Set once this agent linked the call: the card then shows that customer. */
  private readonly linkedTo = signal<number | null>(null);
  protected readonly customerIds = computed(() => {
    const linked = this.linkedTo();
    return linked !== null ? [linked] : this.call().customerIds;
  });
  protected readonly canLink = computed(
    () => this.call().entryId !== null && this.session.can('customers.write'),
  );
  protected readonly canCreate = computed(() => this.session.can('customers.write'));
  protected readonly eventLabel = computed(() => EVENT_LABELS[this.call().event]);
  protected readonly linking = signal(false);
  protected readonly searching = signal(false);
  protected readonly results = signal<Customer[] | null>(null);
  protected query = '';

  private readonly staffApi = inject(StaffApi);
  private readonly staff = rxResource({ stream: () => this.staffApi.list().pipe(catchError(() => of([]))) });
  private readonly staffNames = computed(
    () => new Map((this.staff.hasValue() ? this.staff.value() : []).map((s) => [s.id, s.name])),
  );

  protected readonly known = rxResource({
    params: () => (this.customerIds().length === 1 ? this.customerIds()[0] : undefined),
    stream: ({ params: id }) => this.loadKnown(id),
  });

  private loadKnown(id: number): Observable<Known> {
    return forkJoin({
      customer: this.customersApi.get(id),
      recent: this.http
        .get<{ items: RecentEntry[] }>(`/api/customers/${id}/history`, {
          params: new HttpParams().set('pageSize', 3),
        })
        .pipe(map((page) => page.items)),
      openTickets: this.ticketsApi.byCustomer(id, TICKETS_READ).pipe(
        map((page) =>
          page.items.filter((t) => !t.spam && t.state !== 'handled').slice(0, OPEN_TICKETS_SHOWN),
        ),
        catchError(() => of(null)),
      ),
    });
  }

  protected readonly candidates = rxResource({
    // As text, so a later event of the same call (a new array, the same ids) does not load them again.
    params: () => (this.customerIds().length > 1 ? this.customerIds().join(',') : undefined),
    stream: ({ params: ids }) =>
      forkJoin(
        ids.split(',').map((id) => this.customersApi.get(Number(id)).pipe(catchError(() => of(null)))),
      ).pipe(map((list) => list.filter((c): c is Customer => c !== null))),
  });

  protected nameOf(c: Customer): string {
    return fullName(c.lastName, c.firstName);
  }

  protected phonesOf(c: Customer): string {
    return [c.tel, c.mobile].filter(Boolean).join(' / ') || '—';
  }

  protected assigneeNames(c: Customer): string {
    const names = this.staffNames();
    return c.assigneeIds.map((id) => names.get(id) ?? `#${id}`).join('、') || '—';
  }

  protected stateLabel(state: RecentEntry['state']): MessageKey {
    return STATE_LABELS[state];
  }

  protected openKarte(customerId: number): void {
    const entryId = this.call().entryId;
    void this.router.navigate(
      ['/customers', customerId],
      entryId !== null ? { queryParams: { entry: entryId } } : {},
    );
    this.closed.emit();
  }

  protected newCustomer(): void {
    void this.router.navigate(['/customers/new'], { queryParams: { tel: this.call().phone } });
    this.closed.emit();
  }

  protected search(): void {
    const q = this.query.trim();
    if (!q) {
      return;
    }
    this.customersApi.search({ q, filters: {}, page: 1, pageSize: SEARCH_RESULTS }).subscribe({
      next: (page) => this.results.set(page.items),
      error: (error: unknown) => this.notifier.error(error),
    });
  }

  protected linkTo(customerId: number): void {
    const entryId = this.call().entryId;
    if (entryId === null) {
      return;
    }
    this.linking.set(true);
    this.ctiApi.link(entryId, customerId).subscribe({
      next: () => {
        this.linking.set(false);
        this.searching.set(false);
        this.linkedTo.set(customerId);
        this.notifier.success('cti.linked');
      },
      error: (error: unknown) => {
        this.linking.set(false);
        this.notifier.error(error);
      },
    });
  }
}
