import {
  ChangeDetectionStrategy,
  Component,
  effect,
  inject,
  input,
  output,
  signal,
  untracked,
  viewChild,
} from '@angular/core';
import { FormGroupDirective, NonNullableFormBuilder, ReactiveFormsModule, Validators } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatIconModule } from '@angular/material/icon';
import { MatInputModule } from '@angular/material/input';
import { MatProgressBarModule } from '@angular/material/progress-bar';

import { readApiError } from '../api/api-error';
import { ArticlesApi } from '../api/articles-api';
import { TicketsApi, type Article, type ReplyInput, type TicketDetail } from '../api/tickets-api';
import { clearServerErrors, showServerErrors, validationMessage } from '../core/form-errors';
import { Notifier } from '../core/notifier';
import { I18n, type Message } from '../i18n/i18n';
import { TranslatePipe } from '../i18n/translate-pipe';
import { addressListValidator, notBlankValidator, splitAddresses } from './address-list';

export const MAX_REPLY_LENGTH = 100_000;

function buildForm(fb: NonNullableFormBuilder) {
  return fb.group({
    to: ['', [notBlankValidator, addressListValidator]],
    cc: ['', addressListValidator],
    bcc: ['', addressListValidator],
    subject: ['', Validators.maxLength(500)],
    text: ['', [notBlankValidator, Validators.maxLength(MAX_REPLY_LENGTH)]],
  });
}

type ReplyFormGroup = ReturnType<typeof buildForm>;
type ReplyField = keyof ReplyFormGroup['controls'];
type ReplyDraft = ReturnType<ReplyFormGroup['getRawValue']>;

/** A reply the server holds back for its undo window. */
interface PendingSend {
  article: Article;
  /** Local clock, ms. */
  deadline: number;
  /** What was sent from this box, to give back on undo; null for a reply found on the timeline. */
  draft: ReplyDraft | null;
}

