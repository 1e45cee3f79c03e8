import { ChangeDetectionStrategy, Component, ElementRef, inject, signal, viewChild } from '@angular/core';
import { NonNullableFormBuilder, ReactiveFormsModule, Validators } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { RouterLink } from '@angular/router';

import { AuthApi } from '../api/auth-api';
import { readApiError } from '../api/api-error';
import { focusSoon } from '../core/focus';
import { formErrorMessages } from '../i18n/error-text';
import { type Message, render } from '../i18n/ja';
import { TranslatePipe } from '../i18n/translate-pipe';

/** Asks for a reset link (1 h). The server answers the same whether the address exists or not. */
@Component({
  selector: 'mp-password-reset',
  imports: [
    ReactiveFormsModule,
    MatButtonModule,
    MatFormFieldModule,
    MatInputModule,
    RouterLink,
    TranslatePipe,
  ],
  templateUrl: './password-reset.html',
  styleUrl: './auth-layout.scss',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class PasswordReset {
  private readonly api = inject(AuthApi);
  private readonly sentHeading = viewChild<ElementRef<HTMLElement>>('sentHeading');

  protected readonly form = inject(NonNullableFormBuilder).group({
    email: ['', [Validators.required, Validators.maxLength(254)]],
  });
  protected readonly submitting = signal(false);
  protected readonly sentTo = signal<string | null>(null);
  protected readonly errors = signal<Message[]>([]);
  protected readonly render = render;

  protected requestReset(): void {
    if (this.form.invalid) {
      this.form.markAllAsTouched();
      return;
    }
    const email = this.form.controls.email.value.trim();
    this.submitting.set(true);
    this.errors.set([]);
    this.api.requestReset(email).subscribe({
      next: () => {
        this.submitting.set(false);
        this.sentTo.set(email);
        focusSoon(() => this.sentHeading()?.nativeElement);
      },
      error: (err: unknown) => {
        this.submitting.set(false);
        this.errors.set(formErrorMessages(readApiError(err), ['email']));
      },
    });
  }
}
