import { ChangeDetectionStrategy, Component, inject, signal } from '@angular/core';
import { NonNullableFormBuilder, ReactiveFormsModule, Validators } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MAT_DIALOG_DATA, MatDialogModule, MatDialogRef } from '@angular/material/dialog';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';

import { readApiError } from '../api/api-error';
import { ApprovalsApi } from '../api/approvals-api';
import type { Reply } from '../api/replies-api';
import { clearServerErrors, showServerErrors, validationMessage } from '../core/form-errors';
import { Notifier } from '../core/notifier';
import { I18n, type Message } from '../i18n/i18n';
import { TranslatePipe } from '../i18n/translate-pipe';
import { notBlankValidator } from '../ticket/address-list';

export const MAX_REJECT_REASON_LENGTH = 1000;

/** 差し戻し: asks for the reason (the author needs it to fix the reply) and rejects; closes with the reply. */
@Component({
  selector: 'mg-reject-dialog',
  imports: [
    ReactiveFormsModule,
    MatButtonModule,
    MatDialogModule,
    MatFormFieldModule,
    MatInputModule,
    TranslatePipe,
  ],
  template: `
    <h2 mat-dialog-title>{{ 'approvals.rejectTitle' | t }}</h2>
    <form [formGroup]="form" (ngSubmit)="reject()" novalidate>
      <mat-dialog-content class="dialog-form">
        <p class="muted">{{ reply.ticket.code }} {{ reply.subject }}</p>
        <mat-form-field>
          <mat-label>{{ 'approvals.rejectReason' | t }}</mat-label>
          <textarea
            matInput
            formControlName="reason"
            rows="5"
            required
            cdkFocusInitial
            data-testid="reject-reason"
          ></textarea>
          <mat-hint>{{ 'approvals.rejectReasonHint' | t }}</mat-hint>
          <mat-error data-testid="error-reason">{{ errorText() }}</mat-error>
        </mat-form-field>
        @if (formError(); as error) {
          <p class="error-text pre-line" role="alert" data-testid="reject-error">{{ i18n.render(error) }}</p>
        }
      </mat-dialog-content>
      <mat-dialog-actions align="end">
        <button mat-button type="button" mat-dialog-close data-testid="reject-cancel">
          {{ 'common.cancel' | t }}
        </button>
        <button
          mat-flat-button
          type="submit"
          class="reject"
          [disabled]="saving()"
          data-testid="reject-confirm"
        >
          {{ 'approvals.reject' | t }}
        </button>
      </mat-dialog-actions>
    </form>
  `,
  styles: `
    .reject {
      --mat-button-filled-container-color: var(--mat-sys-error);
      --mat-button-filled-label-text-color: var(--mat-sys-on-error);
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class RejectDialog {
  private readonly approvalsApi = inject(ApprovalsApi);
  private readonly dialogRef = inject<MatDialogRef<RejectDialog, Reply>>(MatDialogRef);
  private readonly notifier = inject(Notifier);
  protected readonly i18n = inject(I18n);
  protected readonly reply = inject<Reply>(MAT_DIALOG_DATA);

  protected readonly form = inject(NonNullableFormBuilder).group({
    reason: ['', [notBlankValidator, Validators.maxLength(MAX_REJECT_REASON_LENGTH)]],
  });
  protected readonly saving = signal(false);
  protected readonly formError = signal<Message | null>(null);

  protected errorText(): string {
    return validationMessage(this.form.controls.reason, this.i18n);
  }

  protected reject(): void {
    this.formError.set(null);
    clearServerErrors(this.form);
    if (this.form.invalid) {
      this.form.markAllAsTouched();
      return;
    }
    this.saving.set(true);
    this.approvalsApi.reject(this.reply.id, this.form.controls.reason.value.trim(), this.reply.step).subscribe({
      next: (rejected) => this.dialogRef.close(rejected),
      error: (error: unknown) => {
        this.saving.set(false);
        const apiError = readApiError(error);
        // 409: someone else decided first; its code says so (TRANSITION_NOT_ALLOWED).
        this.formError.set(
          apiError.status === 400
            ? showServerErrors(this.form, apiError, this.i18n)
            : this.notifier.message(error),
        );
      },
    });
  }
}
