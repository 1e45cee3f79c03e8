import { ChangeDetectionStrategy, Component, computed, inject, input, signal } from '@angular/core';
import { rxResource } from '@angular/core/rxjs-interop';
import { HttpClient } from '@angular/common/http';
import { FormsModule } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { MatSelectModule } from '@angular/material/select';
import { MatDialog } from '@angular/material/dialog';
import { MatPaginatorModule, type PageEvent } from '@angular/material/paginator';
import { RouterLink } from '@angular/router';

import { readApiError } from '../api/api-error';
import { SmsApi, type SmsMessage, type SmsStatus } from '../api/sms-api';
import { smsCancelNote } from '../sms/cancel-note';
import { confirmAction } from '../core/confirm-dialog';
import { Notifier } from '../core/notifier';
import { Session } from '../core/session';
import { DateTimePipe } from '../i18n/date-time-pipe';
import { I18n } from '../i18n/i18n';
import type { MessageKey } from '../i18n/ja';
import { TranslatePipe } from '../i18n/translate-pipe';

const PAGE_SIZE = 10;

type ConsentMethod = 'form' | 'phone' | 'mypage' | 'paper' | 'import' | 'sms';
const METHODS: readonly ConsentMethod[] = ['phone', 'paper', 'form', 'mypage', 'import'];

/** `GET /api/customers/:id/sms-consent`: the newest record and the history, newest first. */
interface SmsConsentView {
  customerId: number;
  current: { optIn: boolean | null; method: ConsentMethod | null; at: string | null; by: { id: number; name: string } | null };
  history: { id: number; optIn: boolean; method: ConsentMethod; note: string | null; createdAt: string; by: { id: number; name: string } | null }[];
}

/**
 * SMS on the karte: the customer's 送信履歴 (sent, 予約中, 配信取消 with when and why, failed
 * with the provider's reason, delivered), newest first, with 配信取消 for a scheduled one.
 * `reload` is bumped by the karte after the send dialog closes.
 */
