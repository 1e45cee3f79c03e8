import { ChangeDetectionStrategy, Component, inject, signal } from '@angular/core';
import { NonNullableFormBuilder, ReactiveFormsModule, Validators } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatCheckboxModule } from '@angular/material/checkbox';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { Router } from '@angular/router';

import { AccountApi } from '../api/account-api';
import { readApiError } from '../api/api-error';
import { passwordsMatch } from '../core/password-match';
import { Session } from '../core/session';
import { formErrorMessages } from '../i18n/error-text';
import { type Message, render } from '../i18n/ja';
import { TranslatePipe } from '../i18n/translate-pipe';

/** The customer's account: change the password, ask to withdraw (退会), sign out. */
@Component({
  selector: 'mp-account',
  imports: [
    ReactiveFormsModule,
    MatButtonModule,
    MatCheckboxModule,
    MatFormFieldModule,
    MatInputModule,
    TranslatePipe,
  ],
  templateUrl: './account.html',
  styleUrl: './account.scss',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class Account {
  private readonly api = inject(AccountApi);
  private readonly router = inject(Router);
  protected readonly session = inject(Session);
  private readonly fb = inject(NonNullableFormBuilder);

  protected readonly passwordForm = this.fb.group(
    {
      currentPassword: ['', [Validators.required, Validators.maxLength(200)]],
      newPassword: ['', [Validators.required, Validators.minLength(10), Validators.maxLength(128)]],
      confirm: ['', [Validators.required]],
    },
    { validators: passwordsMatch('newPassword', 'confirm') },
  );
  protected readonly withdrawalForm = this.fb.group({
    reason: ['', [Validators.maxLength(500)]],
    confirmed: [false, [Validators.requiredTrue]],
  });

  protected readonly savingPassword = signal(false);
  protected readonly passwordErrors = signal<Message[]>([]);
  protected readonly passwordStatus = signal<Message | null>(null);
  protected readonly requesting = signal(false);
  protected readonly withdrawalErrors = signal<Message[]>([]);
  protected readonly withdrawalRequested = signal(false);
  protected readonly signingOut = signal(false);
  protected readonly render = render;

  protected changePassword(): void {
    if (this.passwordForm.invalid) {
      this.passwordForm.markAllAsTouched();
      return;
    }
    const { currentPassword, newPassword } = this.passwordForm.getRawValue();
    this.savingPassword.set(true);
    this.passwordErrors.set([]);
    this.passwordStatus.set(null);
    this.api.changePassword(currentPassword, newPassword).subscribe({
      next: () => {
        this.savingPassword.set(false);
        this.passwordForm.reset();
        this.passwordStatus.set({ key: 'account.passwordChanged' });
      },
      error: (err: unknown) => {
        this.savingPassword.set(false);
        this.passwordErrors.set(formErrorMessages(readApiError(err), ['currentPassword', 'newPassword']));
      },
    });
  }

  protected requestWithdrawal(): void {
    if (this.withdrawalForm.invalid) {
      this.withdrawalForm.markAllAsTouched();
      return;
    }
    const reason = this.withdrawalForm.controls.reason.value.trim();
    this.requesting.set(true);
    this.withdrawalErrors.set([]);
    this.api.requestWithdrawal(reason || null).subscribe({
      next: () => {
        this.requesting.set(false);
        this.withdrawalRequested.set(true);
      },
      error: (err: unknown) => {
        this.requesting.set(false);
        this.withdrawalErrors.set(formErrorMessages(readApiError(err), ['reason']));
      },
    });
  }

  protected signOut(): void {
    this.signingOut.set(true);
    this.session.logout().subscribe({
      next: () => void this.router.navigate(['/login'], { queryParams: { notice: 'signedOut' } }),
      // The session is cleared either way; the sign-in page is where to go.
      error: () => void this.router.navigate(['/login']),
    });
  }
}
