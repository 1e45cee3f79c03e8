import { ChangeDetectionStrategy, Component, inject, input, signal } from '@angular/core';
import { NonNullableFormBuilder, ReactiveFormsModule, Validators } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { Router, RouterLink } from '@angular/router';

import { readApiError } from '../api/api-error';
import { safeReturnUrl } from '../core/auth-guard';
import { Session } from '../core/session';
import { errorMessage } from '../i18n/error-text';
import { type Message, render } from '../i18n/ja';
import { TranslatePipe } from '../i18n/translate-pipe';

@Component({
  selector: 'mp-login',
  imports: [
    ReactiveFormsModule,
    MatButtonModule,
    MatFormFieldModule,
    MatInputModule,
    RouterLink,
    TranslatePipe,
  ],
  templateUrl: './login.html',
  styleUrl: './auth-layout.scss',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class Login {
  private readonly session = inject(Session);
  private readonly router = inject(Router);

  /** Where the customer was going when sent here (query param, bound by the router). */
  readonly returnUrl = input<string>();
  /** `signedOut` after sign-out, `passwordSet` when signing in after a link could not do it. */
  readonly notice = input<string>();

  protected readonly form = inject(NonNullableFormBuilder).group({
    email: ['', [Validators.required, Validators.maxLength(254)]],
    password: ['', [Validators.required, Validators.maxLength(200)]],
  });
  protected readonly submitting = signal(false);
  protected readonly error = signal<Message | null>(null);
  protected readonly render = render;

  protected signIn(): void {
    if (this.form.invalid) {
      this.form.markAllAsTouched();
      return;
    }
    const { email, password } = this.form.getRawValue();
    this.submitting.set(true);
    this.error.set(null);
    this.session.login(email.trim(), password).subscribe({
      next: () => void this.router.navigateByUrl(safeReturnUrl(this.returnUrl())),
      error: (err: unknown) => {
        this.submitting.set(false);
        this.error.set(errorMessage(readApiError(err)));
      },
    });
  }
}