@Component({
  selector: 'mg-customer-sms',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [FormsModule, MatButtonModule, MatFormFieldModule, MatInputModule, MatSelectModule, MatPaginatorModule, RouterLink, TranslatePipe, DateTimePipe],
  template: `
    <div class="section-header">
      <h3>{{ 'sms.karte.history' | t }}</h3>
      <span class="spacer"></span>
      <a mat-button routerLink="/sms">{{ 'sms.karte.all' | t }}</a>
    </div>
    @if (consent.value(); as c) {
      <div class="consent" data-testid="customer-sms-consent" [attr.data-opt-in]="c.current.optIn">
        <span>{{ 'sms.consent.title' | t }}:</span>
        <strong data-testid="customer-sms-consent-state">{{ (c.current.optIn === null ? 'sms.consent.none' : c.current.optIn ? 'sms.consent.in' : 'sms.consent.out') | t }}</strong>
        @if (c.current.at) {
          <span class="muted">{{ 'sms.consent.line' | t: { at: (c.current.at | dateTime), method: (methodLabel(c.current.method) | t), by: c.current.by?.name ?? '—' } }}</span>
        }
        <span class="spacer"></span>
        @if (canWrite() && !recording()) {
          <button mat-stroked-button type="button" (click)="startRecording(c.current.optIn !== true)" data-testid="customer-sms-consent-record">
            {{ (c.current.optIn === true ? 'sms.consent.recordOut' : 'sms.consent.recordIn') | t }}
          </button>
        }
      </div>
      @if (recording()) {
        <form class="consent-form" (ngSubmit)="saveConsent()" data-testid="customer-sms-consent-form">
          <strong>{{ (optIn() ? 'sms.consent.recordIn' : 'sms.consent.recordOut') | t }}</strong>
          <mat-form-field subscriptSizing="dynamic">
            <mat-label>{{ 'sms.consent.method' | t }}</mat-label>
            <mat-select [(ngModel)]="method" name="method" data-testid="customer-sms-consent-method">
              @for (m of methods; track m) {
                <mat-option [value]="m" [attr.data-testid]="'customer-sms-consent-method-' + m">{{ methodLabel(m) | t }}</mat-option>
              }
            </mat-select>
          </mat-form-field>
          <mat-form-field subscriptSizing="dynamic" class="note">
            <mat-label>{{ 'sms.consent.note' | t }}</mat-label>
            <input matInput [(ngModel)]="note" name="note" maxlength="500" data-testid="customer-sms-consent-note" />
          </mat-form-field>
          <button mat-button type="button" (click)="recording.set(false)">{{ 'common.cancel' | t }}</button>
          <button mat-flat-button type="submit" [disabled]="savingConsent()" data-testid="customer-sms-consent-save">{{ 'common.save' | t }}</button>
        </form>
      }
      @if (c.history.length > 1) {
        <details class="consent-history">
          <summary>{{ 'sms.consent.history' | t: { count: c.history.length } }}</summary>
          <ul data-testid="customer-sms-consent-history">
            @for (h of c.history; track h.id) {
              <li>{{ h.createdAt | dateTime }} ・ {{ (h.optIn ? 'sms.consent.in' : 'sms.consent.out') | t }} ・ {{ methodLabel(h.method) | t }} ・ {{ h.by?.name ?? '—' }}@if (h.note) { ・ {{ h.note }} }</li>
            }
          </ul>
        </details>
      }
    }
    @if (loadError(); as error) {
      <p class="error-text" role="alert" data-testid="customer-sms-error">{{ error }}</p>
    } @else if (messages.value(); as page) {
      @if (page.items.length) {
        <table data-testid="customer-sms">
          <tbody>
            @for (sms of page.items; track sms.id) {
              <tr data-testid="customer-sms-row" [attr.data-status]="sms.status">
                <td class="nowrap">{{ (sms.sentAt ?? sms.scheduledAt ?? sms.createdAt) | dateTime }}</td>
                <td class="nowrap" data-testid="customer-sms-status">{{ statusLabel(sms.status) | t }}</td>
                <td class="body">
                  <span class="subject">{{ sms.subject }}</span>
                  {{ sms.body }}
                  @if (sms.status === 'failed' && sms.errorCode) {
                    <span class="error-text block">{{ errorText(sms.errorCode) }}</span>
                  }
                  @if (sms.status === 'cancelled' && sms.cancelledAt) {
                    <span class="muted block">{{ 'sms.history.cancelledAt' | t: { at: (sms.cancelledAt | dateTime) } }}@if (cancelNote(sms); as note) { ・ {{ note }} }</span>
                  }
                </td>
                <td class="nowrap muted">{{ (sms.purpose === 'marketing' ? 'sms.purpose.marketing' : 'sms.purpose.transactional') | t }}</td>
                <td class="nowrap">
                  @if (canSend() && (sms.status === 'scheduled' || sms.status === 'queued')) {
                    <button mat-button type="button" (click)="cancel(sms)" [disabled]="cancelling() === sms.id" data-testid="customer-sms-cancel">{{ 'sms.history.cancel' | t }}</button>
                  }
                </td>
              </tr>
            }
          </tbody>
        </table>
        @if (page.total > pageSize) {
          <mat-paginator [length]="page.total" [pageIndex]="page0()" [pageSize]="pageSize" [hidePageSize]="true" (page)="changePage($event)" />
        }
      } @else {
        <p class="muted" data-testid="customer-sms-empty">{{ 'sms.history.empty' | t }}</p>
      }
    }
  `,
  styles: `
    :host {
      display: block;
      margin-top: 24px;
    }
    .section-header {
      display: flex;
      align-items: center;
      gap: 8px;
    }
    .spacer {
      flex: 1 1 auto;
    }
    h3 {
      margin: 0;
    }
    table {
      width: 100%;
      border-collapse: collapse;
    }
    td {
      padding: 6px 8px;
      border-bottom: 1px solid var(--mat-sys-outline-variant);
      vertical-align: top;
    }
    .body {
      white-space: pre-wrap;
      overflow-wrap: anywhere;
    }
    .subject {
      font-weight: 600;
      margin-right: 8px;
    }
    .block {
      display: block;
    }
    .consent,
    .consent-form {
      display: flex;
      flex-wrap: wrap;
      gap: 8px;
      align-items: center;
      margin: 8px 0;
    }
    .consent-form .note {
      flex: 1 1 240px;
    }
    .consent-history ul {
      margin: 4px 0;
      padding-left: 20px;
    }
  `,
})
export class CustomerSms {
  private readonly api = inject(SmsApi);
  private readonly notifier = inject(Notifier);
  private readonly dialog = inject(MatDialog);
  private readonly i18n = inject(I18n);
  private readonly session = inject(Session);
  readonly customerId = input.required<number>();
  /** Bumped by the karte when an SMS was sent from it. */
  readonly reload = input(0);

