import { japaneseMobile } from '@madoguchi/sms-shared/mobile';
import { openSmsSendDialog } from '../sms/sms-send-dialog';
import { MatDialog } from '@angular/material/dialog';
import { ChangeDetectionStrategy, Component, computed, inject, input, output, signal } from '@angular/core';
import { rxResource, toSignal } from '@angular/core/rxjs-interop';
import { FormControl, ReactiveFormsModule } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatIconModule } from '@angular/material/icon';
import { MatInputModule } from '@angular/material/input';
import { RouterLink } from '@angular/router';
import { catchError, debounceTime, distinctUntilChanged, map, of, switchMap } from 'rxjs';

import { CustomersApi, type Customer } from '../api/customers-api';
import { ListFlagBadge } from '../customers/list-flag-badge';
import { HistoryApi } from '../api/history-api';
import { StaffApi } from '../api/staff-api';
import { TicketsApi, type TicketDetail } from '../api/tickets-api';
import { Notifier } from '../core/notifier';
import { Session } from '../core/session';
import { REGISTRATION_STATE_LABELS, fullName } from '../customers/customer-labels';
import { HISTORY_STATE_LABELS } from '../customers/history-labels';
import { DateTimePipe } from '../i18n/date-time-pipe';
import { TranslatePipe } from '../i18n/translate-pipe';
import { TicketStateChip } from './ticket-state-chip';

/** How many of the customer's other tickets the panel lists. */
const OTHER_TICKETS = 5;
/** How many of the customer's latest response-history entries it shows. */
const RECENT_HISTORY = 3;

/**
 * The ticket's customer beside the conversation: the linked customer's card (name, code, phones,
 * 担当, branch, registration state) and their other tickets; for a sender who is no customer yet,
 * 「顧客に紐付け」 (search and link) and 「顧客として登録」 (a customer made from the mail, linked).
 */
