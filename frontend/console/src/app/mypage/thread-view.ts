import {
  ChangeDetectionStrategy,
  Component,
  ElementRef,
  computed,
  effect,
  inject,
  input,
  signal,
  untracked,
  viewChild,
} from '@angular/core';
import { ListFlagBadge } from '../customers/list-flag-badge';
import { rxResource, takeUntilDestroyed } from '@angular/core/rxjs-interop';
import { NonNullableFormBuilder, ReactiveFormsModule, Validators } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatDialog } from '@angular/material/dialog';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatIconModule } from '@angular/material/icon';
import { MatInputModule } from '@angular/material/input';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { Router, RouterLink } from '@angular/router';
import { debounceTime, filter } from 'rxjs';

import { readApiError } from '../api/api-error';
import { EventsApi } from '../api/events-api';
import {
  MypageApi,
  THREAD_LABEL_MAX,
  THREAD_TITLE_MAX,
  type ThreadDetail,
  type ThreadPost,
} from '../api/mypage-api';
import { clearServerErrors, showServerErrors, validationMessage } from '../core/form-errors';
import type { Upload } from '../api/uploads-api';
import { Notifier } from '../core/notifier';
import { UnsavedChanges } from '../core/unsaved-changes';
import { Session } from '../core/session';
import { DateTimePipe } from '../i18n/date-time-pipe';
import { FileSizePipe } from '../i18n/file-size-pipe';
import { I18n, type Message } from '../i18n/i18n';
import type { MessageKey } from '../i18n/ja';
import { TranslatePipe } from '../i18n/translate-pipe';
import { openNewThreadDialog } from './new-thread-dialog';
import { PostInputField, postInputOf, type PostKind } from './post-input';
import { ThreadListMemory } from './thread-list-query';

type PendingStatus = 'awaiting' | 'rejected' | 'sending' | 'failed' | 'cancelled';

const PENDING_LABELS: Record<PendingStatus, MessageKey> = {
  awaiting: 'mypageThreads.pending',
  rejected: 'mypageThreads.rejected',
  sending: 'mypageThreads.sending',
  failed: 'mypageThreads.failed',
  cancelled: 'mypageThreads.cancelled',
};

/** A customer post shows within a second of the event. */
const LIVE_UPDATE_DEBOUNCE_MS = 200;

/**
 * One MYPAGE thread for staff: header (code, title, customer, label and memo — staff only),
 * the posts chat-style (the customer on the left, staff on the right) with time and author,
 * images inline and files as downloads, staff posts waiting for approval or rejected marked so,
 * and the post box. Opening it clears NEW for every staff member; new posts arrive live.
 */