  protected readonly pageSize = PAGE_SIZE;
  protected readonly page0 = signal(0);
  protected readonly cancelling = signal<number | null>(null);
  protected readonly canSend = computed(() => this.session.can('sms.send'));
  protected readonly canWrite = computed(() => this.session.can('customers.write'));
  private readonly http = inject(HttpClient);
  protected readonly methods = METHODS;
  protected readonly consent = rxResource({
    params: () => this.customerId(),
    stream: ({ params }) => this.http.get<SmsConsentView>(`/api/customers/${params}/sms-consent`),
  });
  protected readonly recording = signal(false);
  protected readonly optIn = signal(true);
  protected readonly savingConsent = signal(false);
  protected method: ConsentMethod = 'phone';
  protected note = '';

  protected methodLabel(method: ConsentMethod | null): MessageKey {
    return `sms.consent.method.${method ?? 'phone'}`;
  }

  protected startRecording(optIn: boolean): void {
    this.optIn.set(optIn);
    this.method = 'phone';
    this.note = '';
    this.recording.set(true);
  }

  /** 特定電子メール法: the opt-in or opt-out is kept with when, how and by whom. */
  protected saveConsent(): void {
    this.savingConsent.set(true);
    this.http.put<SmsConsentView>(`/api/customers/${this.customerId()}/sms-consent`, { optIn: this.optIn(), method: this.method, ...(this.note.trim() ? { note: this.note.trim() } : {}) }).subscribe({
      next: (view) => {
        this.savingConsent.set(false);
        this.recording.set(false);
        this.consent.set(view);
        this.notifier.success('sms.consent.saved');
      },
      error: (error: unknown) => {
        this.savingConsent.set(false);
        this.notifier.error(readApiError(error));
      },
    });
  }
  protected readonly messages = rxResource({
    params: () => ({ customerId: this.customerId(), page: this.page0() + 1, reload: this.reload() }),
    stream: ({ params }) => this.api.list({ customerId: params.customerId, page: params.page, pageSize: PAGE_SIZE }),
  });
  protected readonly loadError = computed(() => {
    const error = this.messages.error();
    return error ? this.i18n.render(this.notifier.message(error)) : null;
  });

  protected statusLabel(status: SmsStatus): MessageKey {
    return `sms.status.${status}`;
  }

  protected errorText(code: string): string {
    return this.notifier.describeCode(code);
  }

  protected cancelNote(sms: SmsMessage): string {
    return smsCancelNote(sms, (code) => this.notifier.describeCode(code), (name) => this.i18n.t('sms.history.cancelledBy', { name }));
  }

  protected changePage(event: PageEvent): void {
    this.page0.set(event.pageIndex);
  }

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
          this.notifier.error(readApiError(error));
        },
      });
    });
  }
}
