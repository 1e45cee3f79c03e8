import {
  ChangeDetectionStrategy,
  Component,
  computed,
  inject,
  input,
  linkedSignal,
  output,
  signal,
} from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MatDialog } from '@angular/material/dialog';
import { filter, switchMap } from 'rxjs';

import { CommentsApi } from '../api/comments-api';
import type { Article } from '../api/tickets-api';
import { confirmAction } from '../core/confirm-dialog';
import { Notifier } from '../core/notifier';
import { Session } from '../core/session';
import { VisibleControlsPipe } from '../core/visible-controls';
import { DateTimePipe } from '../i18n/date-time-pipe';
import { TranslatePipe } from '../i18n/translate-pipe';
import { CommentForm } from './comment-form';

/** A 社内メモ on the timeline: a yellow note card, never mail; its author may edit or delete it. */
@Component({
  selector: 'mg-comment-card',
  imports: [MatButtonModule, DateTimePipe, TranslatePipe, VisibleControlsPipe, CommentForm],
  template: `
    <div class="head">
      <span class="label" data-testid="comment-label">{{ 'comments.label' | t }}</span>
      <strong data-testid="comment-author">{{ article().from.name | visibleControls }}</strong>
      <span class="muted">{{ article().createdAt | dateTime }}</span>
      @if (article().editedAt; as editedAt) {
        <span class="muted edited" data-testid="comment-edited" [attr.title]="editedAt | dateTime">
          {{ 'comments.edited' | t: { at: (editedAt | dateTime) } }}
        </span>
      }
      <span class="spacer"></span>
      @if (mine() && !editing()) {
        <button mat-button type="button" (click)="editing.set(true)" data-testid="comment-edit">
          {{ 'comments.edit' | t }}
        </button>
        <button mat-button type="button" (click)="remove()" data-testid="comment-delete">
          {{ 'comments.delete' | t }}
        </button>
      }
    </div>
    @if (editing()) {
      <mg-comment-form
        [ticketId]="ticketId()"
        [commentId]="article().id"
        [initial]="text() ?? ''"
        (saved)="text.set($event.text); editing.set(false); changed.emit()"
        (cancelled)="editing.set(false)"
      />
    } @else {
      <p class="body" data-testid="comment-text">{{ text() | visibleControls }}</p>
    }
  `,
  styles: `
    :host {
      display: flex;
      flex-direction: column;
      gap: 8px;
      padding: 12px 16px;
      border: 1px solid #e0c200;
      border-left-width: 4px;
      border-radius: 8px;
      background: #fff8d6;
      color: #3b3000;
      min-width: 0;
    }
    .head {
      display: flex;
      flex-wrap: wrap;
      align-items: center;
      gap: 8px;
    }
    .label {
      padding: 2px 8px;
      border-radius: 4px;
      background: #f2d600;
      color: #3b3000;
      font: var(--mat-sys-label-medium);
    }
    .spacer {
      flex: 1;
    }
    .body {
      margin: 0;
      white-space: pre-wrap;
      overflow-wrap: anywhere;
    }
  `,
  host: {
    'data-testid': 'comment',
    '[attr.data-article-id]': 'article().id',
    '[attr.data-kind]': 'article().kind',
  },
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class CommentCard {
  private readonly api = inject(CommentsApi);
  private readonly notifier = inject(Notifier);
  private readonly dialog = inject(MatDialog);
  private readonly session = inject(Session);

  readonly article = input.required<Article>();
  readonly ticketId = input.required<number>();
  readonly changed = output<void>();

  protected readonly editing = signal(false);
  /** The text as last saved here, until the reloaded timeline brings it. */
  protected readonly text = linkedSignal(() => this.article().text);
  protected readonly mine = computed(() => {
    const me = this.session.user()?.id;
    return me !== undefined && me === this.article().authorId;
  });

  protected remove(): void {
    confirmAction(this.dialog, {
      title: 'comments.deleteTitle',
      message: 'comments.deleteConfirm',
      confirm: 'common.delete',
    })
      .pipe(
        filter(Boolean),
        switchMap(() => this.api.delete(this.article().id)),
      )
      .subscribe({
        next: () => {
          this.notifier.success('comments.deleted');
          this.changed.emit();
        },
        error: (error: unknown) => this.notifier.error(error),
      });
  }
}
