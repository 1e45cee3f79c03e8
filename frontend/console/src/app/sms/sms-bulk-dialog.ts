import { HttpClient } from '@angular/common/http';
import { ChangeDetectionStrategy, Component, DestroyRef, computed, inject, signal } from '@angular/core';
import { rxResource } from '@angular/core/rxjs-interop';
import { FormsModule } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MAT_DIALOG_DATA, MatDialogModule } from '@angular/material/dialog';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { MatRadioModule } from '@angular/material/radio';
import { MatSelectModule } from '@angular/material/select';

import { readApiError } from '../api/api-error';
import { SmsApi, type SmsPurpose, type SmsTemplate } from '../api/sms-api';
import { Notifier } from '../core/notifier';
import { TranslatePipe } from '../i18n/translate-pipe';

export interface SmsBulkDialogData {
  /** The ticked customers, or none: every customer matching `search`. */
  customerIds: number[];
  search: Record<string, string>;
  /** How many match the search (shown before the preview). */
  matching: number;
}

interface BulkPreview {
  total: number;
  recipients: { customerId: number; code: string; name: string; number: string }[];
  skipped: { customerId: number; reason: string }[];
  counts: { recipients: number; skipped: number; reasons: Record<string, number> };
  ratePerSecond: number;
  estimatedSeconds: number;
  warnings: string[];
}

interface BulkProgress {
  id: number;
  queued: number;
  progress: { waiting: number; sent: number; delivered: number; failed: number; cancelled: number };
  done: boolean;
}

/**
 * SMS一斉送信 from the customer list (the SMS-send right): one template to the ticked customers
 * (or all matching the search); the preview says who is left out and why (no mobile, no consent
 * for marketing, opted out, 退会済み) before anything is sent; then each one is its own SMS,
 * sent at the provider's rate, with the progress shown.
 */
