import { ChangeDetectionStrategy, Component, computed, inject, signal } from '@angular/core';
import { NonNullableFormBuilder, ReactiveFormsModule, Validators } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { Router, RouterLink } from '@angular/router';

import { readApiError } from '../api/api-error';
import { POST_MAX_CHARS, TITLE_MAX_CHARS, ThreadsApi } from '../api/threads-api';
import { formErrorMessages } from '../i18n/error-text';
import { type Message, render } from '../i18n/ja';
import { TranslatePipe } from '../i18n/translate-pipe';

/** A new thread from the customer (title ≤ 100 and a first text), when the MYPAGE settings allow it. */
@Component({
  selector: 'mp-new-thread',
  imports: [
    ReactiveFormsModule,
    MatButtonModule,
    MatFormFieldModule,
    MatInputModule,
    RouterLink,
    TranslatePipe,
  ],
  templateUrl: './new-thread.html',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class NewThread {
  private readonly api = inject(ThreadsApi);
  private readonly router = inject(Router);

  protected readonly max = POST_MAX_CHARS;
  protected readonly form = inject(NonNullableFormBuilder).group({
    title: ['', [Validators.required, Validators.maxLength(TITLE_MAX_CHARS)]],
    text: ['', [Validators.required, Validators.maxLength(POST_MAX_CHARS)]],
  });
  protected readonly allowed = signal<boolean | null>(null);
  protected readonly submitting = signal(false);
  protected readonly errors = signal<Message[]>([]);
  private readonly textValue = signal('');
  protected readonly count = computed(() => [...this.textValue()].length);
  protected readonly render = render;

  constructor() {
    this.form.controls.text.valueChanges.subscribe((v) => this.textValue.set(v));
    this.api.list().subscribe({
      next: (list) => this.allowed.set(list.customersMayStartThreads),
      error: () => this.allowed.set(false),
    });
  }

  protected createThread(): void {
    if (this.form.invalid) {
      this.form.markAllAsTouched();
      return;
    }
    const { title, text } = this.form.getRawValue();
    this.submitting.set(true);
    this.errors.set([]);
    this.api.create(title.trim(), text).subscribe({
      next: (created) => void this.router.navigate(['/threads', created.id], { replaceUrl: true }),
      error: (err: unknown) => {
        this.submitting.set(false);
        this.errors.set(formErrorMessages(readApiError(err), ['title', 'text']));
      },
    });
  }
}
