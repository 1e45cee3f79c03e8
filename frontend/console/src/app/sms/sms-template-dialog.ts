import { ChangeDetectionStrategy, Component, computed, inject, signal } from '@angular/core';
import { toSignal } from '@angular/core/rxjs-interop';
import { NonNullableFormBuilder, ReactiveFormsModule, Validators } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatCheckboxModule } from '@angular/material/checkbox';
import { MAT_DIALOG_DATA, MatDialog, MatDialogModule, MatDialogRef } from '@angular/material/dialog';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { SMS_PLACEHOLDERS, checkPlaceholders } from '@madoguchi/sms-shared/placeholders';
import { SMS_MAX_LENGTH, segments } from '@madoguchi/sms-shared/segments';

import { readApiError } from '../api/api-error';
import { SmsApi, type SmsTemplate } from '../api/sms-api';
import { clearServerErrors, dropBannerWhenFixed, showServerErrors, validationMessage } from '../core/form-errors';
import { Notifier } from '../core/notifier';
import { UnsavedChanges } from '../core/unsaved-changes';
import { I18n, type Message } from '../i18n/i18n';
import { TranslatePipe } from '../i18n/translate-pipe';

export function openSmsTemplateDialog(dialog: MatDialog, template: SmsTemplate | null): MatDialogRef<SmsTemplateDialog, SmsTemplate> {
  return dialog.open<SmsTemplateDialog, SmsTemplate | null, SmsTemplate>(SmsTemplateDialog, { data: template, width: '640px', maxWidth: '96vw', autoFocus: '[data-testid="sms-template-name"]' });
}

