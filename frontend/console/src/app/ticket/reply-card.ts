import { ChangeDetectionStrategy, Component, computed, inject, input, output, signal } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MatDialog } from '@angular/material/dialog';
import { MatIconModule } from '@angular/material/icon';
import { Observable, filter, switchMap } from 'rxjs';

import { RepliesApi, type Reply } from '../api/replies-api';
import { ApprovalActions } from '../approvals/approval-actions';
import { confirmAction } from '../core/confirm-dialog';
import { Notifier } from '../core/notifier';
import { Session } from '../core/session';
import { DateTimePipe } from '../i18n/date-time-pipe';
import { FileSizePipe } from '../i18n/file-size-pipe';
import type { MessageKey } from '../i18n/ja';
import { TranslatePipe } from '../i18n/translate-pipe';
import { ReplyEditForm } from './reply-edit-form';
import { deliveryErrorKey } from './delivery-error';
import { ReplyStatusChip } from './reply-status-chip';

/**
 * A reply still on its way, on the ticket: its status and approval step, the reason it was sent
 * back, and what the viewer may do now (edit, resubmit, withdraw, approve, reject, cancel).
 */
@Component({
  selector: 'mg-reply-card',
  imports: [
    MatButtonModule,
    MatIconModule,
    DateTimePipe,
    FileSizePipe,
    ReplyEditForm,
    ReplyStatusChip,
    TranslatePipe,
  ],
  templateUrl: './reply-card.html',
  styleUrl: './reply-card.scss',
  host: {
    'data-testid': 'reply-card',
    '[attr.data-reply-id]': 'reply().id',
    '[attr.data-status]': 'reply().status',
  },
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class ReplyCard {
  private readonly repliesApi = inject(RepliesApi);
  private readonly approvalActions = inject(ApprovalActions);
  private readonly dialog = inject(MatDialog);
  private readonly notifier = inject(Notifier);
  private readonly session = inject(Session);

  readonly reply = input.required<Reply>();
  /** The reply changed here: the ticket and its replies should be fetched again. */
  readonly changed = output<void>();

  protected readonly editing = signal(false);
  protected readonly busy = signal(false);

  private readonly isAuthor = computed(() => this.reply().author.id === this.session.user()?.id);
  protected readonly canWithdraw = computed(
    () =>
      this.isAuthor() && (this.reply().status === 'awaiting_approval' || this.reply().status === 'rejected'),
  );
  protected readonly canResubmit = computed(() => this.reply().canEdit && this.reply().status === 'rejected');
  /** Scheduled for later: it can be called off until then. */
  /** Why sending failed, by the server's code (never the server's sentence). */
  protected readonly deliveryKey = computed(() => deliveryErrorKey(this.reply().delivery?.code));
  protected readonly canCancel = computed(
    () => this.reply().status === 'queued' && this.reply().sendAt !== null,
  );

  protected startEditing(): void {
    this.editing.set(true);
  }

  protected finishEditing(saved: Reply | null): void {
    this.editing.set(false);
    if (saved) {
      this.changed.emit();
    }
  }

  protected approveReply(): void {
    this.run(this.approvalActions.approve(this.reply()), null);
  }

  protected rejectReply(): void {
    this.busy.set(true);
    this.approvalActions.reject(this.reply()).subscribe((rejected) => {
      this.busy.set(false);
      if (rejected) {
        this.changed.emit();
      }
    });
  }

  protected resubmitReply(): void {
    this.run(this.repliesApi.resubmit(this.reply().id), 'approvals.resubmitted');
  }

  protected withdrawReply(): void {
    confirmAction(this.dialog, {
      title: 'approvals.withdrawTitle',
      message: 'approvals.withdrawConfirm',
      confirm: 'approvals.withdraw',
    })
      .pipe(filter(Boolean))
      .subscribe(() => this.run(this.repliesApi.withdraw(this.reply().id), 'approvals.withdrawn'));
  }

  protected cancelScheduled(): void {
    confirmAction(this.dialog, {
      title: 'composer.cancelScheduledTitle',
      message: 'composer.cancelScheduledConfirm',
      confirm: 'composer.cancelScheduled',
    })
      .pipe(
        filter(Boolean),
        switchMap(() => {
          this.busy.set(true);
          return this.repliesApi.cancel(this.reply().id);
        }),
      )
      .subscribe({
        next: () => this.succeeded('reply.cancelled'),
        error: (error: unknown) => this.failed(error),
      });
  }

  private run(action: Observable<Reply | null>, success: MessageKey | null): void {
    this.busy.set(true);
    action.subscribe({
      next: (reply) => {
        if (reply && success) {
          this.succeeded(success);
        } else {
          this.busy.set(false);
          this.changed.emit();
        }
      },
      error: (error: unknown) => this.failed(error),
    });
  }

  private succeeded(key: MessageKey): void {
    this.busy.set(false);
    this.notifier.success(key);
    this.changed.emit();
  }

  private failed(error: unknown): void {
    this.busy.set(false);
    this.notifier.error(error);
    this.changed.emit();
  }
}
