import { ChangeDetectionStrategy, Component, computed, inject, signal } from '@angular/core';
import { rxResource } from '@angular/core/rxjs-interop';
import { FormsModule } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatDialog } from '@angular/material/dialog';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { MatPaginatorModule, type PageEvent } from '@angular/material/paginator';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { MatSelectModule } from '@angular/material/select';
import { MatTabsModule } from '@angular/material/tabs';
import { RouterLink } from '@angular/router';

import { readApiError } from '../api/api-error';
import { SmsApi, type SmsMessage, type SmsStatus, type SmsTemplate } from '../api/sms-api';
import { I18n } from '../i18n/i18n';
import { smsCancelNote } from './cancel-note';
import { confirmAction } from '../core/confirm-dialog';
import { Notifier } from '../core/notifier';
import { Session } from '../core/session';
import { StaffApi, type Staff } from '../api/staff-api';
import { DateTimePipe } from '../i18n/date-time-pipe';
import type { MessageKey } from '../i18n/ja';
import { TranslatePipe } from '../i18n/translate-pipe';
import { SmsSettingsPanel } from './sms-settings-panel';
import { openSmsTemplateDialog } from './sms-template-dialog';

const STATUSES: readonly SmsStatus[] = ['scheduled', 'queued', 'sent', 'delivered', 'undelivered', 'failed', 'cancelled'];

/**
 * SMS: 送信履歴 (every SMS, filtered by state and date, with 配信取消 for the scheduled ones) and
 * 雛形 (the templates the send dialog offers). Sending itself starts from the karte.
 */