@Component({
  selector: 'mg-thread-view',
  imports: [
    ListFlagBadge,
    ReactiveFormsModule,
    RouterLink,
    MatFormFieldModule,
    MatInputModule,
    MatButtonModule,
    MatIconModule,
    MatProgressBarModule,
    PostInputField,
    DateTimePipe,
    FileSizePipe,
    TranslatePipe,
  ],
  templateUrl: './thread-view.html',
  styleUrl: './thread-view.scss',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class ThreadView {
  private readonly api = inject(MypageApi);
  private readonly router = inject(Router);
  private readonly dialog = inject(MatDialog);
  private readonly notifier = inject(Notifier);
  private readonly memory = inject(ThreadListMemory);
  private readonly session = inject(Session);
  protected readonly i18n = inject(I18n);

  /** The `:id` route param. */
  readonly id = input.required<string>();
  protected readonly threadId = computed(() => {
    const id = Number(this.id());
    return Number.isInteger(id) && id > 0 ? id : undefined;
  });
  protected readonly canWrite = computed(() => this.session.can('mypage'));
  protected readonly pendingLabels = PENDING_LABELS;

  protected readonly thread = rxResource({
    params: () => this.threadId(),
    stream: ({ params: id }) => this.api.get(id),
  });
  /** Kept on screen while a live update reloads. */
  private readonly lastThread = signal<ThreadDetail | undefined>(undefined);
  protected readonly current = computed(() => {
    if (this.thread.hasValue()) return this.thread.value();
    // Another thread's posts never stand in while this one loads.
    const last = this.lastThread();
    return last?.id === this.threadId() ? last : undefined;
  });
  protected readonly loadError = computed(() => {
    if (this.threadId() === undefined) return this.i18n.t('errors.notFound');
    const error = this.thread.error();
    return error ? this.notifier.describe(readApiError(error)) : null;
  });

  protected readonly postKind = signal<PostKind>('text');
  protected readonly postText = signal('');
  protected readonly postUpload = signal<Upload | null>(null);
  protected readonly uploading = signal(false);
  protected readonly posting = signal(false);
  protected readonly postError = signal<string | null>(null);
  protected readonly canPost = computed(
    () =>
      !this.posting() &&
      !this.uploading() &&
      postInputOf(this.postKind(), this.postText(), this.postUpload()) !== null,
  );
  private readonly postBox = viewChild(PostInputField);
  private readonly postsEnd = viewChild<ElementRef<HTMLElement>>('postsEnd');

  protected readonly titleMax = THREAD_TITLE_MAX;
  protected readonly editing = signal(false);
  protected readonly savingMeta = signal(false);
  protected readonly metaError = signal<Message | null>(null);
  protected readonly metaForm = inject(NonNullableFormBuilder).group({
    title: ['', [Validators.required, Validators.maxLength(THREAD_TITLE_MAX)]],
    label: ['', Validators.maxLength(THREAD_LABEL_MAX)],
    memo: ['', Validators.maxLength(2000)],
  });

  constructor() {
    // A half-written post (or an edit of the header) asks before leaving.
    inject(UnsavedChanges).watch(
      () =>
        !this.posting() &&
        (this.postText().trim() !== '' ||
          this.postUpload() !== null ||
          (this.editing() && this.metaForm.dirty)),
    );
    // The same view is reused for another thread (「登録内容参照して新規登録」): start it empty.
    effect(() => {
      this.threadId();
      untracked(() => {
        this.postBox()?.reset();
        this.postError.set(null);
        this.editing.set(false);
      });
    });
    let shownPosts = -1;
    effect(() => {
      const t = this.thread.hasValue() ? this.thread.value() : undefined;
      if (!t) return;
      untracked(() => {
        this.lastThread.set(t);
        // A new post (ours or the customer's) scrolls into view, as in a chat.
        if (t.posts.length !== shownPosts) {
          shownPosts = t.posts.length;
          queueMicrotask(() => this.postsEnd()?.nativeElement.scrollIntoView?.({ block: 'end' }));
        }
      });
    });

    // Live: the thread's posts are articles on its ticket, so a ticket event for it is a new post
    // (or a staff post approved, rejected or sent).
    inject(EventsApi)
      .events()
      .pipe(
        filter((event) => event.type === 'resumed' || (this.current()?.ticketId ?? null) === event.ticketId),
        debounceTime(LIVE_UPDATE_DEBOUNCE_MS),
        takeUntilDestroyed(),
      )
      .subscribe(() => this.thread.reload());
  }

  protected isStaff(post: ThreadPost): boolean {
    return post.author === 'staff';
  }

  /** Who wrote it: the staff member, or the thread's customer. */
  protected authorOf(post: ThreadPost, thread: ThreadDetail): string {
    return post.author === 'staff'
      ? (post.staff?.name ?? this.i18n.t('mypageThreads.staff'))
      : thread.customer.name || this.i18n.t('mypageThreads.customerSide');
  }

  /** Where a staff post stands that the customer cannot see yet (null once it is on the portal). */
  protected pendingStatus(post: ThreadPost): PendingStatus | null {
    if (post.author !== 'staff' || post.state === 'visible') return null;
    switch (post.replyStatus) {
      case 'awaiting_approval':
        return 'awaiting';
      case 'rejected':
        return 'rejected';
      case 'failed':
        return 'failed';
      case 'cancelled':
        return 'cancelled';
      default:
        return 'sending';
    }
  }

  protected sendPost(): void {
    const thread = this.current();
    const input = postInputOf(this.postKind(), this.postText(), this.postUpload());
    if (!thread || !input) return;
    this.posting.set(true);
    this.postError.set(null);
    this.api.post(thread.id, input).subscribe({
      next: () => {
        this.posting.set(false);
        this.postBox()?.reset();
        this.thread.reload();
      },
      error: (error: unknown) => {
        this.posting.set(false);
        this.postError.set(this.notifier.describe(readApiError(error)));
      },
    });
  }

  protected metaErrorText(field: 'title' | 'label' | 'memo'): string {
    return validationMessage(this.metaForm.controls[field], this.i18n);
  }

  protected editMeta(): void {
    const t = this.current();
    if (!t) return;
    this.metaForm.reset({ title: t.title, label: t.label ?? '', memo: t.memo ?? '' });
    this.metaError.set(null);
    this.editing.set(true);
  }

  protected cancelMeta(): void {
    this.editing.set(false);
    this.metaError.set(null);
  }

  /** Title, label and memo (`PATCH`); an emptied label or memo is cleared. */
  protected saveMeta(): void {
    const t = this.current();
    clearServerErrors(this.metaForm);
    this.metaError.set(null);
    if (!t) return;
    if (this.metaForm.invalid) {
      this.metaForm.markAllAsTouched();
      return;
    }
    const v = this.metaForm.getRawValue();
    this.savingMeta.set(true);
    this.api
      .update(t.id, { title: v.title.trim(), label: v.label.trim() || null, memo: v.memo.trim() || null })
      .subscribe({
        next: () => {
          this.savingMeta.set(false);
          this.editing.set(false);
          this.notifier.success('mypageThreads.saved');
          this.thread.reload();
        },
        error: (error: unknown) => {
          this.savingMeta.set(false);
          const apiError = readApiError(error);
          this.metaError.set(
            apiError.status === 400
              ? showServerErrors(this.metaForm, apiError, this.i18n)
              : { text: this.notifier.describe(apiError) },
          );
        },
      });
  }

  /** 「登録内容参照して新規登録」: a new thread with this one's owner, title, label and memo. */
  protected newFromThis(): void {
    const t = this.current();
    if (!t) return;
    openNewThreadDialog(this.dialog, {
      from: { customer: t.customer, title: t.title, label: t.label, memo: t.memo },
    })
      .afterClosed()
      .subscribe((created) => {
        if (created) void this.router.navigate(['/messages', created.id]);
      });
  }

  protected backToList(): void {
    void this.router.navigate(['/messages'], { queryParams: this.memory.queryParams() });
  }
}