/** 雛形の登録・編集: name, subject, body with the placeholders (checked as typed and on save). */
@Component({
  selector: 'mg-sms-template-dialog',
  imports: [ReactiveFormsModule, MatButtonModule, MatCheckboxModule, MatDialogModule, MatFormFieldModule, MatInputModule, TranslatePipe],
  template: `
    <h2 mat-dialog-title>{{ (template ? 'sms.templates.edit' : 'sms.templates.new') | t }}</h2>
    <form [formGroup]="form" (ngSubmit)="save()" novalidate data-testid="sms-template-form">
      <mat-dialog-content class="dialog-form">
        <mat-form-field>
          <mat-label>{{ 'sms.templates.name' | t }}</mat-label>
          <input matInput formControlName="name" required maxlength="100" autocomplete="off" data-testid="sms-template-name" />
          <mat-error>{{ errorText('name') }}</mat-error>
        </mat-form-field>
        <mat-form-field>
          <mat-label>{{ 'sms.send.subject' | t }}</mat-label>
          <input matInput formControlName="subject" maxlength="100" autocomplete="off" data-testid="sms-template-subject" />
          <mat-error>{{ errorText('subject') }}</mat-error>
        </mat-form-field>
        <div class="chips">
          @for (name of placeholders; track name) {
            <button mat-stroked-button type="button" (click)="insert(name)" [attr.data-testid]="'sms-placeholder-' + name">{{ '[[%' + name + '%]]' }}</button>
          }
        </div>
        <mat-form-field>
          <mat-label>{{ 'sms.send.body' | t }}</mat-label>
          <textarea matInput formControlName="body" rows="6" required data-testid="sms-template-body"></textarea>
          <mat-hint>{{ 'sms.segmentsLine' | t: { length: count().length, docomo: count().segments.docomo, au: count().segments.au, softbank: count().segments.softbank } }} / {{ maxLength }}</mat-hint>
          <mat-error data-testid="sms-template-error-body">{{ errorText('body') }}</mat-error>
        </mat-form-field>
        <mat-checkbox formControlName="usedForOnlineMeeting" data-testid="sms-template-meeting">{{ 'sms.templates.onlineMeeting' | t }}</mat-checkbox>
        @if (formError(); as error) {
          <p class="error-text pre-line" role="alert" data-testid="sms-template-error">{{ i18n.render(error) }}</p>
        }
      </mat-dialog-content>
      <mat-dialog-actions align="end">
        <button mat-button type="button" mat-dialog-close>{{ 'common.cancel' | t }}</button>
        <button mat-flat-button type="submit" [disabled]="saving()" data-testid="sms-template-save">{{ 'common.save' | t }}</button>
      </mat-dialog-actions>
    </form>
  `,
  styles: `
    .chips {
      display: flex;
      flex-wrap: wrap;
      gap: 6px;
      margin-bottom: 8px;
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class SmsTemplateDialog {
  private readonly api = inject(SmsApi);
  private readonly notifier = inject(Notifier);
  private readonly dialogRef = inject<MatDialogRef<SmsTemplateDialog, SmsTemplate>>(MatDialogRef);
  protected readonly i18n = inject(I18n);
  protected readonly template = inject<SmsTemplate | null>(MAT_DIALOG_DATA);
  protected readonly placeholders = SMS_PLACEHOLDERS;
  protected readonly maxLength = SMS_MAX_LENGTH;
  protected readonly form = inject(NonNullableFormBuilder).group({
    name: [this.template?.name ?? '', [Validators.required, Validators.maxLength(100)]],
    subject: [this.template?.subject ?? '', Validators.maxLength(100)],
    body: [this.template?.body ?? '', [Validators.required]],
    usedForOnlineMeeting: [this.template?.usedForOnlineMeeting ?? false],
  });
  private readonly body = toSignal(this.form.controls.body.valueChanges, { initialValue: this.form.controls.body.value });
  protected readonly count = computed(() => segments(this.body()));
  protected readonly saving = signal(false);
  protected readonly formError = signal<Message | null>(null);
  private readonly bannerWatch = dropBannerWhenFixed(this.form, this.formError);
  private saved = false;

  constructor() {
    const unsaved = inject(UnsavedChanges);
    const dirty = () => !this.saved && this.form.dirty;
    unsaved.guardDialog(this.dialogRef, dirty);
    unsaved.watch(dirty);
  }

  protected insert(name: string): void {
    const control = this.form.controls.body;
    control.setValue(`${control.value}[[%${name}%]]`);
    control.markAsDirty();
  }

  protected errorText(name: 'name' | 'subject' | 'body'): string {
    const errors = this.form.controls[name].errors;
    if (errors?.['tooLong']) return this.i18n.t('validation.maxLength', { max: SMS_MAX_LENGTH });
    if (errors?.['unknownPlaceholders']) return this.i18n.t('sms.send.unknownPlaceholders', { names: errors['unknownPlaceholders'] });
    if (errors?.['unclosedPlaceholder']) return this.i18n.t('sms.send.unclosedPlaceholder');
    return validationMessage(this.form.controls[name], this.i18n);
  }

  protected save(): void {
    this.formError.set(null);
    clearServerErrors(this.form);
    const v = this.form.getRawValue();
    if (segments(v.body).tooLong) this.form.controls.body.setErrors({ tooLong: true });
    const check = checkPlaceholders(v.body);
    if (check.unknown.length) this.form.controls.body.setErrors({ unknownPlaceholders: check.unknown.map((n) => `[[%${n}%]]`).join(', ') });
    else if (check.unclosed) this.form.controls.body.setErrors({ unclosedPlaceholder: true });
    if (this.form.invalid) {
      this.form.markAllAsTouched();
      this.formError.set({ key: 'validation.fixErrors' });
      return;
    }
    this.saving.set(true);
    const input = { name: v.name.trim(), subject: v.subject.trim(), body: v.body, usedForOnlineMeeting: v.usedForOnlineMeeting };
    (this.template ? this.api.updateTemplate(this.template.id, input) : this.api.createTemplate(input)).subscribe({
      next: (saved) => {
        this.saved = true;
        this.dialogRef.close(saved);
      },
      error: (error: unknown) => {
        this.saving.set(false);
        const apiError = readApiError(error);
        this.formError.set(apiError.status === 400 ? showServerErrors(this.form, apiError, this.i18n) : { text: this.notifier.describe(apiError) });
      },
    });
  }
}
