import {
  ChangeDetectionStrategy,
  Component,
  type OnInit,
  inject,
  input,
  output,
  signal,
} from '@angular/core';
import { NonNullableFormBuilder, ReactiveFormsModule, Validators } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { concatMap, of } from 'rxjs';

import { readApiError } from '../api/api-error';
import { RepliesApi, type Reply, type ReplyAttachment } from '../api/replies-api';
import { clearServerErrors, showServerErrors, validationMessage, dropBannerWhenFixed } from '../core/form-errors';
import { Notifier } from '../core/notifier';
import { I18n, type Message } from '../i18n/i18n';
import { TranslatePipe } from '../i18n/translate-pipe';
import { addressListValidator, notBlankValidator, splitAddresses } from './address-list';
import { AttachmentPicker } from './attachment-picker';
import { MAX_REPLY_LENGTH } from './reply-composer';

type Field = 'to' | 'cc' | 'bcc' | 'subject' | 'text';

/** Edits a draft or rejected reply where it stands, then saves it, or saves and resubmits it. */
@Component({
  selector: 'mg-reply-edit-form',
  imports: [
    ReactiveFormsModule,
    MatButtonModule,
    MatFormFieldModule,
    MatInputModule,
    MatProgressBarModule,
    AttachmentPicker,
    TranslatePipe,
  ],
  template: `
    <form [formGroup]="form" (ngSubmit)="save(true)" class="edit" novalidate data-testid="reply-edit-form">
      <mat-form-field class="wide">
        <mat-label>{{ 'reply.to' | t }}</mat-label>
        <input matInput formControlName="to" required autocomplete="off" data-testid="reply-edit-to" />
        <mat-error>{{ errorText('to') }}</mat-error>
      </mat-form-field>
      <mat-form-field>
        <mat-label>{{ 'reply.cc' | t }}</mat-label>
        <input matInput formControlName="cc" autocomplete="off" data-testid="reply-edit-cc" />
        <mat-error>{{ errorText('cc') }}</mat-error>
      </mat-form-field>
      <mat-form-field>
        <mat-label>{{ 'reply.bcc' | t }}</mat-label>
        <input matInput formControlName="bcc" autocomplete="off" data-testid="reply-edit-bcc" />
        <mat-error>{{ errorText('bcc') }}</mat-error>
      </mat-form-field>
      <mat-form-field class="wide">
        <mat-label>{{ 'reply.subject' | t }}</mat-label>
        <input matInput formControlName="subject" autocomplete="off" data-testid="reply-edit-subject" />
        <mat-error>{{ errorText('subject') }}</mat-error>
      </mat-form-field>
      <mat-form-field class="wide">
        <mat-label>{{ 'reply.text' | t }}</mat-label>
        <textarea matInput formControlName="text" rows="10" required data-testid="reply-edit-text"></textarea>
        <mat-error>{{ errorText('text') }}</mat-error>
      </mat-form-field>
      <mg-attachment-picker
        class="wide"
        [(attachments)]="attachments"
        [(busy)]="uploading"
        [disabled]="saving()"
      />
      @if (formError(); as error) {
        <p class="wide error-text pre-line" role="alert" data-testid="reply-edit-error">
          {{ i18n.render(error) }}
        </p>
      }
      <div class="wide actions">
        <div class="progress">
          @if (saving()) {
            <mat-progress-bar mode="indeterminate" />
          }
        </div>
        <span class="spacer"></span>
        <button mat-button type="button" (click)="done.emit(null)" data-testid="reply-edit-cancel">
          {{ 'common.cancel' | t }}
        </button>
        <button
          mat-stroked-button
          type="button"
          (click)="save(false)"
          [disabled]="saving()"
          data-testid="reply-edit-save"
        >
          {{ 'common.save' | t }}
        </button>
        @if (reply().status === 'rejected') {
          <button mat-flat-button type="submit" [disabled]="saving()" data-testid="reply-edit-resubmit">
            {{ 'approvals.saveAndResubmit' | t }}
          </button>
        }
      </div>
    </form>
  `,
  styles: `
    .edit {
      display: grid;
      grid-template-columns: repeat(2, minmax(0, 1fr));
      gap: 4px 16px;
      align-items: start;
    }
    .wide {
      grid-column: 1 / -1;
    }
    .actions {
      display: flex;
      flex-wrap: wrap;
      align-items: center;
      gap: 8px;
    }
    .progress {
      flex: 0 1 200px;
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class ReplyEditForm implements OnInit {
  private readonly repliesApi = inject(RepliesApi);
  private readonly notifier = inject(Notifier);
  private readonly fb = inject(NonNullableFormBuilder);
  protected readonly i18n = inject(I18n);

  readonly reply = input.required<Reply>();
  /** The saved (maybe resubmitted) reply, or null when editing was given up. */
  readonly done = output<Reply | null>();

  protected readonly form = this.fb.group({
    to: ['', [notBlankValidator, addressListValidator]],
    cc: ['', addressListValidator],
    bcc: ['', addressListValidator],
    subject: ['', Validators.maxLength(500)],
    text: ['', [notBlankValidator, Validators.maxLength(MAX_REPLY_LENGTH)]],
  });
  protected readonly attachments = signal<readonly ReplyAttachment[]>([]);
  protected readonly uploading = signal(false);
  protected readonly saving = signal(false);
  protected readonly formError = signal<Message | null>(null);
  /** The 「入力内容を確認してください」 banner goes once the fields are fixed. */
  private readonly bannerWatch = dropBannerWhenFixed(this.form, this.formError);

  ngOnInit(): void {
    const reply = this.reply();
    this.form.reset({
      to: reply.to.join(', '),
      cc: reply.cc.join(', '),
      bcc: reply.bcc.join(', '),
      subject: reply.subject,
      text: reply.text,
    });
    this.attachments.set(reply.attachments);
  }

  protected errorText(field: Field): string {
    const errors = this.form.controls[field].errors;
    if (errors?.['addressList']) {
      return this.i18n.t('validation.addressList', { address: errors['addressList'].address });
    }
    if (errors?.['addressCount']) {
      return this.i18n.t('validation.addressCount', { max: errors['addressCount'].max });
    }
    return validationMessage(this.form.controls[field], this.i18n);
  }

  protected save(resubmit: boolean): void {
    this.formError.set(null);
    clearServerErrors(this.form);
    if (this.uploading()) {
      this.formError.set({ key: 'composer.waitForUploads' });
      return;
    }
    if (this.form.invalid) {
      this.form.markAllAsTouched();
      this.formError.set({ key: 'validation.fixErrors' });
      return;
    }
    const value = this.form.getRawValue();
    const id = this.reply().id;
    this.saving.set(true);
    this.repliesApi
      .update(id, {
        to: splitAddresses(value.to),
        cc: splitAddresses(value.cc),
        bcc: splitAddresses(value.bcc),
        subject: value.subject.trim(),
        text: value.text,
        attachments: this.attachments().map((a) => a.uploadId),
      })
      .pipe(concatMap((saved) => (resubmit ? this.repliesApi.resubmit(saved.id) : of(saved))))
      .subscribe({
        next: (saved) => {
          this.saving.set(false);
          this.notifier.success(resubmit ? 'approvals.resubmitted' : 'approvals.saved');
          this.done.emit(saved);
        },
        error: (error: unknown) => {
          this.saving.set(false);
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
