import { ChangeDetectionStrategy, Component, ElementRef, inject, signal, viewChild } from '@angular/core';
import { NonNullableFormBuilder, ReactiveFormsModule, Validators } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { RouterLink } from '@angular/router';

import { AuthApi } from '../api/auth-api';
import { readApiError } from '../api/api-error';
import { formErrorMessages } from '../i18n/error-text';
import { type Message, render } from '../i18n/ja';
import { TranslatePipe } from '../i18n/translate-pipe';
import { focusSoon } from '../core/focus';

/**
 * Sign-up by email: the server mails a verification link (`/mypage/set-password?token=…`, 24 h)
 * and always answers the same, so the page says "check your mail" whatever the address.
 */
@Component({
  selector: 'mp-signup',
  imports: [
    ReactiveFormsModule,
    MatButtonModule,
    MatFormFieldModule,
    MatInputModule,
    RouterLink,
    TranslatePipe,
  ],
  templateUrl: './signup.html',
  styleUrl: './auth-layout.scss',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class Signup {
  private readonly api = inject(AuthApi);
  private readonly sentHeading = viewChild<ElementRef<HTMLElement>>('sentHeading');

  protected readonly form = inject(NonNullableFormBuilder).group({
    email: ['', [Validators.required, Validators.email, Validators.maxLength(254)]],
    name: ['', [Validators.maxLength(50)]],
  });
  protected readonly submitting = signal(false);
  protected readonly sentTo = signal<string | null>(null);
  protected readonly errors = signal<Message[]>([]);
  protected readonly render = render;

  protected requestSignup(): void {
    if (this.form.invalid) {
      this.form.markAllAsTouched();
      return;
    }
    const email = this.form.controls.email.value.trim();
    const name = this.form.controls.name.value.trim();
    this.submitting.set(true);
    this.errors.set([]);
    this.api.signup(email, name || null).subscribe({
      next: () => {
        this.submitting.set(false);
        this.sentTo.set(email);
        focusSoon(() => this.sentHeading()?.nativeElement);
      },
      error: (err: unknown) => {
        this.submitting.set(false);
        this.errors.set(formErrorMessages(readApiError(err), ['email', 'name']));
      },
    });
  }
}
