import { ChangeDetectionStrategy, Component, computed, inject, input, output, signal } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MatButtonToggleModule } from '@angular/material/button-toggle';
import { MatIconModule } from '@angular/material/icon';
import { RouterLink } from '@angular/router';
import type { Observable } from 'rxjs';

import type { Reply } from '../api/replies-api';
import { DateTimePipe } from '../i18n/date-time-pipe';
import { FileSizePipe } from '../i18n/file-size-pipe';
import { TranslatePipe } from '../i18n/translate-pipe';
import { ApprovalActions } from './approval-actions';
import { ApprovalContext } from './approval-context';
import { TextDiff } from './text-diff';

/** One reply waiting for the viewer's approval: what would be sent, and what changed since it was sent back. */
@Component({
  selector: 'mg-approval-card',
  imports: [
    ApprovalContext,
    MatButtonModule,
    MatButtonToggleModule,
    MatIconModule,
    RouterLink,
    DateTimePipe,
    FileSizePipe,
    TextDiff,
    TranslatePipe,
  ],
  templateUrl: './approval-card.html',
  styleUrl: './approval-card.scss',
  host: { 'data-testid': 'approval-card', '[attr.data-reply-id]': 'reply().id' },
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class ApprovalCard {
  private readonly actions = inject(ApprovalActions);

  readonly reply = input.required<Reply>();
  /** Approved or rejected (or it turned out someone else had): the queue should be fetched again. */
  readonly decided = output<void>();

  protected readonly busy = signal(false);
  /** With an earlier rejected version, the changes are what the approver needs to see first. */
  protected readonly view = signal<'diff' | 'text'>('diff');
  protected readonly showDiff = computed(() => this.reply().previous !== null && this.view() === 'diff');
  protected readonly subjectChanged = computed(() => {
    const { previous, subject } = this.reply();
    return previous !== null && previous.subject !== subject;
  });

  protected approveReply(): void {
    this.decide(this.actions.approve(this.reply()));
  }

  protected rejectReply(): void {
    this.decide(this.actions.reject(this.reply()));
  }

  private decide(decision: Observable<Reply | null>): void {
    this.busy.set(true);
    decision.subscribe(() => {
      this.busy.set(false);
      this.decided.emit();
    });
  }
}
