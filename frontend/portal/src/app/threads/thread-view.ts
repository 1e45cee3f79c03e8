import {
  ChangeDetectionStrategy,
  Component,
  DestroyRef,
  ElementRef,
  computed,
  inject,
  input,
  signal,
  viewChild,
} from '@angular/core';
import { takeUntilDestroyed, toObservable } from '@angular/core/rxjs-interop';
import { RouterLink } from '@angular/router';
import { EMPTY, Subject, catchError, filter, map, merge, switchMap } from 'rxjs';

import { readApiError } from '../api/api-error';
import { PortalEvents } from '../api/events';
import { type ThreadDetail, ThreadsApi } from '../api/threads-api';
import { errorMessage } from '../i18n/error-text';
import { DateTimePipe, FileSizePipe } from '../i18n/date-time-pipe';
import { type Message, render } from '../i18n/ja';
import { TranslatePipe } from '../i18n/translate-pipe';
import { PostBox } from './post-box';

/**
 * One thread, chat style: the customer's posts on the right, the staff's on the left, each with
 * its time and author; images inline (scaled to the screen), files as downloads with their names.
 * A staff post shows without reload (GET /api/portal/events).
 */
@Component({
  selector: 'mp-thread-view',
  imports: [RouterLink, PostBox, DateTimePipe, FileSizePipe, TranslatePipe],
  templateUrl: './thread-view.html',
  styleUrl: './thread-view.scss',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class ThreadView {
  private readonly api = inject(ThreadsApi);
  private readonly end = viewChild<ElementRef<HTMLElement>>('end');

  /** The route's `:id` (bound by the router). */
  readonly id = input.required<string>();

  protected readonly threadId = computed(() => Number(this.id()));
  protected readonly thread = signal<ThreadDetail | null>(null);
  protected readonly error = signal<Message | null>(null);
  protected readonly render = render;
  private readonly reload$ = new Subject<void>();

  constructor() {
    const id$ = toObservable(this.threadId);
    const live$ = inject(PortalEvents).changes$.pipe(
      filter((e) => e.threadId === null || e.threadId === this.threadId()),
    );
    merge(id$, live$, this.reload$)
      .pipe(
        map(() => this.threadId()),
        switchMap((id) =>
          this.api.get(id).pipe(
            catchError((err: unknown) => {
              this.error.set(errorMessage(readApiError(err)));
              return EMPTY;
            }),
          ),
        ),
        takeUntilDestroyed(inject(DestroyRef)),
      )
      .subscribe((thread) => this.show(thread));
  }

  protected reload(): void {
    this.reload$.next();
  }

  private show(thread: ThreadDetail): void {
    const before = this.thread()?.posts.length ?? 0;
    this.error.set(null);
    this.thread.set(thread);
    // Chat style: a new post (or the first load) brings the newest into view.
    if (thread.posts.length !== before) {
      setTimeout(() => this.end()?.nativeElement.scrollIntoView({ block: 'end' }), 0);
    }
  }
}
