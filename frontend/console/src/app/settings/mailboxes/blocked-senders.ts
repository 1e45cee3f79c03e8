import { ChangeDetectionStrategy, Component, computed, inject, input, signal } from '@angular/core';
import { rxResource } from '@angular/core/rxjs-interop';
import { FormsModule } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatDialog } from '@angular/material/dialog';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { MatProgressBarModule } from '@angular/material/progress-bar';

import { MergeSpamApi, type BlockedSender } from '../../api/merge-spam-api';
import { confirmAction } from '../../core/confirm-dialog';
import { Notifier } from '../../core/notifier';
import { DateTimePipe } from '../../i18n/date-time-pipe';
import { I18n, type Message } from '../../i18n/i18n';
import { TranslatePipe } from '../../i18n/translate-pipe';
import { mergeSpamError } from '../../ticket/merge-spam-errors';

/**
 * 迷惑メール送信者: the addresses and domains whose new mail the mailbox files straight to spam,
 * added here or with 「送信者をブロック」 on a ticket, removed here (manage right).
 */
@Component({
  selector: 'mg-blocked-senders',
  imports: [FormsModule, MatButtonModule, MatFormFieldModule, MatInputModule, MatProgressBarModule, DateTimePipe, TranslatePipe],
  template: `
    <p class="muted">{{ 'blockedSenders.hint' | t }}</p>
    <form class="add" (ngSubmit)="add()">
      <mat-form-field>
        <mat-label>{{ 'blockedSenders.pattern' | t }}</mat-label>
        <input matInput name="pattern" [(ngModel)]="pattern" [placeholder]="'blockedSenders.placeholder' | t" maxlength="255" data-testid="blocked-sender-pattern" />
      </mat-form-field>
      <button mat-flat-button type="submit" [disabled]="saving()" data-testid="blocked-sender-add">{{ 'blockedSenders.add' | t }}</button>
    </form>
    @if (problem(); as p) {
      <p class="error-text" role="alert" data-testid="blocked-sender-error">{{ i18n.render(p) }}</p>
    }
    @if (senders.isLoading()) {
      <mat-progress-bar mode="indeterminate" />
    }
    <ul class="list" data-testid="blocked-senders">
      @for (s of list(); track s.id) {
        <li data-testid="blocked-sender">
          <span class="pattern">{{ s.pattern }}</span>
          <span class="muted">{{ kindLabel(s) | t }} · {{ s.createdAt | dateTime }}</span>
          <button mat-button type="button" (click)="remove(s)" [attr.aria-label]="('blockedSenders.remove' | t) + ' ' + s.pattern" data-testid="blocked-sender-remove">
            {{ 'blockedSenders.remove' | t }}
          </button>
        </li>
      } @empty {
        <li class="muted" data-testid="blocked-senders-empty">{{ 'blockedSenders.empty' | t }}</li>
      }
    </ul>
  `,
  styles: `
    .add {
      display: flex;
      gap: 8px;
      align-items: baseline;
    }
    .add mat-form-field {
      width: 360px;
    }
    .list {
      list-style: none;
      padding: 0;
      max-width: 640px;
    }
    .list li {
      display: flex;
      gap: 12px;
      align-items: center;
      padding: 4px 0;
      border-bottom: 1px solid #eee;
    }
    .pattern {
      font-family: monospace;
      flex: 1;
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class BlockedSendersPanel {
  private readonly api = inject(MergeSpamApi);
  private readonly notifier = inject(Notifier);
  private readonly dialog = inject(MatDialog);
  protected readonly i18n = inject(I18n);

  readonly mailboxId = input.required<number>();

  protected pattern = '';
  protected readonly saving = signal(false);
  protected readonly problem = signal<Message | null>(null);
  protected readonly senders = rxResource({
    params: () => this.mailboxId(),
    stream: ({ params: id }) => this.api.blockedSenders(id),
  });
  protected readonly list = computed<BlockedSender[]>(() => (this.senders.hasValue() ? this.senders.value() : []));

  protected kindLabel(s: BlockedSender) {
    return s.kind === 'domain' ? ('blockedSenders.kind.domain' as const) : ('blockedSenders.kind.address' as const);
  }

  protected add(): void {
    const pattern = this.pattern.trim();
    this.problem.set(null);
    if (!pattern) {
      this.problem.set({ key: 'fieldError.BLOCKED_SENDER_INVALID' });
      return;
    }
    this.saving.set(true);
    this.api.addBlockedSender(this.mailboxId(), pattern).subscribe({
      next: (added) => {
        this.saving.set(false);
        this.pattern = '';
        this.notifier.success('blockedSenders.added', { pattern: added.pattern });
        this.senders.reload();
      },
      error: (error: unknown) => {
        this.saving.set(false);
        this.problem.set(mergeSpamError(this.i18n, error));
      },
    });
  }

  protected remove(s: BlockedSender): void {
    confirmAction(this.dialog, { title: 'blockedSenders.removeTitle', message: 'blockedSenders.removeConfirm', params: { pattern: s.pattern }, confirm: 'blockedSenders.remove' }).subscribe((ok) => {
      if (!ok) return;
      this.api.removeBlockedSender(this.mailboxId(), s.id).subscribe({
        next: () => {
          this.notifier.success('blockedSenders.removed');
          this.senders.reload();
        },
        error: (error: unknown) => {
          this.notifier.error(error);
          this.senders.reload();
        },
      });
    });
  }
}
