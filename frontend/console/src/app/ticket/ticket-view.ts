import { VisibleControlsPipe } from '../core/visible-controls';
import {
  ChangeDetectionStrategy,
  Component,
  computed,
  effect,
  inject,
  input,
  linkedSignal,
  signal,
} from '@angular/core';
import { rxResource, takeUntilDestroyed } from '@angular/core/rxjs-interop';
import { MatButtonModule } from '@angular/material/button';
import { MatDialog } from '@angular/material/dialog';
import { MatIconModule } from '@angular/material/icon';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { MatSnackBar } from '@angular/material/snack-bar';
import { Router, RouterLink } from '@angular/router';
import { debounceTime, filter } from 'rxjs';

import { readApiError } from '../api/api-error';
import { ArticlesApi } from '../api/articles-api';
import { EventsApi } from '../api/events-api';
import { MailboxesApi } from '../api/mailboxes-api';
import { RepliesApi, type Reply } from '../api/replies-api';
import { TicketsApi, type Article } from '../api/tickets-api';
import { WorkflowApi, type WorkflowTicket } from '../api/workflow-api';
import { Notifier } from '../core/notifier';
import { Session } from '../core/session';
import { InboxMemory } from '../inbox/ticket-list-query';
import { DateTimePipe } from '../i18n/date-time-pipe';
import { I18n, type Message } from '../i18n/i18n';
import { TranslatePipe } from '../i18n/translate-pipe';
import { ArticleCard } from './article-card';
import { CommentCard } from './comment-card';
import { CommentForm } from './comment-form';
import { TicketAssignee } from './ticket-assignee';
import { TicketLabelEditor } from './ticket-label-editor';
import { HistoryNoteForm } from './history-note-form';
import { MarkHandledDialog } from './mark-handled-dialog';
import { CustomerPanel } from './customer-panel';
import { MergeSpamApi } from '../api/merge-spam-api';
import { confirmAction } from '../core/confirm-dialog';
import { MergeDialog, type MergeDialogData } from './merge-dialog';
import { mergeSpamError } from './merge-spam-errors';
import { SpamDialog, type SpamChoice, type SpamDialogData } from './spam-dialog';
import { PresenceBar } from './presence-bar';
import { ReplyCard } from './reply-card';
import { ReplyComposer } from './reply-composer';
import { formatAddress } from './ticket-labels';
import { TicketRouting } from './ticket-routing';
import { TicketStateChip } from './ticket-state-chip';
import { TransitionHistory } from './transition-history';

/** Status changes from the dispatcher come in bursts (queued → sent); one re-fetch is enough. */
const LIVE_UPDATE_DEBOUNCE_MS = 300;

/** Replies still on their way (a scheduled one too); sent, failed and cancelled ones are on the timeline. */
const IN_FLIGHT = new Set<Reply['status']>(['draft', 'awaiting_approval', 'rejected']);

/** Articles per step of 「以前のやりとり」; the newest ones are asked for up to the server's limit, then older pages. */
const ARTICLE_PAGE = 50;
const MAX_ARTICLE_LIMIT = 200;

/**
 * One ticket: its header with the workflow actions, the timeline of articles, the replies in
 * flight, the composer, response-history notes and the transition history.
 */
