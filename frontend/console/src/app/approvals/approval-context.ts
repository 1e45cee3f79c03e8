import { ChangeDetectionStrategy, Component, OnInit, computed, inject, input, signal } from '@angular/core';

import type { Article } from '../api/tickets-api';
import { TicketsApi } from '../api/tickets-api';
import { DateTimePipe } from '../i18n/date-time-pipe';
import type { MessageKey } from '../i18n/ja';
import { TranslatePipe } from '../i18n/translate-pipe';

/** How much of each message the approver sees beside the draft; the ticket link shows the rest. */
const EXCERPT = 600;

/**
 * The conversation an approver judges a reply against: the ticket's latest messages, newest
 * first, with the customer's message being answered marked (and any that arrived after the reply
 * was written). Read through the ticket route, so a mailbox the approver cannot view shows nothing.
 */
@Component({
  selector: 'mg-approval-context',
  imports: [DateTimePipe, TranslatePipe],
  template: `
    <details class="context" open data-testid="approval-context">
      <summary>{{ 'approvals.context.title' | t }}</summary>
      @if (failed()) {
        <p class="muted">{{ 'approvals.context.loadError' | t }}</p>
      } @else if (loaded() && items().length === 0) {
        <p class="muted">{{ 'approvals.context.empty' | t }}</p>
      }
      <ol>
        @for (a of items(); track a.id) {
          <li [class.inbound]="a.direction === 'inbound'" [class.comment]="a.kind === 'comment'" data-testid="approval-context-article" [attr.data-article-id]="a.id">
            <div class="meta">
              <strong>{{ a.from.name || a.from.address }}</strong>
              <span class="muted">· {{ kindKey(a) | t }} · {{ a.createdAt | dateTime }}</span>
              @if (a.id === answeredId()) {
                <span class="badge" data-testid="approval-context-answered">{{ 'approvals.context.answered' | t }}</span>
              } @else if (a.direction === 'inbound' && a.createdAt > replyAt()) {
                <span class="badge newer" data-testid="approval-context-newer">{{ 'approvals.context.newer' | t }}</span>
              }
            </div>
            <pre class="text">{{ excerpt(a) }}</pre>
          </li>
        }
      </ol>
    </details>
  `,
  styles: `
    .context { margin: 12px 0; border: 1px solid var(--mat-sys-outline-variant); border-radius: 8px; padding: 8px 12px; }
    summary { cursor: pointer; font-weight: 500; }
    summary:focus-visible { outline: 2px solid var(--mat-sys-primary); outline-offset: 2px; }
    ol { list-style: none; margin: 8px 0 0; padding: 0; display: grid; gap: 8px; max-height: 360px; overflow: auto; }
    li { border-left: 3px solid var(--mat-sys-outline-variant); padding: 4px 8px; }
    li.inbound { border-left-color: var(--mat-sys-primary); }
    li.comment { background: var(--mat-sys-surface-container); }
    .meta { font-size: 0.85em; display: flex; flex-wrap: wrap; gap: 4px; align-items: center; }
    .badge { background: var(--mat-sys-primary-container); color: var(--mat-sys-on-primary-container); border-radius: 4px; padding: 0 6px; }
    .badge.newer { background: var(--mat-sys-error-container); color: var(--mat-sys-on-error-container); }
    .text { white-space: pre-wrap; overflow-wrap: anywhere; font: inherit; margin: 4px 0 0; }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class ApprovalContext implements OnInit {
  private readonly tickets = inject(TicketsApi);

  readonly ticketId = input.required<number>();
  /** When the reply was written: the customer's last message before it is the one it answers. */
  readonly replyAt = input.required<string>();

  private readonly articles = signal<Article[]>([]);
  protected readonly loaded = signal(false);
  protected readonly failed = signal(false);
  protected readonly items = computed(() => [...this.articles()].reverse());
  protected readonly answeredId = computed(() => {
    const before = this.articles().filter((a) => a.direction === 'inbound' && a.kind !== 'comment' && a.createdAt <= this.replyAt());
    return before.length ? before[before.length - 1].id : null;
  });

  ngOnInit(): void {
    this.tickets.get(this.ticketId(), 10).subscribe({
      next: (t) => {
        this.articles.set(t.articles.filter((a) => a.kind !== 'history' || a.text));
        this.loaded.set(true);
      },
      error: () => this.failed.set(true),
    });
  }

  protected kindKey(a: Article): MessageKey {
    return `article.kind.${a.kind}` as MessageKey;
  }

  protected excerpt(a: Article): string {
    const text = (a.text ?? a.subject ?? '').trim();
    return text.length > EXCERPT ? `${text.slice(0, EXCERPT)}…` : text;
  }
}
