import { VisibleControlsPipe } from '../core/visible-controls';
import { ChangeDetectionStrategy, Component, computed, inject, input, output, signal } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MatIconModule } from '@angular/material/icon';

import { TicketsApi, type Article, type Attachment } from '../api/tickets-api';
import type { WorkflowArticle } from '../api/workflow-api';
import { DateTimePipe } from '../i18n/date-time-pipe';
import { FileSizePipe } from '../i18n/file-size-pipe';
import { ForwardedMessages } from './forwarded-message';
import { deliveryErrorKey } from './delivery-error';
import { TranslatePipe } from '../i18n/translate-pipe';
import {
  articleKindLabel,
  articleStatusLabel,
  classificationLabel,
  formatAddress,
  formatAddresses,
} from './ticket-labels';
import { historyKindLabel } from './workflow-labels';
import type { MessageKey } from '../i18n/ja';

/** One article of a ticket's timeline: who, when, to whom, the body, the files, the sending status. */
@Component({
  selector: 'mg-article-card',
  imports: [VisibleControlsPipe, MatButtonModule, MatIconModule, DateTimePipe, FileSizePipe, TranslatePipe, ForwardedMessages],
  templateUrl: './article-card.html',
  styleUrl: './article-card.scss',
  host: {
    '[class.outbound]': "article().direction === 'outbound'",
    '[class.system]': "isBounce() || article().sender === 'system'",
    '[class.note]': "article().kind === 'note'",
    '[class.history]': "article().kind === 'history'",
    '[attr.data-article-id]': 'article().id',
    '[attr.data-kind]': 'article().kind',
    '[attr.data-status]': 'article().status',
    'data-testid': 'article',
  },
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class ArticleCard {
  private readonly ticketsApi = inject(TicketsApi);

  readonly article = input.required<Article>();
  /** Whether the user may send again (the reply right on the mailbox). */
  readonly canRetry = input(false);
  readonly retrying = input(false);
  readonly retry = output<Article>();

  protected readonly formatAddress = formatAddress;
  protected readonly formatAddresses = formatAddresses;

  protected readonly isBounce = computed(() => this.article().kind === 'bounce');
  protected readonly kindLabel = computed(() => articleKindLabel(this.article().kind));
  protected readonly classificationLabel = computed(() => classificationLabel(this.article().classification));
  /** A response-history note says how the work was done: by phone, FAX, a visit… */
  protected readonly historyKind = computed(() => {
    const article: WorkflowArticle = this.article();
    return article.kind === 'history'
      ? { kind: article.historyKind ?? null, label: historyKindLabel(article.historyKind) }
      : null;
  });
  /** 電話対応 / FAX対応 / 来訪対応 / 対応履歴: what a response-history note is, as its card's title. */
  protected historyTitle(kind: string | null): MessageKey {
    return kind === 'phone' || kind === 'fax' || kind === 'visit' ? `article.history.${kind}` : 'article.history.other';
  }
  /** Why sending failed, by the server's code: never the server's own sentence. */
  protected readonly failureKey = computed(() => deliveryErrorKey(this.article().errorCode));
  protected readonly statusLabel = computed(() => {
    const status = this.article().status;
    return status ? articleStatusLabel(status) : null;
  });

  /** An undone (cancelled) reply is folded to one line until opened. */
  protected readonly expanded = signal(false);
  protected readonly folded = computed(() => this.article().status === 'cancelled' && !this.expanded());
  /** The agent may prefer the plain text (a mail's HTML can be hard to read or misleading). */
  protected readonly showText = signal(false);
  protected readonly canToggle = computed(() => !!this.article().html && !!this.article().text);
  /**
   * Remote images arrive held back (the server keeps their address in data-remote-src): opening a
   * mail tells its sender nothing. 「画像を表示」 loads this mail's images through the server.
   */
  protected readonly showImages = signal(false);
  protected readonly remoteImageCount = computed(
    () => (this.article().html ?? '').match(/<img\b[^>]*\sdata-remote-src="/g)?.length ?? 0,
  );
  protected readonly html = computed(() => {
    const html = this.showText() ? null : this.article().html;
    return html && this.showImages() && this.remoteImageCount() > 0
      ? withProxiedImages(html, this.article().id)
      : html;
  });

  /** Files to download: all but the inline images the HTML body already shows. */
  protected readonly downloads = computed(() => {
    const { attachments, html } = this.article();
    return attachments.filter(
      (file) => !file.inline || !html || !html.includes(this.ticketsApi.attachmentUrl(file.id)),
    );
  });

  protected attachmentUrl(file: Attachment): string {
    return this.ticketsApi.attachmentUrl(file.id);
  }

  protected toggleImages(): void {
    this.showImages.update((show) => !show);
  }

  protected toggleBody(): void {
    this.showText.update((text) => !text);
  }

  /**
   * Links in a customer's mail open in a new tab without an opener, so the console is never
   * navigated away from (or scripted by) a page the mail points to.
   */
  protected openLink(event: MouseEvent): void {
    const target = event.target instanceof Element ? event.target : null;
    const anchor = target?.closest('a[href]');
    if (!(anchor instanceof HTMLAnchorElement)) {
      return;
    }
    event.preventDefault();
    const href = anchor.getAttribute('href') ?? '';
    if (href.startsWith('#') || !/^(https?:|mailto:|\/)/i.test(href)) {
      return;
    }
    window.open(anchor.href, '_blank', 'noopener,noreferrer');
  }
}

/**
 * The mail's HTML with each held-back image pointed at the server's image proxy. DOMParser makes
 * an inert document: nothing in it loads while it is rewritten.
 */
function withProxiedImages(html: string, articleId: number): string {
  const doc = new DOMParser().parseFromString(html, 'text/html');
  for (const img of Array.from(doc.querySelectorAll('img[data-remote-src]'))) {
    const url = img.getAttribute('data-remote-src') ?? '';
    img.setAttribute('src', `/api/articles/${articleId}/remote-image?url=${encodeURIComponent(url)}`);
    img.removeAttribute('data-remote-src');
  }
  return doc.body.innerHTML;
}