@Component({
  selector: 'mg-sms-bulk-dialog',
  imports: [FormsModule, MatButtonModule, MatDialogModule, MatFormFieldModule, MatInputModule, MatProgressBarModule, MatRadioModule, MatSelectModule, TranslatePipe],
  template: `
    <h2 mat-dialog-title>{{ 'sms.bulk.title' | t }}</h2>
    <mat-dialog-content class="dialog-form">
      <p data-testid="sms-bulk-scope">{{ (data.customerIds.length ? 'sms.bulk.ticked' : 'sms.bulk.matching') | t: { count: data.customerIds.length || data.matching } }}</p>
      @if (!started()) {
        <mat-form-field>
          <mat-label>{{ 'sms.bulk.template' | t }}</mat-label>
          <mat-select [(ngModel)]="templateId" (ngModelChange)="preview.set(null)" data-testid="sms-bulk-template">
            @for (t of templates.value(); track t.id) {
              <mat-option [value]="t.id" [attr.data-testid]="'sms-bulk-template-' + t.id" [disabled]="t.needsMeeting">{{ t.name }}</mat-option>
            }
          </mat-select>
        </mat-form-field>
        <mat-radio-group [(ngModel)]="purpose" (ngModelChange)="preview.set(null)" class="row" data-testid="sms-bulk-purpose">
          <mat-radio-button value="transactional" data-testid="sms-bulk-purpose-transactional">{{ 'sms.purpose.transactional' | t }}</mat-radio-button>
          <mat-radio-button value="marketing" data-testid="sms-bulk-purpose-marketing">{{ 'sms.purpose.marketing' | t }}</mat-radio-button>
        </mat-radio-group>
      }
      @if (preview(); as p) {
        <div class="preview" data-testid="sms-bulk-preview">
          <p>
            <strong data-testid="sms-bulk-recipients">{{ 'sms.bulk.recipients' | t: { count: p.counts.recipients } }}</strong>
            ・ {{ 'sms.bulk.duration' | t: { rate: p.ratePerSecond, seconds: p.estimatedSeconds } }}
          </p>
          @if (p.counts.skipped) {
            <p data-testid="sms-bulk-skipped">{{ 'sms.bulk.skipped' | t: { count: p.counts.skipped } }}</p>
            <ul>
              @for (r of reasonList(p); track r.code) {
                <li [attr.data-testid]="'sms-bulk-reason-' + r.code">{{ r.text }}: {{ r.count }}</li>
              }
            </ul>
          }
          @for (w of p.warnings; track w) {
            <p class="warn" data-testid="sms-bulk-warning">{{ errorText(w) }}</p>
          }
        </div>
      }
      @if (progress(); as g) {
        <div data-testid="sms-bulk-progress" [attr.data-done]="g.done">
          <mat-progress-bar mode="determinate" [value]="percent(g)" />
          <p>{{ 'sms.bulk.progress' | t: { done: g.progress.sent + g.progress.failed + g.progress.cancelled, total: g.queued, failed: g.progress.failed } }}</p>
          @if (g.done) {
            <p data-testid="sms-bulk-done">{{ 'sms.bulk.done' | t }}</p>
          }
        </div>
      }
      @if (error(); as e) {
        <p class="error-text" role="alert" data-testid="sms-bulk-error">{{ e }}</p>
      }
    </mat-dialog-content>
    <mat-dialog-actions align="end">
      <button mat-button type="button" mat-dialog-close data-testid="sms-bulk-close">{{ (started() ? 'common.close' : 'common.cancel') | t }}</button>
      @if (!started()) {
        <button mat-stroked-button type="button" (click)="runPreview()" [disabled]="!templateId || busy()" data-testid="sms-bulk-preview-button">{{ 'sms.bulk.preview' | t }}</button>
        <button mat-flat-button type="button" (click)="send()" [disabled]="!preview() || !preview()!.counts.recipients || busy()" data-testid="sms-bulk-send">{{ 'sms.bulk.send' | t }}</button>
      }
    </mat-dialog-actions>
  `,
  styles: `
    .row {
      display: flex;
      gap: 16px;
      flex-wrap: wrap;
      margin-bottom: 8px;
    }
    .warn {
      color: var(--mat-sys-error);
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class SmsBulkDialog {
  protected readonly data = inject<SmsBulkDialogData>(MAT_DIALOG_DATA);
  private readonly http = inject(HttpClient);
  private readonly notifier = inject(Notifier);
  private readonly smsApi = inject(SmsApi);
  protected readonly templates = rxResource({ stream: () => this.smsApi.templates(), defaultValue: [] as SmsTemplate[] });
  protected templateId: number | null = null;
  protected purpose: SmsPurpose = 'transactional';
  protected readonly preview = signal<BulkPreview | null>(null);
  protected readonly progress = signal<BulkProgress | null>(null);
  protected readonly started = computed(() => this.progress() !== null);
  protected readonly busy = signal(false);
  protected readonly error = signal<string | null>(null);
  private timer: ReturnType<typeof setInterval> | undefined;

  constructor() {
    inject(DestroyRef).onDestroy(() => clearInterval(this.timer));
  }

  private body() {
    return {
      ...(this.data.customerIds.length ? { customerIds: this.data.customerIds } : { search: this.data.search }),
      templateId: this.templateId,
      purpose: this.purpose,
    };
  }

  protected errorText(code: string): string {
    return this.notifier.describeCode(code);
  }

  protected reasonList(p: BulkPreview): { code: string; text: string; count: number }[] {
    return Object.entries(p.counts.reasons).map(([code, count]) => ({ code, text: this.errorText(code), count }));
  }

  protected percent(g: BulkProgress): number {
    return g.queued ? Math.round(((g.progress.sent + g.progress.failed + g.progress.cancelled) / g.queued) * 100) : 100;
  }

  protected runPreview(): void {
    this.busy.set(true);
    this.error.set(null);
    this.http.post<BulkPreview>('/api/sms/bulk/preview', this.body()).subscribe({
      next: (p) => {
        this.busy.set(false);
        this.preview.set(p);
      },
      error: (e: unknown) => {
        this.busy.set(false);
        this.error.set(this.notifier.describe(readApiError(e)));
      },
    });
  }

  protected send(): void {
    this.busy.set(true);
    this.error.set(null);
    this.http.post<{ id: number; queued: number }>('/api/sms/bulk', this.body()).subscribe({
      next: (r) => {
        this.busy.set(false);
        this.progress.set({ id: r.id, queued: r.queued, progress: { waiting: r.queued, sent: 0, delivered: 0, failed: 0, cancelled: 0 }, done: r.queued === 0 });
        this.timer = setInterval(() => this.poll(r.id), 1000);
      },
      error: (e: unknown) => {
        this.busy.set(false);
        this.error.set(this.notifier.describe(readApiError(e)));
      },
    });
  }

  private poll(id: number): void {
    this.http.get<BulkProgress>(`/api/sms/bulk/${id}`).subscribe({
      next: (g) => {
        this.progress.set(g);
        if (g.done) clearInterval(this.timer);
      },
      error: () => undefined,
    });
  }

}
