import { ChangeDetectionStrategy, Component, inject, signal } from '@angular/core';
import { NonNullableFormBuilder, ReactiveFormsModule, Validators } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatDialogModule, MatDialogRef } from '@angular/material/dialog';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';

import { readApiError } from '../api/api-error';
import { AuthApi } from '../api/auth-api';
import { applyServerErrors, clearServerErrors, validationMessage } from '../core/form-errors';
import { Notifier } from '../core/notifier';
import { I18n } from '../i18n/i18n';
import { TranslatePipe } from '../i18n/translate-pipe';

/** The server's rule (libs/auth password policy); the form checks the length, the server the rest. */
const MIN_LENGTH = 10;
const MAX_LENGTH = 128;

/** The signed-in user changes their own password; their other sessions end, this one stays. */
@Component({
  selector: 'mg-change-password-dialog',
  imports: [
    ReactiveFormsModule,
    MatButtonModule,
    MatDialogModule,
    MatFormFieldModule,
    MatInputModule,
    TranslatePipe,
  ],
  template: `
    <h2 mat-dialog-title>{{ 'shell.changePassword' | t }}</h2>
    <form [formGroup]="form" (ngSubmit)="save()" novalidate>
      <mat-dialog-content class="fields">
        <mat-form-field>
          <mat-label>{{ 'password.current' | t }}</mat-label>
          <input
            matInput
            type="password"
            formControlName="currentPassword"
            autocomplete="current-password"
            required
            data-testid="password-current"
          />
          <mat-error>{{ message('currentPassword') }}</mat-error>
        </mat-form-field>
        <mat-form-field>
          <mat-label>{{ 'password.new' | t }}</mat-label>
          <input
            matInput
            type="password"
            formControlName="newPassword"
            autocomplete="new-password"
            required
            data-testid="password-new"
          />
          <mat-hint>{{ 'password.rule' | t: { min: min } }}</mat-hint>
          <mat-error>{{ message('newPassword') }}</mat-error>
        </mat-form-field>
        <mat-form-field>
          <mat-label>{{ 'password.confirm' | t }}</mat-label>
          <input
            matInput
            type="password"
            formControlName="confirm"
            autocomplete="new-password"
            required
            data-testid="password-confirm"
          />
          <mat-error>{{ message('confirm') }}</mat-error>
        </mat-form-field>
        <p class="note">{{ 'password.otherSessionsEnd' | t }}</p>
      </mat-dialog-content>
      <mat-dialog-actions align="end">
        <button mat-button type="button" mat-dialog-close>{{ 'common.cancel' | t }}</button>
        <button mat-flat-button type="submit" [disabled]="saving()" data-testid="password-save">
          {{ 'common.save' | t }}
        </button>
      </mat-dialog-actions>
    </form>
  `,
  styles: `
    .fields {
      display: flex;
      flex-direction: column;
      gap: 8px;
      min-width: min(420px, 80vw);
    }
    .note {
      color: var(--mat-sys-on-surface-variant);
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class ChangePasswordDialog {
  private readonly authApi = inject(AuthApi);
  private readonly notifier = inject(Notifier);
  private readonly i18n = inject(I18n);
  private readonly dialogRef = inject(MatDialogRef<ChangePasswordDialog>);
  protected readonly min = MIN_LENGTH;
  protected readonly saving = signal(false);
  protected readonly form = inject(NonNullableFormBuilder).group({
    currentPassword: ['', [Validators.required]],
    newPassword: [
      '',
      [Validators.required, Validators.minLength(MIN_LENGTH), Validators.maxLength(MAX_LENGTH)],
    ],
    confirm: ['', [Validators.required]],
  });

  protected message(field: 'currentPassword' | 'newPassword' | 'confirm'): string {
    const control = this.form.controls[field];
    if (field === 'confirm' && control.hasError('mismatch')) {
      return this.i18n.t('password.mismatch');
    }
    return validationMessage(control, this.i18n);
  }

  protected save(): void {
    clearServerErrors(this.form);
    const { currentPassword, newPassword, confirm } = this.form.getRawValue();
    if (confirm && confirm !== newPassword) {
      this.form.controls.confirm.setErrors({ mismatch: true });
    }
    if (this.form.invalid) {
      this.form.markAllAsTouched();
      return;
    }
    this.saving.set(true);
    this.authApi.changePassword(currentPassword, newPassword).subscribe({
      next: () => {
        this.saving.set(false);
        this.notifier.success('password.changed');
        this.dialogRef.close(true);
      },
      error: (error: unknown) => {
        this.saving.set(false);
        const apiError = readApiError(error);
        if (
          apiError.status === 400 &&
          Object.keys(apiError.fields).length > 0 &&
          applyServerErrors(this.form, apiError, this.i18n).length === 0
        ) {
          return;
        }
        this.notifier.error(error);
      },
    });
  }
}