@Component({
  selector: 'mg-ticket-view',
  imports: [CustomerPanel, 
    VisibleControlsPipe,
    RouterLink,
    MatButtonModule,
    MatIconModule,
    MatProgressBarModule,
    ArticleCard,
    CommentCard,
    CommentForm,
    DateTimePipe,
    HistoryNoteForm,
    PresenceBar,
    ReplyCard,
    ReplyComposer,
    TicketAssignee,
    TicketLabelEditor,
    TicketRouting,
    TicketStateChip,
    TransitionHistory,
    TranslatePipe,
  ],
  templateUrl: './ticket-view.html',
  styleUrl: './ticket-view.scss',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class TicketView {
  private readonly ticketsApi = inject(TicketsApi);
  private readonly repliesApi = inject(RepliesApi);
  private readonly workflowApi = inject(WorkflowApi);
  private readonly articlesApi = inject(ArticlesApi);
  private readonly dialog = inject(MatDialog);
  private readonly mailboxesApi = inject(MailboxesApi);
  private readonly router = inject(Router);
  private readonly notifier = inject(Notifier);
  private readonly session = inject(Session);
  private readonly inboxMemory = inject(InboxMemory);
  protected readonly i18n = inject(I18n);

  /** The `:id` route param. */
  readonly id = input<string>();

  private readonly ticketId = computed(() => {
    const id = Number(this.id());
    return Number.isInteger(id) && id > 0 ? id : undefined;
  });
  /** How many of the newest articles the view asks for; 「以前のやりとり」 raises it, then pages further back. */
  private readonly articleLimit = linkedSignal({ source: () => this.ticketId(), computation: () => ARTICLE_PAGE });
  /** Pages older than the `MAX_ARTICLE_LIMIT` newest, oldest first. */
  private readonly olderArticles = linkedSignal<number | undefined, { items: Article[]; hasMore: boolean } | null>({
    source: () => this.ticketId(),
    computation: () => null,
  });
  protected readonly loadingOlder = signal(false);
  protected readonly ticket = rxResource<WorkflowTicket, { id: number; limit: number } | undefined>({
    params: () => {
      const id = this.ticketId();
      return id === undefined ? undefined : { id, limit: this.articleLimit() };
    },
    stream: ({ params }) => this.ticketsApi.get(params.id, params.limit),
  });
  /** The timeline shown: older pages fetched on demand, then the newest articles. */
  protected readonly timeline = computed(() => {
    const ticket = this.current();
    if (!ticket) return [];
    const older = this.olderArticles()?.items ?? [];
    const shown = new Set(ticket.articles.map((a) => a.id));
    return [...older.filter((a) => !shown.has(a.id)), ...ticket.articles];
  });
  protected readonly hiddenArticles = computed(() => {
    const ticket = this.current();
    return ticket ? Math.max(0, ticket.articlesTotal - this.timeline().length) : 0;
  });
  protected readonly hasOlder = computed(() => {
    const older = this.olderArticles();
    return older ? older.hasMore : (this.current()?.hasOlderArticles ?? false);
  });
  private readonly replies = rxResource({
    params: () => this.ticketId(),
    stream: ({ params: id }) => this.repliesApi.forTicket(id),
  });
  /** The last list received, kept while a newer one loads (so cards being edited stay put). */
  protected readonly replyList = linkedSignal<Reply[] | undefined, readonly Reply[]>({
    source: () => (this.replies.hasValue() ? this.replies.value() : undefined),
    computation: (replies, previous) => replies ?? previous?.value ?? [],
  });
  protected readonly inFlight = computed(() =>
    this.replyList().filter(
      (reply) => IN_FLIGHT.has(reply.status) || (reply.status === 'queued' && reply.sendAt !== null),
    ),
  );
  /** Changes whenever the ticket or one of its replies does. */
  protected readonly revision = computed(() => {
    const ticket = this.current();
    const replies = this.replyList().map((r) => `${r.id}:${r.status}:${r.updatedAt}`);
    return ticket ? [ticket.state, ticket.lastActivityAt, ticket.articles.length, ...replies].join('|') : '';
  });
  protected readonly current = computed(() => (this.ticket.hasValue() ? this.ticket.value() : undefined));
  protected readonly loadError = computed<Message | null>(() => {
    if (this.ticketId() === undefined) {
      return { key: 'errors.notFound' };
    }
    const error = this.ticket.error();
    return error ? { text: this.notifier.describe(readApiError(error)) } : null;
  });

  private readonly mailboxes = rxResource({ stream: () => this.mailboxesApi.list() });
  protected readonly mailbox = computed(() => {
    const ticket = this.current();
    const mailboxes = this.mailboxes.hasValue() ? this.mailboxes.value() : [];
    return ticket ? mailboxes.find((m) => m.id === ticket.mailboxId) : undefined;
  });
  protected readonly canReply = computed(() => {
    const ticket = this.current();
    return ticket !== undefined && this.session.canOnMailbox(ticket.mailboxId, 'reply');
  });
  protected readonly contact = computed(() => formatAddress(this.current()?.contact));
  /** 統合 needs the manage right on the mailbox; so does blocking a sender. */
  protected readonly canManage = computed(() => {
    const ticket = this.current();
    return ticket !== undefined && this.session.canOnMailbox(ticket.mailboxId, 'manage');
  });
  private readonly mergeSpamApi = inject(MergeSpamApi);
  private readonly snackBar = inject(MatSnackBar);
  protected readonly splittingId = signal<number | null>(null);

  protected readonly retryingId = signal<number | null>(null);
  protected readonly changingState = signal(false);

  constructor() {
    // A merged ticket's address leads to the ticket it was merged into, saying so.
    effect(() => {
      const ticket = this.current();
      const survivor = ticket?.mergedInto;
      if (ticket && survivor) {
        this.notifier.success('merge.redirected', { code: ticket.code, target: survivor.code });
        void this.router.navigate(['/tickets', survivor.id], { replaceUrl: true });
      }
    });
    // Opening a ticket reads it; so does seeing a new message arrive while it is open.
    effect(() => {
      const ticket = this.current();
      if (ticket?.unread) {
        this.ticketsApi.markRead(ticket.id).subscribe({ error: () => undefined });
      }
    });

    inject(EventsApi)
      .events()
      .pipe(
        filter((event) => event.type === 'resumed' || event.ticketId === this.ticketId()),
        debounceTime(LIVE_UPDATE_DEBOUNCE_MS),
        takeUntilDestroyed(),
      )
      .subscribe(() => this.reload());
  }

  protected showOlderArticles(): void {
    const ticket = this.current();
    if (!ticket) return;
    if (this.articleLimit() < MAX_ARTICLE_LIMIT) {
      this.articleLimit.update((n) => Math.min(MAX_ARTICLE_LIMIT, n + ARTICLE_PAGE));
      return;
    }
    const oldest = this.timeline()[0];
    if (!oldest) return;
    this.loadingOlder.set(true);
    this.ticketsApi.olderArticles(ticket.id, oldest.id, ARTICLE_PAGE).subscribe({
      next: (page) => {
        this.loadingOlder.set(false);
        this.olderArticles.update((prev) => ({ items: [...page.items, ...(prev?.items ?? [])], hasMore: page.hasMore }));
      },
      error: (error: unknown) => {
        this.loadingOlder.set(false);
        this.notifier.error(error);
      },
    });
  }

  protected reload(): void {
    if (this.ticketId() !== undefined) {
      this.ticket.reload();
      this.replies.reload();
    }
  }

  protected markHandled(): void {
    const ticket = this.current();
    if (!ticket) {
      return;
    }
    this.dialog
      .open<MarkHandledDialog, number, WorkflowTicket>(MarkHandledDialog, { data: ticket.id, width: '520px' })
      .afterClosed()
      .subscribe((handled) => {
        if (handled) {
          this.notifier.success('workflow.markedHandled');
          this.reload();
        }
      });
  }

  /** 保留 until the customer's next message (a time is set from the composer's 送信して保留). */
  protected hold(): void {
    const ticket = this.current();
    if (!ticket) {
      return;
    }
    this.changingState.set(true);
    this.workflowApi.hold(ticket.id).subscribe({
      next: () => {
        this.changingState.set(false);
        this.notifier.success('ticket.held');
        this.reload();
      },
      error: (error: unknown) => {
        this.changingState.set(false);
        this.notifier.error(error);
        this.reload();
      },
    });
  }

  protected reopen(): void {
    const ticket = this.current();
    if (!ticket) {
      return;
    }
    this.changingState.set(true);
    this.workflowApi.reopen(ticket.id).subscribe({
      next: () => {
        this.changingState.set(false);
        this.notifier.success('workflow.reopened');
        this.reload();
      },
      error: (error: unknown) => {
        this.changingState.set(false);
        this.notifier.error(error);
        this.reload();
      },
    });
  }

  /** 統合: asks for the codes to merge into this ticket, says what will move, then merges. */
  protected openMerge(): void {
    const ticket = this.current();
    if (!ticket) return;
    this.dialog
      .open<MergeDialog, MergeDialogData, WorkflowTicket>(MergeDialog, { data: { id: ticket.id, code: ticket.code, mailboxId: ticket.mailboxId }, width: '560px' })
      .afterClosed()
      .subscribe((survivor) => {
        if (survivor) {
          this.notifier.success('merge.done', { code: survivor.code });
          this.reload();
        }
      });
  }

  /** 迷惑メール, optionally blocking the sender (with manage); the ticket leaves the inbox and its counts. */
  protected markSpam(): void {
    const ticket = this.current();
    if (!ticket) return;
    this.dialog
      .open<SpamDialog, SpamDialogData, SpamChoice>(SpamDialog, { data: { address: ticket.contact.address, canBlock: this.canManage() }, width: '480px' })
      .afterClosed()
      .subscribe((choice) => {
        if (!choice) return;
        this.changingState.set(true);
        this.mergeSpamApi.markSpam(ticket.id, choice.block ?? undefined).subscribe({
          next: () => {
            this.changingState.set(false);
            this.notifier.success(choice.block ? 'spam.markedAndBlocked' : 'spam.marked');
            this.reload();
          },
          error: (error: unknown) => this.refused(error),
        });
      });
  }

  /** 迷惑メールではない: back to the inbox (and the sender's block lifted, with manage). */
  protected markNotSpam(): void {
    const ticket = this.current();
    if (!ticket) return;
    this.changingState.set(true);
    this.mergeSpamApi.markNotSpam(ticket.id).subscribe({
      next: () => {
        this.changingState.set(false);
        this.notifier.success('spam.unmarked');
        this.reload();
      },
      error: (error: unknown) => this.refused(error),
    });
  }

  /** 別の問い合わせに分割: asks first, then opens the new ticket. */
  protected splitArticle(article: Article): void {
    confirmAction(this.dialog, { title: 'split.title', message: 'split.confirmText', confirm: 'split.confirm' }).subscribe((ok) => {
      if (!ok) return;
      this.splittingId.set(article.id);
      this.mergeSpamApi.split(article.id).subscribe({
        next: (created) => {
          this.splittingId.set(null);
          this.notifier.success('split.done', { code: created.code });
          void this.router.navigate(['/tickets', created.id]);
        },
        error: (error: unknown) => {
          this.splittingId.set(null);
          this.refused(error);
        },
      });
    });
  }

  private refused(error: unknown): void {
    this.changingState.set(false);
    // The refusal by its field code (MERGE_OTHER_MAILBOX, SPLIT_ONLY_ARTICLE…), never the server's sentence.
    this.snackBar.open(this.i18n.render(mergeSpamError(this.i18n, error)), this.i18n.t('common.close'), { duration: 10000 });
    this.reload();
  }

  protected backToInbox(): void {
    const ticket = this.current();
    if (!ticket) {
      void this.router.navigate(['/inbox']);
      return;
    }
    const { commands, queryParams } = this.inboxMemory.listCommands(ticket.mailboxId);
    void this.router.navigate(commands, { queryParams });
  }

  protected retryArticle(article: Article): void {
    this.retryingId.set(article.id);
    this.articlesApi.retry(article.id).subscribe({
      next: () => {
        this.retryingId.set(null);
        this.notifier.success('article.retried');
        this.reload();
      },
      error: (error: unknown) => {
        this.retryingId.set(null);
        this.notifier.error(error);
        this.reload();
      },
    });
  }
}
