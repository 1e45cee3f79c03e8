import { ChangeDetectionStrategy, Component, computed, inject, signal } from '@angular/core';
import { rxResource, toSignal } from '@angular/core/rxjs-interop';
import { NonNullableFormBuilder, ReactiveFormsModule, Validators } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatCheckboxModule } from '@angular/material/checkbox';
import { MAT_DIALOG_DATA, MatDialog, MatDialogModule, MatDialogRef } from '@angular/material/dialog';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { MatRadioModule } from '@angular/material/radio';
import { MatSelectModule } from '@angular/material/select';
import { MEETING_PLACEHOLDERS, checkPlaceholders } from '@madoguchi/sms-shared/placeholders';
import { SMS_MAX_LENGTH, segments } from '@madoguchi/sms-shared/segments';
import { roundUpToSlot, withinOneYear } from '@madoguchi/sms-shared/slots';
import { catchError, of } from 'rxjs';

import { readApiError } from '../api/api-error';
import { SmsApi, type SmsMessage, type SmsPurpose, type SmsTemplate } from '../api/sms-api';
import { confirmAction } from '../core/confirm-dialog';
import {
  clearServerErrors,
  dropBannerWhenFixed,
  showServerErrors,
  validationMessage,
} from '../core/form-errors';
import type { ListFlag } from '../api/customers-api';
import { ListFlagBadge, needsSendConfirmation } from '../customers/list-flag-badge';
import { Notifier } from '../core/notifier';
import { UnsavedChanges } from '../core/unsaved-changes';
import { DateTimePipe } from '../i18n/date-time-pipe';
import { I18n, type Message } from '../i18n/i18n';
import { TranslatePipe } from '../i18n/translate-pipe';

export interface SmsSendDialogData {
  /** `listFlag` ブラック: sending asks for confirmation first; グレー/ブラック show as a badge. */
  customer: { id: number; name: string; mobile: string; listFlag?: ListFlag };
  /** Sent from a ticket: its timeline shows the SMS. */
  ticketId?: number;
}