@Component({
  selector: 'mg-customer-panel',
  imports: [
    ListFlagBadge,
    ReactiveFormsModule,
    RouterLink,
    MatButtonModule,
    MatFormFieldModule,
    MatIconModule,
    MatInputModule,
    DateTimePipe,
    TranslatePipe,
    TicketStateChip,
  ],
  template: `
    <section
      class="customer-panel"
      [attr.aria-label]="'customerPanel.title' | t"
      data-testid="customer-panel"
    >
      <h2>{{ 'customerPanel.title' | t }}</h2>
      @if (!canRead()) {
        <p class="muted" data-testid="customer-panel-no-right">{{ 'customerPanel.noRight' | t }}</p>
      } @else if (customer(); as c) {
        <dl class="card" data-testid="customer-card">
          <dt>{{ 'customerPanel.name' | t }}</dt>
          <dd>
            <a [routerLink]="['/customers', c.id]" data-testid="customer-card-name">{{ name(c) }}</a>
            <span class="muted code">{{ c.code }}</span>
            <mg-list-flag-badge [flag]="c.listFlag" />
          </dd>
          @if (c.tel || c.mobile) {
            <dt>{{ 'customerPanel.phones' | t }}</dt>
            <dd data-testid="customer-card-phones">{{ phones(c) }}</dd>
          }
          @if (assignees(c); as names) {
            <dt>{{ 'customerPanel.assignees' | t }}</dt>
            <dd>{{ names }}</dd>
          }
          @if (c.branch) {
            <dt>{{ 'customerPanel.branch' | t }}</dt>
            <dd>{{ c.branch }}</dd>
          }
          <dt>{{ 'customerPanel.registration' | t }}</dt>
          <dd data-testid="customer-card-registration">{{ registrationLabels[c.registrationState] | t }}</dd>
        </dl>
        @if (canSendSms()) {
          @if (mobileOf(c); as mobile) {
            <button
              mat-stroked-button
              type="button"
              (click)="sendSms(c, mobile)"
              data-testid="ticket-send-sms"
            >
              {{ 'sms.karte.send' | t }}
            </button>
          } @else {
            <p class="muted small" data-testid="ticket-sms-unavailable">{{ 'sms.karte.noMobile' | t }}</p>
          }
        }
        <h3>{{ 'customerPanel.otherTickets' | t }}</h3>
        <ul class="others" data-testid="customer-other-tickets">
          @for (other of otherTickets(); track other.id) {
            <li>
              <a [routerLink]="['/tickets', other.id]" data-testid="customer-other-ticket"
                >{{ other.code }} {{ other.subject }}</a
              >
              <mg-ticket-state-chip [state]="other.state" />
              <span class="muted">{{ other.lastActivityAt | dateTime }}</span>
            </li>
          } @empty {
            <li class="muted">{{ 'customerPanel.noOtherTickets' | t }}</li>
          }
        </ul>
        <h3>{{ 'customerPanel.recentHistory' | t }}</h3>
        <ul class="others" data-testid="customer-recent-history">
          @for (entry of recentHistory(); track entry.id) {
            <li>
              <a
                [routerLink]="['/customers', c.id]"
                [queryParams]="{ entry: entry.id }"
                data-testid="customer-history-entry"
                >{{ entry.title }}</a
              >
              <span class="state">{{ historyStates[entry.state] | t }}</span>
              <span class="muted">{{ entry.createdAt | dateTime }}</span>
            </li>
          } @empty {
            <li class="muted">{{ 'customerPanel.noHistory' | t }}</li>
          }
        </ul>
        @if (canLink()) {
          <button mat-button type="button" (click)="link(null)" data-testid="customer-unlink">
            {{ 'customerPanel.unlink' | t }}
          </button>
        }
      } @else if (ticket().customerId) {
        <p class="muted">{{ 'customerPanel.loading' | t }}</p>
      } @else {
        <p class="muted" data-testid="customer-panel-unknown">{{ 'customerPanel.unknownSender' | t }}</p>
        @if (canLink()) {
          <mat-form-field subscriptSizing="dynamic" class="search">
            <mat-label>{{ 'customerPanel.search' | t }}</mat-label>
            <input matInput [formControl]="search" data-testid="customer-link-search" />
          </mat-form-field>
          <ul class="matches">
            @for (match of matches(); track match.id) {
              <li>
                <button
                  mat-stroked-button
                  type="button"
                  (click)="link(match.id)"
                  data-testid="customer-link-match"
                >
                  {{ name(match) }} <span class="muted">{{ match.code }} {{ match.email ?? '' }}</span>
                </button>
              </li>
            }
          </ul>
          @if (canWrite()) {
            <button
              mat-flat-button
              type="button"
              [disabled]="busy()"
              (click)="register()"
              data-testid="customer-register"
            >
              <mat-icon svgIcon="add" />
              {{ 'customerPanel.register' | t }}
            </button>
          }
        }
      }
    </section>
  `,
  styles: `
    .customer-panel {
      border: 1px solid var(--mat-sys-outline-variant);
      border-radius: 8px;
      padding: 8px 16px;
      margin: 8px 0;
    }
    h2 {
      font: var(--mat-sys-title-small);
      margin: 4px 0 8px;
    }
    h3 {
      font: var(--mat-sys-label-large);
      margin: 12px 0 4px;
    }
    .card {
      display: grid;
      grid-template-columns: max-content minmax(0, 1fr);
      gap: 4px 12px;
      margin: 0;
    }
    .card dd {
      margin: 0;
    }
    .code {
      margin-left: 8px;
    }
    ul {
      list-style: none;
      margin: 0;
      padding: 0;
    }
    .others li {
      display: flex;
      flex-wrap: wrap;
      gap: 8px;
      align-items: center;
      padding: 2px 0;
    }
    .search {
      width: 100%;
      max-width: 360px;
    }
    .matches li {
      margin: 4px 0;
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class CustomerPanel {
  private readonly customersApi = inject(CustomersApi);
  private readonly ticketsApi = inject(TicketsApi);
  private readonly staffApi = inject(StaffApi);
  private readonly historyApi = inject(HistoryApi);
  private readonly session = inject(Session);
  private readonly notifier = inject(Notifier);
  private readonly dialog = inject(MatDialog);
  /** SMS送信 from the ticket: the SMS is recorded against it (and its customer's history). */
  protected readonly canSendSms = computed(() => this.session.can('sms.send'));
  protected mobileOf(c: { mobile: string | null }): string | null {
    return japaneseMobile(c.mobile)?.national ?? null;
  }
  protected sendSms(
    c: { id: number; lastName: string; firstName: string | null; listFlag?: Customer['listFlag'] },
    mobile: string,
  ): void {
    openSmsSendDialog(this.dialog, {
      customer: { id: c.id, name: `${c.lastName} ${c.firstName ?? ''}`.trim(), mobile, listFlag: c.listFlag },
      ticketId: this.ticket().id,
    });
  }

  readonly ticket = input.required<TicketDetail>();
  /** Linking or registering a customer may change the ticket: the page reloads it. */
  readonly changed = output<void>();

  protected readonly registrationLabels = REGISTRATION_STATE_LABELS;
  protected readonly historyStates = HISTORY_STATE_LABELS;
  protected readonly canRead = computed(() => this.session.can('customers.read'));
  protected readonly canWrite = computed(() => this.session.can('customers.write'));
  protected readonly canLink = computed(
    () => this.canRead() && this.session.canOnMailbox(this.ticket().mailboxId, 'reply'),
  );
  protected readonly busy = signal(false);

  private readonly customerResource = rxResource({
    params: () => (this.canRead() && this.ticket().customerId ? this.ticket().customerId! : undefined),
    stream: ({ params: id }) => this.customersApi.get(id).pipe(catchError(() => of(null))),
  });
  protected readonly customer = computed(() =>
    this.customerResource.hasValue() ? this.customerResource.value() : null,
  );

  private readonly othersResource = rxResource({
    params: () =>
      this.customer() ? { customerId: this.customer()!.id, ticketId: this.ticket().id } : undefined,
    stream: ({ params }) =>
      this.ticketsApi.byCustomer(params.customerId, OTHER_TICKETS + 1).pipe(
        map((page) => page.items.filter((t) => t.id !== params.ticketId).slice(0, OTHER_TICKETS)),
        catchError(() => of([])),
      ),
  });
  protected readonly otherTickets = computed(() =>
    this.othersResource.hasValue() ? this.othersResource.value() : [],
  );

  /** The customer's latest 対応履歴 (reloaded with the ticket, so a note just written shows). */
  private readonly historyResource = rxResource({
    params: () => (this.customer() ? { customerId: this.customer()!.id, ticket: this.ticket() } : undefined),
    stream: ({ params }) =>
      this.historyApi
        .search(params.customerId, {
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
          pageSize: RECENT_HISTORY,
        })
        .pipe(
          map((page) => page.items),
          catchError(() => of([])),
        ),
  });
  protected readonly recentHistory = computed(() =>
    this.historyResource.hasValue() ? this.historyResource.value() : [],
  );

  private readonly staff = rxResource({ stream: () => this.staffApi.list().pipe(catchError(() => of([]))) });

  protected readonly search = new FormControl('', { nonNullable: true });
  protected readonly matches = toSignal(
    this.search.valueChanges.pipe(
      map((q) => q.trim()),
      debounceTime(300),
      distinctUntilChanged(),
      switchMap((q) =>
        q
          ? this.customersApi.search({ q, filters: {}, page: 1, pageSize: 5 }).pipe(
              map((p) => p.items),
              catchError(() => of([])),
            )
          : of([] as Customer[]),
      ),
    ),
    { initialValue: [] as Customer[] },
  );

  protected name(c: Customer): string {
    return fullName(c.lastName, c.firstName);
  }

  protected phones(c: Customer): string {
    return [c.tel, c.mobile].filter((x) => !!x).join(' / ');
  }

  protected assignees(c: Customer): string {
    const staff = this.staff.hasValue() ? this.staff.value() : [];
    return c.assigneeIds
      .map((id) => staff.find((s) => s.id === id)?.name)
      .filter(Boolean)
      .join('、');
  }

  protected link(customerId: number | null): void {
    this.busy.set(true);
    this.ticketsApi.update(this.ticket().id, { customerId }).subscribe({
      next: () => {
        this.busy.set(false);
        this.notifier.success(customerId === null ? 'customerPanel.unlinked' : 'customerPanel.linked');
        this.changed.emit();
      },
      error: (e: unknown) => {
        this.busy.set(false);
        this.notifier.error(e);
      },
    });
  }

  /** 顧客として登録: a customer from the mail's sender (name split at the first space), then linked. */
  protected register(): void {
    const contact = this.ticket().contact;
    const [last, ...rest] = (contact.name || contact.address.split('@')[0] || '').trim().split(/[\s\u3000]+/);
    this.busy.set(true);
    this.customersApi
      .create({
        lastName: last || contact.address,
        firstName: rest.join(' ') || null,
        lastNameKana: null,
        firstNameKana: null,
        companyName: null,
        department: null,
        email: contact.address || null,
        tel: null,
        mobile: null,
        postalCode: null,
        address: null,
        branch: null,
        assigneeIds: [],
        registrationState: 'provisional',
        listFlag: 'normal',
        comment: null,
        birthday: null,
        smsConsent: false,
      })
      .subscribe({
        next: (created) => this.link(created.id),
        error: (e: unknown) => {
          this.busy.set(false);
          this.notifier.error(e);
        },
      });
  }
}