@Component({
  selector: 'mg-sms-page',
  imports: [
    FormsModule,
    MatButtonModule,
    MatFormFieldModule,
    MatInputModule,
    MatPaginatorModule,
    MatProgressBarModule,
    MatSelectModule,
    MatTabsModule,
    RouterLink,
    SmsSettingsPanel,
    DateTimePipe,
    TranslatePipe,
  ],
  template: `
    <section class="page">
      <header class="page-header">
        <h1>{{ 'nav.sms' | t }}</h1>
      </header>
      <p class="muted">{{ 'sms.page.hint' | t }}</p>
      <mat-tab-group animationDuration="0ms">
        <mat-tab [label]="'sms.history.title' | t">
          <div class="filters">
            <mat-form-field subscriptSizing="dynamic">
              <mat-label>{{ 'sms.history.status' | t }}</mat-label>
              <mat-select [ngModel]="status()" (ngModelChange)="setStatus($event)" data-testid="sms-filter-status">
                <mat-option value="">{{ 'common.all' | t }}</mat-option>
                @for (s of statuses; track s) {
                  <mat-option [value]="s" [attr.data-testid]="'sms-filter-status-' + s">{{ statusLabel(s) | t }}</mat-option>
                }
              </mat-select>
            </mat-form-field>
            <mat-form-field subscriptSizing="dynamic">
              <mat-label>{{ 'sms.history.staff' | t }}</mat-label>
              <mat-select [ngModel]="staffId()" (ngModelChange)="setStaff($event)" data-testid="sms-filter-staff">
                <mat-option value="">{{ 'common.all' | t }}</mat-option>
                @for (s of staff.value(); track s.id) {
                  <mat-option [value]="s.id" [attr.data-testid]="'sms-filter-staff-' + s.id">{{ s.name }}</mat-option>
                }
              </mat-select>
            </mat-form-field>
            <mat-form-field subscriptSizing="dynamic">
              <mat-label>{{ 'sms.history.from' | t }}</mat-label>
              <input matInput type="date" [ngModel]="from()" (ngModelChange)="setFrom($event)" data-testid="sms-filter-from" />
            </mat-form-field>
            <mat-form-field subscriptSizing="dynamic">
              <mat-label>{{ 'sms.history.to' | t }}</mat-label>
              <input matInput type="date" [ngModel]="to()" (ngModelChange)="setTo($event)" data-testid="sms-filter-to" />
            </mat-form-field>
            <button mat-stroked-button type="button" (click)="messages.reload()" data-testid="sms-reload">{{ 'common.reload' | t }}</button>
          </div>
          <div class="progress">
            @if (messages.isLoading()) {
              <mat-progress-bar mode="indeterminate" />
            }
          </div>
          @if (messages.error()) {
            <p class="error-text" role="alert">{{ notifier.describe(readError(messages.error())) }}</p>
          }
          <div class="list" data-testid="sms-history">
            @for (sms of items(); track sms.id) {
              <article class="sms" data-testid="sms-row" [attr.data-sms-id]="sms.id" [attr.data-status]="sms.status">
                <header>
                  <span class="state" [class]="'state state-' + sms.status" data-testid="sms-status">{{ statusLabel(sms.status) | t }}</span>
                  <strong class="subject">{{ sms.subject }}</strong>
                  <span class="spacer"></span>
                  @if (sms.status === 'scheduled') {
                    <span class="muted">{{ 'sms.history.scheduledAt' | t: { at: (sms.scheduledAt | dateTime) } }}</span>
                  } @else if (sms.sentAt) {
                    <span class="muted">{{ 'sms.history.sentAt' | t: { at: (sms.sentAt | dateTime) } }}</span>
                  } @else if (sms.cancelledAt) {
                    <span class="muted">{{ 'sms.history.cancelledAt' | t: { at: (sms.cancelledAt | dateTime) } }}</span>
                  }
                </header>
                <p class="meta">
                  @if (sms.customer; as customer) {
                    <a [routerLink]="['/customers', customer.id]">{{ customer.code }} : {{ customer.name }}</a>
                  }
                  {{ sms.toNumber }} ・ {{ (sms.purpose === 'marketing' ? 'sms.purpose.marketing' : 'sms.purpose.transactional') | t }} ・
                  {{ 'sms.segmentsLine' | t: { length: sms.length, docomo: sms.segments.docomo, au: sms.segments.au, softbank: sms.segments.softbank } }}
                  @if (sms.captured) {
                    ・ {{ 'sms.history.captured' | t }}
                  }
                </p>
                <p class="body" data-testid="sms-body-text">{{ sms.body }}</p>
                @if (sms.links?.length) {
                  <ul class="links" data-testid="sms-links">
                    @for (link of sms.links; track link.position) {
                      <li data-testid="sms-link">
                        <a [href]="link.url" target="_blank" rel="noopener noreferrer">{{ link.url }}</a>
                        ・ <span data-testid="sms-link-clicks">{{ 'sms.history.clicks' | t: { count: link.clicks } }}</span>
                        @if (link.lastClickAt) {
                          ・ {{ 'sms.history.lastClick' | t: { at: (link.lastClickAt | dateTime) } }}
                        }
                      </li>
                    }
                  </ul>
                }
                @if (sms.status === 'failed' && sms.errorCode) {
                  <p class="error-text" data-testid="sms-failure">{{ errorText(sms.errorCode) }}@if (sms.errorDetail) { （{{ sms.errorDetail }}） }</p>
                }
                @if (sms.status === 'cancelled' && cancelNote(sms); as note) {
                  <p class="muted" data-testid="sms-cancel-note">{{ note }}</p>
                }
                @if (canSend()) {
                  <div class="actions">
                    @if (sms.status === 'failed') {
                      <button mat-stroked-button type="button" [disabled]="retrying() === sms.id" (click)="retry(sms)" data-testid="sms-retry">{{ 'sms.history.retry' | t }}</button>
                    }
                    <button
                      mat-stroked-button
                      type="button"
                      [disabled]="sms.status !== 'scheduled' && sms.status !== 'queued' || cancelling() === sms.id"
                      (click)="cancel(sms)"
                      data-testid="sms-cancel-scheduled"
                    >
                      {{ 'sms.history.cancel' | t }}
                    </button>
                  </div>
                }
              </article>
            } @empty {
              @if (!messages.isLoading()) {
                <p class="muted" data-testid="sms-history-empty">{{ 'sms.history.empty' | t }}</p>
              }
            }
          </div>
          <mat-paginator
            [length]="total()"
            [pageIndex]="page() - 1"
            [pageSize]="pageSize()"
            [pageSizeOptions]="[20, 50, 100]"
            (page)="changePage($event)"
            data-testid="sms-paginator"
          />
        </mat-tab>
        <mat-tab [label]="'sms.templates.title' | t">
          <div class="filters">
            @if (canEditTemplates()) {
              <button mat-flat-button type="button" (click)="editTemplate(null)" data-testid="sms-template-new">{{ 'sms.templates.new' | t }}</button>
            }
          </div>
          <div class="list" data-testid="sms-templates">
            @for (template of templates.value(); track template.id) {
              <article class="sms" data-testid="sms-template-row" [attr.data-template-id]="template.id">
                <header>
                  <strong>{{ template.name }}</strong>
                  @if (template.usedForOnlineMeeting) {
                    <span class="state">{{ 'sms.templates.onlineMeeting' | t }}</span>
                  }
                  <span class="spacer"></span>
                  @if (canEditTemplates()) {
                    <button mat-button type="button" (click)="editTemplate(template)" data-testid="sms-template-edit">{{ 'common.edit' | t }}</button>
                    <button mat-button type="button" (click)="deleteTemplate(template)" data-testid="sms-template-delete">{{ 'common.delete' | t }}</button>
                  }
                </header>
                <p class="meta">{{ template.subject }}</p>
                <p class="body">{{ template.body }}</p>
              </article>
            } @empty {
              <p class="muted" data-testid="sms-templates-empty">{{ 'sms.templates.empty' | t }}</p>
            }
          </div>
        </mat-tab>
        @if (canEditTemplates()) {
          <mat-tab [label]="'sms.settings.title' | t">
            <ng-template matTabContent>
              <mg-sms-settings-panel />
            </ng-template>
          </mat-tab>
        }
      </mat-tab-group>
    </section>
  `,
  styles: `
    .filters {
      display: flex;
      flex-wrap: wrap;
      gap: 12px;
      align-items: center;
      margin: 16px 0 8px;
    }
    .list {
      display: flex;
      flex-direction: column;
      gap: 8px;
    }
    .sms {
      border: 1px solid var(--mat-sys-outline-variant);
      border-radius: 8px;
      padding: 8px 12px;
    }
    .sms header {
      display: flex;
      flex-wrap: wrap;
      gap: 8px;
      align-items: baseline;
    }
    .spacer {
      flex: 1 1 auto;
    }
    .state {
      font: var(--mat-sys-label-medium);
      padding: 0 8px;
      border-radius: 10px;
      background: var(--mat-sys-surface-container-high);
    }
    .state-scheduled {
      background: var(--mat-sys-tertiary-container);
    }
    .state-failed {
      background: var(--mat-sys-error-container);
    }
    .meta {
      margin: 4px 0;
      font: var(--mat-sys-body-small);
      color: var(--mat-sys-on-surface-variant);
    }
    .body {
      white-space: pre-wrap;
      overflow-wrap: anywhere;
      margin: 4px 0;
    }
    .actions {
      display: flex;
      justify-content: flex-end;
      gap: 8px;
    }
    .links {
      margin: 4px 0;
      padding-left: 20px;
      font: var(--mat-sys-body-small);
      overflow-wrap: anywhere;
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class SmsPage {
  private readonly api = inject(SmsApi);
  private readonly dialog = inject(MatDialog);
  private readonly session = inject(Session);
  protected readonly notifier = inject(Notifier);
  private readonly i18n = inject(I18n);
  protected readonly statuses = STATUSES;
  protected readonly canSend = computed(() => this.session.can('sms.send'));
  protected readonly canEditTemplates = computed(() => this.session.can('sms.settings'));

  protected readonly status = signal<SmsStatus | ''>('');
  protected readonly staffId = signal<number | ''>('');
  protected readonly retrying = signal<number | null>(null);
  private readonly staffApi = inject(StaffApi);
  protected readonly staff = rxResource({ stream: () => this.staffApi.list(), defaultValue: [] as Staff[] });
  protected readonly from = signal('');
  protected readonly to = signal('');
  protected readonly page = signal(1);
  protected readonly pageSize = signal(50);
  protected readonly cancelling = signal<number | null>(null);

  protected readonly messages = rxResource({
    params: () => ({ status: this.status(), staffId: this.staffId(), from: this.from(), to: this.to(), page: this.page(), pageSize: this.pageSize() }),
    stream: ({ params }) =>
      this.api.list({
        status: params.status,
        staffId: params.staffId,
        // Whole local days: from the start of `from` to the end of `to`.
        ...(params.from ? { from: new Date(`${params.from}T00:00:00`).toISOString() } : {}),
        ...(params.to ? { to: new Date(new Date(`${params.to}T00:00:00`).getTime() + 24 * 3600_000).toISOString() } : {}),
        page: params.page,
        pageSize: params.pageSize,
      }),
  });
  protected readonly items = computed<(SmsMessage & { customer?: { id: number; code: string; name: string } | null })[]>(() =>
    this.messages.hasValue() ? this.messages.value().items : [],
  );
  protected readonly total = computed(() => (this.messages.hasValue() ? this.messages.value().total : 0));
  protected readonly templates = rxResource({ stream: () => this.api.templates(), defaultValue: [] as SmsTemplate[] });

  protected readError = readApiError;

  protected statusLabel(status: SmsStatus): MessageKey {
    return `sms.status.${status}`;
  }

  protected errorText(code: string): string {
    return this.notifier.describeCode(code);
  }

  /** Why it was cancelled, in the console's language: a consent refusal by its code, else who cancelled it. */
  protected cancelNote(sms: SmsMessage): string {
    return smsCancelNote(sms, (code) => this.notifier.describeCode(code), (name) => this.i18n.t('sms.history.cancelledBy', { name }));
  }

  protected setStaff(value: number | ''): void {
    this.staffId.set(value);
    this.page.set(1);
  }

  /** 再送: a failed SMS goes out again through the same outbox row (same idempotency key). */
  protected retry(sms: SmsMessage): void {
    this.retrying.set(sms.id);
    this.api.retry(sms.id).subscribe({
      next: () => {
        this.retrying.set(null);
        this.notifier.success('sms.history.retried');
        this.messages.reload();
      },
      error: (error: unknown) => {
        this.retrying.set(null);
        this.notifier.error(readApiError(error));
      },
    });
  }

  protected setStatus(value: SmsStatus | ''): void {
    this.status.set(value);
    this.page.set(1);
  }

  protected setFrom(value: string): void {
    this.from.set(value);
    this.page.set(1);
  }

  protected setTo(value: string): void {
    this.to.set(value);
    this.page.set(1);
  }

  protected changePage(event: PageEvent): void {
    this.pageSize.set(event.pageSize);
    this.page.set(event.pageIndex + 1);
  }

  /** 配信取消: asks first; a message the provider already has answers 409 with the reason. */
  protected cancel(sms: SmsMessage): void {
    confirmAction(this.dialog, { title: 'sms.history.cancelTitle', message: 'sms.history.cancelMessage', params: { subject: sms.subject }, confirm: 'sms.history.cancel' }).subscribe((ok) => {
      if (!ok) return;
      this.cancelling.set(sms.id);
      this.api.cancel(sms.id).subscribe({
        next: () => {
          this.cancelling.set(null);
          this.notifier.success('sms.history.cancelled');
          this.messages.reload();
        },
        error: (error: unknown) => {
          this.cancelling.set(null);
          this.notifier.error(error);
          this.messages.reload();
        },
      });
    });
  }

  protected editTemplate(template: SmsTemplate | null): void {
    openSmsTemplateDialog(this.dialog, template)
      .afterClosed()
      .subscribe((saved) => {
        if (saved) this.templates.reload();
      });
  }

  protected deleteTemplate(template: SmsTemplate): void {
    confirmAction(this.dialog, { title: 'sms.templates.deleteTitle', message: 'sms.templates.deleteMessage', params: { name: template.name }, confirm: 'common.delete' }).subscribe((ok) => {
      if (!ok) return;
      this.api.deleteTemplate(template.id).subscribe({
        next: () => this.templates.reload(),
        error: (error: unknown) => this.notifier.error(error),
      });
    });
  }
}
