import { ChangeDetectionStrategy, Component, DestroyRef, inject, signal } from '@angular/core';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import { MatButtonModule } from '@angular/material/button';
import { RouterLink } from '@angular/router';

import { readApiError } from '../api/api-error';
import { PortalEvents } from '../api/events';
import { ThreadsApi, type ThreadSummary } from '../api/threads-api';
import { errorMessage } from '../i18n/error-text';
import { DateTimePipe } from '../i18n/date-time-pipe';
import { type Message, render } from '../i18n/ja';
import { TranslatePipe } from '../i18n/translate-pipe';

/** The customer's threads, newest post first, with NEW on those with unread staff posts; live. */
@Component({
  selector: 'mp-thread-list',
  imports: [MatButtonModule, RouterLink, DateTimePipe, TranslatePipe],
  templateUrl: './thread-list.html',
  styleUrl: './thread-list.scss',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class ThreadList {
  private readonly api = inject(ThreadsApi);

  protected readonly threads = signal<readonly ThreadSummary[] | null>(null);
  protected readonly mayStart = signal(false);
  protected readonly error = signal<Message | null>(null);
  protected readonly render = render;

  constructor() {
    this.load();
    inject(PortalEvents)
      .changes$.pipe(takeUntilDestroyed(inject(DestroyRef)))
      .subscribe(() => this.load());
  }

  private load(): void {
    this.api.list().subscribe({
      next: (list) => {
        this.error.set(null);
        this.threads.set(list.items);
        this.mayStart.set(list.customersMayStartThreads);
      },
      error: (err: unknown) => this.error.set(errorMessage(readApiError(err))),
    });
  }
}
