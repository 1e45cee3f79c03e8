import { ChangeDetectionStrategy, Component, computed, inject, input, signal } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MatIconModule, MatIconRegistry } from '@angular/material/icon';
import { DomSanitizer } from '@angular/platform-browser';

import type { Attachment } from '../api/tickets-api';
import { DateTimePipe } from '../i18n/date-time-pipe';
import { TranslatePipe } from '../i18n/translate-pipe';
import { formatAddress } from './ticket-labels';

/** Material Icons (Apache-2.0) expand_more and expand_less, inlined like those of core/icons.ts. */
const ICONS: Record<string, string> = {
  'forwarded-expand': 'M16.59 8.59L12 13.17 7.41 8.59 6 10l6 6 6-6z',
  'forwarded-collapse': 'M12 8l-6 6 1.41 1.41L12 10.83l4.59 4.58L18 14z',
};

/**
 * The mails attached to an article (forwards, the returned mail of a bounce), each its own block:
 * subject, sender and date, and its text once expanded. The text is shown as text (interpolated,
 * never as HTML), so nothing in a forwarded mail can run in the console.
 */
@Component({
  selector: 'mg-forwarded-messages',
  imports: [MatButtonModule, MatIconModule, DateTimePipe, TranslatePipe],
  template: `
    @for (item of messages(); track item.id) {
      <section class="forwarded" data-testid="forwarded-message" [attr.data-attachment-id]="item.id">
        <button
          mat-button
          type="button"
          class="forwarded-head"
          [attr.aria-expanded]="isOpen(item.id)"
          (click)="toggle(item.id)"
          data-testid="forwarded-toggle"
        >
          <mat-icon [svgIcon]="isOpen(item.id) ? 'forwarded-collapse' : 'forwarded-expand'" />
          <span class="label">{{ 'article.forwarded.label' | t }}</span>
          <strong class="subject" data-testid="forwarded-subject">{{
            item.mail.subject || ('article.forwarded.noSubject' | t)
          }}</strong>
        </button>
        <dl class="forwarded-meta">
          <dt>{{ 'article.from' | t }}</dt>
          <dd data-testid="forwarded-from">{{ formatAddress(item.mail.from) || '—' }}</dd>
          @if (item.mail.date; as date) {
            <dt>{{ 'article.forwarded.date' | t }}</dt>
            <dd>
              <time [attr.datetime]="date">{{ date | dateTime }}</time>
            </dd>
          }
        </dl>
        @if (isOpen(item.id)) {
          @if (item.mail.text) {
            <pre class="mail-text" data-testid="forwarded-text">{{ item.mail.text }}</pre>
          } @else {
            <p class="muted">{{ 'article.noBody' | t }}</p>
          }
        }
      </section>
    }
  `,
  styles: `
    .forwarded {
      border-left: 3px solid var(--mat-sys-outline-variant, #ccc);
      margin: 8px 0;
      padding: 4px 0 4px 12px;
    }
    .forwarded-head {
      max-width: 100%;
      text-align: left;
    }
    .label {
      margin-right: 8px;
      opacity: 0.7;
    }
    .forwarded-meta {
      display: grid;
      grid-template-columns: max-content 1fr;
      gap: 2px 12px;
      margin: 4px 0 4px 16px;
    }
    .forwarded-meta dd {
      margin: 0;
    }
    .mail-text {
      margin: 8px 0 0 16px;
      white-space: pre-wrap;
      word-break: break-word;
      font: inherit;
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class ForwardedMessages {
  readonly attachments = input.required<readonly Attachment[]>();

  protected readonly formatAddress = formatAddress;
  protected readonly messages = computed(() =>
    this.attachments().flatMap((a) => (a.forwarded ? [{ id: a.id, mail: a.forwarded }] : [])),
  );
  private readonly open = signal<ReadonlySet<number>>(new Set());

  constructor() {
    const registry = inject(MatIconRegistry);
    const sanitizer = inject(DomSanitizer);
    for (const [name, path] of Object.entries(ICONS)) {
      registry.addSvgIconLiteral(
        name,
        sanitizer.bypassSecurityTrustHtml(
          `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24" fill="currentColor"><path d="${path}"/></svg>`,
        ),
      );
    }
  }

  protected isOpen(id: number): boolean {
    return this.open().has(id);
  }

  protected toggle(id: number): void {
    this.open.update((open) => {
      const next = new Set(open);
      if (!next.delete(id)) {
        next.add(id);
      }
      return next;
    });
  }
}
