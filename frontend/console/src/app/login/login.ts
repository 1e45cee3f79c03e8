import { ChangeDetectionStrategy, Component, inject, input, signal } from '@angular/core';
import { NonNullableFormBuilder, ReactiveFormsModule, Validators } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatCardModule } from '@angular/material/card';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { Router } from '@angular/router';

import { readApiError } from '../api/api-error';
import { Notifier } from '../core/notifier';
import { Session } from '../core/session';
import { I18n, type Message } from '../i18n/i18n';
import { LanguageSwitch } from '../i18n/language-switch';
import { TranslatePipe } from '../i18n/translate-pipe';

@Component({
  selector: 'mg-login',
  imports: [
    ReactiveFormsModule,
    MatButtonModule,
    MatCardModule,
    MatFormFieldModule,
    MatInputModule,
    LanguageSwitch,
    TranslatePipe,
  ],
  templateUrl: './login.html',
  styleUrl: './login.scss',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class Login {
  private readonly session = inject(Session);
  private readonly router = inject(Router);
  private readonly notifier = inject(Notifier);
  protected readonly i18n = inject(I18n);

  /** Where the user was going when they were sent here (query param, bound by the router). */
  readonly returnUrl = input<string>();

  protected readonly form = inject(NonNullableFormBuilder).group({
    email: ['', Validators.required],
    password: ['', Validators.required],
  });
  protected readonly submitting = signal(false);
  protected readonly error = signal<Message | null>(null);

  protected signIn(): void {
    if (this.form.invalid) {
      this.form.markAllAsTouched();
      return;
    }
    const { email, password } = this.form.getRawValue();
    this.submitting.set(true);
    this.error.set(null);
    this.session.login(email.trim(), password).subscribe({
      next: () => void this.router.navigateByUrl(this.target()),
      error: (err: unknown) => {
        this.submitting.set(false);
        const apiError = readApiError(err);
        if (apiError.status === 401) {
          this.error.set({ key: 'login.invalidCredentials' });
        } else if (apiError.status === 429) {
          this.error.set(apiError.code ? this.notifier.message(err) : { key: 'login.tooManyAttempts' });
        } else {
          this.error.set({ text: this.notifier.describe(apiError) });
        }
      },
    });
  }

  /** Only paths inside the console, so a crafted link cannot send the user elsewhere. */
  private target(): string {
    const url = this.returnUrl();
    if (url && url.startsWith('/') && !url.startsWith('//') && !url.startsWith('/login')) {
      return url;
    }
    return '/inbox';
  }
}
