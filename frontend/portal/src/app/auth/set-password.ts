import { ChangeDetectionStrategy, Component, inject, input, signal } from '@angular/core';
import { NonNullableFormBuilder, ReactiveFormsModule, Validators } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { Router, RouterLink } from '@angular/router';
import { switchMap } from 'rxjs';

import { AuthApi } from '../api/auth-api';
import { readApiError } from '../api/api-error';
import { passwordsMatch } from '../core/password-match';
import { Session } from '../core/session';
import { formErrorMessages } from '../i18n/error-text';
import { type Message, render } from '../i18n/ja';
import { TranslatePipe } from '../i18n/translate-pipe';

/**
 * `/mypage/set-password?token=…`, where the invitation, sign-up and reset mails lead. The server
 * sets the password and answers the address; the page then signs in with it, so the customer
 * lands signed in on their threads.
 */
@Component({
  selector: 'mp-set-password',
  imports: [
    ReactiveFormsModule,
    MatButtonModule,
    MatFormFieldModule,
    MatInputModule,
    RouterLink,
    TranslatePipe,
  ],
  templateUrl: './set-password.html',
  styleUrl: './auth-layout.scss',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class SetPassword {
  private readonly api = inject(AuthApi);
  private readonly session = inject(Session);
  private readonly router = inject(Router);

  /** The one-time token from the mailed link (query param, bound by the router). */
  readonly token = input<string>();

  protected readonly form = inject(NonNullableFormBuilder).group(
    {
      password: ['', [Validators.required, Validators.minLength(10), Validators.maxLength(128)]],
      confirm: ['', [Validators.required]],
    },
    { validators: passwordsMatch('password', 'confirm') },
  );
  protected readonly submitting = signal(false);
  protected readonly errors = signal<Message[]>([]);
  protected readonly tokenInvalid = signal(false);
  protected readonly render = render;

  protected savePassword(): void {
    const token = this.token();
    if (!token) return;
    if (this.form.invalid) {
      this.form.markAllAsTouched();
      return;
    }
    const { password } = this.form.getRawValue();
    this.submitting.set(true);
    this.errors.set([]);
    this.api
      .setPassword(token, password)
      .pipe(switchMap(({ email }) => this.session.login(email, password)))
      .subscribe({
        next: () => void this.router.navigateByUrl('/threads', { replaceUrl: true }),
        error: (err: unknown) => {
          this.submitting.set(false);
          const error = readApiError(err);
          if (error.code === 'PORTAL_TOKEN_INVALID') {
            this.tokenInvalid.set(true);
            this.errors.set([{ key: 'error.PORTAL_TOKEN_INVALID' }]);
          } else if (error.status === 401 || error.status === 429) {
            // The password is set; only the automatic sign-in failed.
            void this.router.navigate(['/login'], {
              queryParams: { notice: 'passwordSet' },
              replaceUrl: true,
            });
          } else {
            this.errors.set(formErrorMessages(error, ['password']));
          }
        },
      });
  }
}