/** The simple reply box under a ticket's timeline, with undo while the reply waits to go out. */
@Component({
  selector: 'mg-reply-form',
  imports: [
    ReactiveFormsModule,
    MatButtonModule,
    MatFormFieldModule,
    MatIconModule,
    MatInputModule,
    MatProgressBarModule,
    TranslatePipe,
  ],
  templateUrl: './reply-form.html',
  styleUrl: './reply-form.scss',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class ReplyForm {
  private readonly ticketsApi = inject(TicketsApi);
  private readonly articlesApi = inject(ArticlesApi);
  private readonly notifier = inject(Notifier);
  protected readonly i18n = inject(I18n);

  readonly ticket = input.required<TicketDetail>();
  /** The timeline changed (a reply queued or cancelled): the ticket should be fetched again. */
  readonly changed = output<void>();

  protected readonly maxLength = MAX_REPLY_LENGTH;
  protected readonly form = buildForm(inject(NonNullableFormBuilder));
  private readonly formDirective = viewChild.required(FormGroupDirective);
  protected readonly sending = signal(false);
  protected readonly formError = signal<Message | null>(null);

  protected readonly pending = signal<readonly PendingSend[]>([]);
  protected readonly cancelling = signal<number | null>(null);
  protected readonly undoError = signal<string | null>(null);
  private readonly now = signal(Date.now());

  constructor() {
    let filledFor: number | null = null;
    effect(() => {
      const ticket = this.ticket();
      untracked(() => {
        // A new ticket, not a refresh of the same one (which would wipe what is being typed).
        if (ticket.id !== filledFor) {
          filledFor = ticket.id;
          this.pending.set([]);
          this.undoError.set(null);
          this.formError.set(null);
          this.form.reset(this.defaults(ticket));
        }
        this.syncPending(ticket);
      });
    });

    // The countdown runs only while a reply can still be cancelled.
    effect((onCleanup) => {
      if (this.pending().length === 0) {
        return;
      }
      const timer = setInterval(() => this.tick(), 250);
      onCleanup(() => clearInterval(timer));
    });
  }

  protected errorText(field: ReplyField): string {
    const errors = this.form.controls[field].errors;
    if (errors?.['addressList']) {
      return this.i18n.t('validation.addressList', { address: errors['addressList'].address });
    }
    if (errors?.['addressCount']) {
      return this.i18n.t('validation.addressCount', { max: errors['addressCount'].max });
    }
    return validationMessage(this.form.controls[field], this.i18n);
  }

  protected secondsLeft(pending: PendingSend): number {
    return Math.max(0, Math.ceil((pending.deadline - this.now()) / 1000));
  }

  protected send(): void {
    this.formError.set(null);
    this.undoError.set(null);
    clearServerErrors(this.form);
    if (this.form.invalid) {
      this.form.markAllAsTouched();
      this.formError.set({ key: 'validation.fixErrors' });
      return;
    }
    const ticket = this.ticket();
    const draft = this.form.getRawValue();
    const input: ReplyInput = {
      to: splitAddresses(draft.to),
      cc: splitAddresses(draft.cc),
      bcc: splitAddresses(draft.bcc),
      subject: draft.subject.trim(),
      text: draft.text,
    };
    this.sending.set(true);
    this.ticketsApi.reply(ticket.id, input).subscribe({
      next: (article) => {
        this.sending.set(false);
        const deadline = undoDeadline(article, Date.now(), 'answer');
        if (deadline !== null && deadline > Date.now()) {
          this.now.set(Date.now());
          this.pending.update((list) => [...list, { article, deadline, draft }]);
        } else {
          this.notifier.success('reply.queued');
        }
        // Through the directive, so the emptied text does not show as "required" right away.
        this.formDirective().resetForm(this.defaults(ticket));
        this.changed.emit();
      },
      error: (error: unknown) => {
        this.sending.set(false);
        const apiError = readApiError(error);
        this.formError.set(
          apiError.status === 400
            ? showServerErrors(this.form, apiError)
            : { text: this.notifier.describe(apiError) },
        );
      },
    });
  }

  protected cancelSend(pending: PendingSend): void {
    this.undoError.set(null);
    this.cancelling.set(pending.article.id);
    this.articlesApi.cancel(pending.article.id).subscribe({
      next: () => {
        this.cancelling.set(null);
        this.drop(pending);
        // Like undo in a mail program: the reply comes back to be edited, unless a new one is under way.
        if (pending.draft && this.form.controls.text.value.trim() === '') {
          this.form.reset(pending.draft);
          this.notifier.success('reply.cancelledRestored');
        } else {
          this.notifier.success('reply.cancelled');
        }
        this.changed.emit();
      },
      error: (error: unknown) => {
        this.cancelling.set(null);
        this.drop(pending);
        const apiError = readApiError(error);
        // 409: it already started going out; the server says so in words.
        this.undoError.set(
          apiError.status === 409 && apiError.message ? apiError.message : this.notifier.describe(apiError),
        );
        this.changed.emit();
      },
    });
  }

  private defaults(ticket: TicketDetail): ReplyDraft {
    return {
      to: ticket.contact?.address ?? '',
      cc: '',
      bcc: '',
      subject: ticket.replySubject ?? '',
      text: '',
    };
  }

  /**
   * Keeps the undo bars in step with the timeline: a reply that is no longer queued (sent, or
   * cancelled elsewhere) loses its bar; a queued one still inside its window (e.g. after a page
   * reload) gets one.
   */
  private syncPending(ticket: TicketDetail): void {
    const now = Date.now();
    const statuses = new Map(ticket.articles.map((article) => [article.id, article.status]));
    const kept = this.pending().filter((p) => (statuses.get(p.article.id) ?? 'queued') === 'queued');
    const shown = new Set(kept.map((p) => p.article.id));
    const found: PendingSend[] = [];
    for (const article of ticket.articles) {
      if (article.direction !== 'outbound' || article.status !== 'queued' || shown.has(article.id)) {
        continue;
      }
      const deadline = undoDeadline(article, now, 'timeline');
      if (deadline !== null && deadline > now) {
        found.push({ article, deadline, draft: null });
      }
    }
    if (found.length > 0 || kept.length !== this.pending().length) {
      this.now.set(now);
      this.pending.set([...kept, ...found]);
    }
  }

  private tick(): void {
    const now = Date.now();
    this.now.set(now);
    const cancelling = this.cancelling();
    if (this.pending().some((p) => p.deadline <= now && p.article.id !== cancelling)) {
      this.pending.update((list) => list.filter((p) => p.deadline > now || p.article.id === cancelling));
    }
  }

  private drop(pending: PendingSend): void {
    this.pending.update((list) => list.filter((p) => p !== pending));
  }
}

/**
 * When the undo window ends, on this machine's clock. The server's clock may differ from ours, so
 * the window's length is measured on the server's clock (`undoUntil - createdAt`). For the answer
 * to our own request it is counted from when the answer arrived; for a reply found on the timeline
 * later, the server's `undoUntil` is taken, but never more than one window from now.
 */
function undoDeadline(article: Article, now: number, source: 'answer' | 'timeline'): number | null {
  const until = article.undoUntil ? Date.parse(article.undoUntil) : NaN;
  if (!Number.isFinite(until)) {
    return null;
  }
  const created = Date.parse(article.createdAt);
  if (!Number.isFinite(created) || until < created) {
    return until;
  }
  const windowMs = until - created;
  return source === 'answer' ? now + windowMs : Math.min(until, now + windowMs);
}
