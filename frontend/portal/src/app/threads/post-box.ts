import {
  ChangeDetectionStrategy,
  Component,
  ElementRef,
  computed,
  inject,
  input,
  output,
  signal,
  viewChild,
} from '@angular/core';
import { FormsModule } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import type { Observable } from 'rxjs';

import { readApiError } from '../api/api-error';
import { POST_MAX_CHARS, ThreadsApi, UPLOAD_MAX_BYTES } from '../api/threads-api';
import { formErrorMessages } from '../i18n/error-text';
import { FileSizePipe } from '../i18n/date-time-pipe';
import { type Message, render } from '../i18n/ja';
import { TranslatePipe } from '../i18n/translate-pipe';

/**
 * The post box under a thread: a text (≤ 1,000 characters, counted as the server counts, by code
 * point) or one image or file (≤ 10 MB) — exactly one of them per post. Limits are checked here
 * for a quick answer and again by the server, whose refusals are worded by their code.
 */
@Component({
  selector: 'mp-post-box',
  imports: [FormsModule, MatButtonModule, FileSizePipe, TranslatePipe],
  templateUrl: './post-box.html',
  styleUrl: './post-box.scss',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class PostBox {
  private readonly api = inject(ThreadsApi);
  private readonly fileInput = viewChild.required<ElementRef<HTMLInputElement>>('fileInput');

  readonly threadId = input.required<number>();
  /** A post was accepted: the thread should reload. */
  readonly posted = output<void>();

  protected readonly max = POST_MAX_CHARS;
  protected readonly text = signal('');
  protected readonly file = signal<File | null>(null);
  protected readonly sending = signal(false);
  protected readonly error = signal<Message | null>(null);
  protected readonly status = signal<Message | null>(null);
  protected readonly count = computed(() => [...this.text()].length);
  protected readonly tooLong = computed(() => this.count() > POST_MAX_CHARS);
  protected readonly render = render;

  protected chooseFile(event: Event): void {
    const chosen = (event.target as HTMLInputElement).files?.[0] ?? null;
    this.status.set(null);
    if (chosen && chosen.size > UPLOAD_MAX_BYTES) {
      this.error.set({ key: 'post.fileTooLarge' });
      this.clearFile();
      return;
    }
    if (chosen && chosen.size === 0) {
      this.error.set({ key: 'post.fileEmpty' });
      this.clearFile();
      return;
    }
    this.error.set(null);
    this.file.set(chosen);
  }

  protected clearFile(): void {
    this.file.set(null);
    this.fileInput().nativeElement.value = '';
  }

  protected sendPost(): void {
    if (this.sending()) return;
    const text = this.text().trim();
    const file = this.file();
    this.status.set(null);
    if (file && text) {
      this.error.set({ key: 'post.both' });
      return;
    }
    if (!file && !text) {
      this.error.set({ key: 'post.empty' });
      return;
    }
    if (this.tooLong()) {
      this.error.set({ key: 'post.tooLong', params: { max: POST_MAX_CHARS, count: this.count() } });
      return;
    }
    this.error.set(null);
    this.sending.set(true);
    const request: Observable<unknown> = file
      ? this.api.postFile(this.threadId(), file)
      : this.api.postText(this.threadId(), this.text());
    request.subscribe({
      next: () => {
        this.sending.set(false);
        this.text.set('');
        this.clearFile();
        this.status.set({ key: 'post.sent' });
        this.posted.emit();
      },
      error: (err: unknown) => {
        this.sending.set(false);
        this.error.set(formErrorMessages(readApiError(err), ['text', 'file', 'kind'])[0]);
      },
    });
  }
}