/** A local date-time input's value (YYYY-MM-DDTHH:mm) for a time, in the browser's zone. */
function localInput(d: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

export function openSmsSendDialog(
  dialog: MatDialog,
  data: SmsSendDialogData,
): MatDialogRef<SmsSendDialog, SmsMessage> {
  return dialog.open<SmsSendDialog, SmsSendDialogData, SmsMessage>(SmsSendDialog, {
    data,
    width: '640px',
    maxWidth: '96vw',
    autoFocus: '[data-testid="sms-body"]',
  });
}

/**
 * SMS送信: to one customer's mobile, now or at a time up to a year ahead (rounded up to the
 * provider's 10-minute slot, shown before sending), from a template or typed, with the live
 * character count and carrier segments of the same function the server counts with.
 */
@Component({
  selector: 'mg-sms-send-dialog',
  imports: [
    ListFlagBadge,
    ReactiveFormsModule,
    MatButtonModule,
    MatCheckboxModule,
    MatDialogModule,
    MatFormFieldModule,
    MatInputModule,
    MatRadioModule,
    MatSelectModule,
    DateTimePipe,
    TranslatePipe,
  ],
  template: `
    <h2 mat-dialog-title>{{ 'sms.send.title' | t }}</h2>
    @if (result(); as sent) {
      <mat-dialog-content>
        <p data-testid="sms-result">
          {{
            (sent.status === 'scheduled' ? 'sms.send.resultScheduled' : 'sms.send.resultQueued')
              | t: { at: (sent.scheduledAt | dateTime) }
          }}
        </p>
        <p class="muted">
          {{
            'sms.segmentsLine'
              | t
                : {
                    length: sent.length,
                    docomo: sent.segments.docomo,
                    au: sent.segments.au,
                    softbank: sent.segments.softbank,
                  }
          }}
        </p>
        @if (sent.captured) {
          <p class="muted" data-testid="sms-result-captured">{{ 'sms.send.captured' | t }}</p>
        }
      </mat-dialog-content>
      <mat-dialog-actions align="end">
        <button mat-flat-button type="button" [mat-dialog-close]="sent" data-testid="sms-result-close">
          {{ 'common.close' | t }}
        </button>
      </mat-dialog-actions>
    } @else {
      <form [formGroup]="form" (ngSubmit)="send()" novalidate data-testid="sms-send-form">
        <mat-dialog-content class="dialog-form">
          <p class="recipient" data-testid="sms-recipient">
            {{ 'sms.send.to' | t }}: <strong>{{ data.customer.name }}</strong> {{ data.customer.mobile }}
            <mg-list-flag-badge [flag]="data.customer.listFlag" />
          </p>
          @if (options.value()?.captured) {
            <p class="muted" data-testid="sms-captured-note">{{ 'sms.send.capturedNote' | t }}</p>
          }
          <mat-form-field>
            <mat-label>{{ 'sms.send.template' | t }}</mat-label>
            <mat-select
              formControlName="templateId"
              (selectionChange)="applyTemplate($event.value)"
              data-testid="sms-template"
            >
              <mat-option [value]="null">{{ 'sms.send.noTemplate' | t }}</mat-option>
              @for (template of templates.value(); track template.id) {
                <mat-option [value]="template.id" [attr.data-testid]="'sms-template-' + template.id">{{
                  template.name
                }}</mat-option>
              }
            </mat-select>
          </mat-form-field>
          <mat-radio-group
            formControlName="purpose"
            class="row"
            [attr.aria-label]="'sms.send.purpose' | t"
            data-testid="sms-purpose"
          >
            <mat-radio-button value="transactional" data-testid="sms-purpose-transactional">{{
              'sms.purpose.transactional' | t
            }}</mat-radio-button>
            <mat-radio-button value="marketing" data-testid="sms-purpose-marketing">{{
              'sms.purpose.marketing' | t
            }}</mat-radio-button>
          </mat-radio-group>
          @if (marketingWithoutOptOut()) {
            <p class="warn" role="status" data-testid="sms-optout-warning">
              {{ 'sms.send.optOutWarning' | t }}
            </p>
          }
          <mat-form-field>
            <mat-label>{{ 'sms.send.subject' | t }}</mat-label>
            <input
              matInput
              formControlName="subject"
              maxlength="100"
              autocomplete="off"
              data-testid="sms-subject"
            />
            <mat-hint>{{ 'sms.send.subjectHint' | t }}</mat-hint>
          </mat-form-field>
          <mat-form-field>
            <mat-label>{{ 'sms.send.body' | t }}</mat-label>
            <textarea matInput formControlName="body" rows="6" required data-testid="sms-body"></textarea>
            <mat-hint data-testid="sms-count" [class.over]="count().tooLong">
              {{
                'sms.segmentsLine'
                  | t
                    : {
                        length: count().length,
                        docomo: count().segments.docomo,
                        au: count().segments.au,
                        softbank: count().segments.softbank,
                      }
              }}
              / {{ maxLength }}
            </mat-hint>
            <mat-error data-testid="sms-error-body">{{ errorText('body') }}</mat-error>
          </mat-form-field>
          <p class="muted small">{{ 'sms.send.placeholdersHint' | t }}</p>
          @if (needsMeeting()) {
            <div class="meeting" data-testid="sms-meeting">
              <mat-form-field>
                <mat-label>{{ 'sms.send.meetingUrl' | t }}</mat-label>
                <input
                  matInput
                  formControlName="meetingUrl"
                  required
                  autocomplete="off"
                  data-testid="sms-meeting-url"
                />
                <mat-error>{{ errorText('meetingUrl') }}</mat-error>
              </mat-form-field>
              <mat-form-field>
                <mat-label>{{ 'sms.send.meetingId' | t }}</mat-label>
                <input matInput formControlName="meetingId" autocomplete="off" data-testid="sms-meeting-id" />
              </mat-form-field>
              <mat-form-field>
                <mat-label>{{ 'sms.send.meetingPassword' | t }}</mat-label>
                <input
                  matInput
                  formControlName="meetingPassword"
                  autocomplete="off"
                  data-testid="sms-meeting-password"
                />
              </mat-form-field>
            </div>
          }
          <mat-radio-group
            formControlName="when"
            class="row"
            [attr.aria-label]="'sms.send.when' | t"
            data-testid="sms-when"
          >
            <mat-radio-button value="now" data-testid="sms-when-now">{{
              'sms.send.now' | t
            }}</mat-radio-button>
            <mat-radio-button value="later" data-testid="sms-when-later">{{
              'sms.send.later' | t
            }}</mat-radio-button>
          </mat-radio-group>
          @if (form.controls.when.value === 'later') {
            <mat-form-field>
              <mat-label>{{ 'sms.send.sendAt' | t }}</mat-label>
              <input
                matInput
                type="datetime-local"
                formControlName="sendAt"
                [min]="minInput"
                [max]="maxInput"
                data-testid="sms-send-at"
              />
              @if (slot(); as at) {
                <mat-hint data-testid="sms-slot">{{ 'sms.send.slot' | t: { at: (at | dateTime) } }}</mat-hint>
              }
              <mat-error data-testid="sms-error-sendAt">{{ errorText('sendAt') }}</mat-error>
            </mat-form-field>
          }
          <mat-checkbox formControlName="clickCount" data-testid="sms-click-count">{{
            'sms.send.clickCount' | t
          }}</mat-checkbox>
          @if (formError(); as error) {
            <p class="error-text pre-line" role="alert" data-testid="sms-error">{{ i18n.render(error) }}</p>
          }
        </mat-dialog-content>
        <mat-dialog-actions align="end">
          <button mat-button type="button" mat-dialog-close data-testid="sms-cancel">
            {{ 'common.cancel' | t }}
          </button>
          <button mat-flat-button type="submit" [disabled]="sending()" data-testid="sms-send">
            {{ (form.controls.when.value === 'later' ? 'sms.send.schedule' : 'sms.send.submit') | t }}
          </button>
        </mat-dialog-actions>
      </form>
    }
  `,
  styles: `
    .row {
      display: flex;
      flex-wrap: wrap;
      gap: 16px;
      margin-bottom: 12px;
    }
    .recipient {
      margin-top: 0;
    }
    .warn {
      color: var(--mat-sys-error);
    }
    .over {
      color: var(--mat-sys-error);
    }
    .small {
      font: var(--mat-sys-body-small);
      margin-top: 0;
    }
    .meeting {
      display: grid;
      grid-template-columns: 1fr;
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class SmsSendDialog {
  private readonly api = inject(SmsApi);
  private readonly dialogRef = inject<MatDialogRef<SmsSendDialog, SmsMessage>>(MatDialogRef);
  private readonly matDialog = inject(MatDialog);
  private readonly notifier = inject(Notifier);
  protected readonly i18n = inject(I18n);
  protected readonly data = inject<SmsSendDialogData>(MAT_DIALOG_DATA);
  protected readonly maxLength = SMS_MAX_LENGTH;
  protected readonly minInput = localInput(new Date());
  protected readonly maxInput = localInput(new Date(Date.now() + 365 * 24 * 3600_000));

  protected readonly options = rxResource({
    stream: () => this.api.options().pipe(catchError(() => of(null))),
  });
  protected readonly templates = rxResource({
    stream: () => this.api.templates().pipe(catchError(() => of([] as SmsTemplate[]))),
    defaultValue: [],
  });

  protected readonly form = inject(NonNullableFormBuilder).group({
    templateId: [null as number | null],
    purpose: ['transactional' as SmsPurpose],
    subject: ['', Validators.maxLength(100)],
    body: ['', [Validators.required]],
    meetingUrl: [''],
    meetingId: [''],
    meetingPassword: [''],
    when: ['now' as 'now' | 'later'],
    sendAt: [''],
    clickCount: [false],
  });
  private readonly value = toSignal(this.form.valueChanges, { initialValue: this.form.getRawValue() });
  /** The live count, by the function the server counts with (libs/sms/src/segments.ts). */
  protected readonly count = computed(() => segments(this.value().body ?? ''));
  protected readonly needsMeeting = computed(() =>
    MEETING_PLACEHOLDERS.some((name) => (this.value().body ?? '').includes(`[[%${name}%]]`)),
  );
  /** 特定電子メール法: a marketing message must say how to stop receiving them. */
  protected readonly marketingWithoutOptOut = computed(
    () => this.value().purpose === 'marketing' && !/(停止|配信不要|STOP)/i.test(this.value().body ?? ''),
  );
  /** The 10-minute slot the chosen time falls into (15:01 → 15:10), as the server will schedule it. */
  protected readonly slot = computed(() => {
    const v = this.value();
    if (v.when !== 'later' || !v.sendAt) return null;
    const at = new Date(v.sendAt);
    return Number.isNaN(at.getTime()) ? null : roundUpToSlot(at).toISOString();
  });
  protected readonly sending = signal(false);
  protected readonly result = signal<SmsMessage | null>(null);
  protected readonly formError = signal<Message | null>(null);
  private readonly bannerWatch = dropBannerWhenFixed(this.form, this.formError);
  private sent = false;

  constructor() {
    const unsaved = inject(UnsavedChanges);
    const dirty = () => !this.sent && this.form.dirty;
    unsaved.guardDialog(this.dialogRef, dirty);
    unsaved.watch(dirty);
  }

  protected applyTemplate(id: number | null): void {
    const template = this.templates.value().find((t) => t.id === id);
    if (!template) return;
    this.form.patchValue({ subject: template.subject, body: template.body });
    this.form.markAsDirty();
  }

  protected errorText(name: 'body' | 'sendAt' | 'meetingUrl'): string {
    const errors = this.form.controls[name].errors;
    if (errors?.['tooLong']) return this.i18n.t('validation.maxLength', { max: SMS_MAX_LENGTH });
    if (errors?.['unknownPlaceholders'])
      return this.i18n.t('sms.send.unknownPlaceholders', { names: errors['unknownPlaceholders'] });
    if (errors?.['unclosedPlaceholder']) return this.i18n.t('sms.send.unclosedPlaceholder');
    if (errors?.['slotRange']) return this.i18n.t('sms.send.sendAtRange');
    return validationMessage(this.form.controls[name], this.i18n);
  }

  /** Checks what the server would refuse, so the message is under the field at once. */
  private checkFields(): boolean {
    const v = this.form.getRawValue();
    const c = this.form.controls;
    if (segments(v.body).tooLong) c.body.setErrors({ tooLong: true });
    const check = checkPlaceholders(v.body);
    if (check.unknown.length)
      c.body.setErrors({ unknownPlaceholders: check.unknown.map((n) => `[[%${n}%]]`).join(', ') });
    else if (check.unclosed) c.body.setErrors({ unclosedPlaceholder: true });
    if (this.needsMeeting() && !v.meetingUrl.trim()) c.meetingUrl.setErrors({ required: true });
    if (v.when === 'later') {
      const at = new Date(v.sendAt);
      if (!v.sendAt || Number.isNaN(at.getTime())) c.sendAt.setErrors({ required: true });
      else if (roundUpToSlot(at).getTime() < Date.now() || !withinOneYear(roundUpToSlot(at), new Date()))
        c.sendAt.setErrors({ slotRange: true });
    }
    return this.form.valid;
  }

  protected send(): void {
    this.formError.set(null);
    clearServerErrors(this.form);
    if (!this.checkFields()) {
      this.form.markAllAsTouched();
      this.formError.set({ key: 'validation.fixErrors' });
      return;
    }
    if (needsSendConfirmation(this.data.customer.listFlag)) {
      confirmAction(this.matDialog, {
        title: 'customer.blackConfirmTitle',
        message: 'customer.blackConfirmSms',
        params: { name: this.data.customer.name },
        confirm: 'customer.blackConfirmOk',
      }).subscribe((ok) => {
        if (ok) this.confirmAndSubmit();
      });
      return;
    }
    this.confirmAndSubmit();
  }

  /** 「SMS送信前に確認メッセージを表示する」, then the send. */
  private confirmAndSubmit(): void {
    const options = this.options.value();
    if (options?.confirmBeforeSend ?? true) {
      const v = this.form.getRawValue();
      confirmAction(this.matDialog, {
        title: 'sms.send.confirmTitle',
        message: v.when === 'later' ? 'sms.send.confirmScheduled' : 'sms.send.confirmNow',
        params: {
          name: this.data.customer.name,
          number: this.data.customer.mobile,
          at: this.slot() ? new Date(this.slot()!).toLocaleString('ja-JP') : '',
        },
        confirm: v.when === 'later' ? 'sms.send.schedule' : 'sms.send.submit',
      }).subscribe((ok) => {
        if (ok) this.submit();
      });
      return;
    }
    this.submit();
  }

  private submit(): void {
    const v = this.form.getRawValue();
    this.sending.set(true);
    this.api
      .send({
        customerId: this.data.customer.id,
        ...(this.data.ticketId ? { ticketId: this.data.ticketId } : {}),
        ...(v.templateId !== null ? { templateId: v.templateId } : {}),
        ...(v.subject.trim() ? { subject: v.subject.trim() } : {}),
        body: v.body,
        ...(v.when === 'later' ? { sendAt: new Date(v.sendAt).toISOString() } : {}),
        clickCount: v.clickCount,
        purpose: v.purpose,
        ...(this.needsMeeting()
          ? {
              meeting: {
                url: v.meetingUrl.trim(),
                ...(v.meetingId.trim() ? { id: v.meetingId.trim() } : {}),
                ...(v.meetingPassword.trim() ? { password: v.meetingPassword.trim() } : {}),
              },
            }
          : {}),
      })
      .subscribe({
        next: (sms) => {
          this.sent = true;
          this.sending.set(false);
          if (this.options.value()?.showResultAfterSend ?? true) {
            this.result.set(sms);
          } else {
            this.notifier.success(
              sms.status === 'scheduled' ? 'sms.send.scheduledToast' : 'sms.send.queuedToast',
            );
            this.dialogRef.close(sms);
          }
        },
        error: (error: unknown) => {
          this.sending.set(false);
          const apiError = readApiError(error);
          this.formError.set(
            apiError.status === 400
              ? showServerErrors(this.form, apiError, this.i18n)
              : { text: this.notifier.describe(apiError) },
          );
        },
      });
  }
}
