import { ChangeDetectionStrategy, Component, computed, inject, input, signal } from '@angular/core';
import { rxResource } from '@angular/core/rxjs-interop';
import { MatButtonModule } from '@angular/material/button';
import { MatIconModule } from '@angular/material/icon';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { MatTableModule } from '@angular/material/table';
import { RouterLink } from '@angular/router';

import { readApiError } from '../../api/api-error';
import { MailboxesApi, type QuarantinedMessage, type RawMessageRetry } from '../../api/mailboxes-api';
import { Notifier } from '../../core/notifier';
import { DateTimePipe } from '../../i18n/date-time-pipe';
import { FileSizePipe } from '../../i18n/file-size-pipe';
import type { MessageKey } from '../../i18n/ja';
import { TranslatePipe } from '../../i18n/translate-pipe';

const RAW_STATE_LABELS: Partial<Record<string, MessageKey>> = {
  quarantined: 'settings.quarantine.state.quarantined',
  oversized: 'settings.quarantine.state.oversized',
  ingested: 'settings.quarantine.state.ingested',
  duplicate: 'settings.quarantine.state.duplicate',
  pending: 'settings.quarantine.state.pending',
};

/** States after which the message is still not filed. */
const NOT_FILED = new Set(['quarantined', 'oversized', 'pending']);

/** Mail intake kept raw instead of filing it: download the original, or parse it again. */
@Component({
  selector: 'mg-quarantine-list',
  imports: [
    RouterLink,
    MatButtonModule,
    MatIconModule,
    MatProgressBarModule,
    MatTableModule,
    DateTimePipe,
    FileSizePipe,
    TranslatePipe,
  ],
  templateUrl: './quarantine-list.html',
  styleUrl: './quarantine-list.scss',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class QuarantineList {
  private readonly api = inject(MailboxesApi);
  private readonly notifier = inject(Notifier);

  /** The `:id` route param (the mailbox). */
  readonly id = input<string>();

  protected readonly mailboxId = computed(() => {
    const id = Number(this.id());
    return Number.isInteger(id) && id > 0 ? id : undefined;
  });
  protected readonly mailbox = rxResource({
    params: () => this.mailboxId(),
    stream: ({ params: id }) => this.api.get(id),
  });
  protected readonly messages = rxResource({
    params: () => this.mailboxId(),
    stream: ({ params: id }) => this.api.quarantine(id),
  });
  protected readonly rows = computed(() => (this.messages.hasValue() ? this.messages.value() : []));
  protected readonly mailboxName = computed(() => (this.mailbox.hasValue() ? this.mailbox.value().name : ''));
  protected readonly loadError = computed(() => {
    if (this.mailboxId() === undefined) {
      return this.notifier.describe({ status: 404, code: null, params: {}, fields: {} });
    }
    const error = this.messages.error();
    return error ? this.notifier.describe(readApiError(error)) : null;
  });

  protected readonly columns = ['receivedAt', 'state', 'from', 'subject', 'size', 'error', 'actions'];
  /** Outcome of "再取り込み" per message, kept on screen until the list is reloaded. */
  protected readonly results = signal<ReadonlyMap<number, RawMessageRetry>>(new Map());
  protected readonly retrying = signal<number | null>(null);

  protected stateLabel(state: string): MessageKey | null {
    return RAW_STATE_LABELS[state] ?? null;
  }

  protected rawUrl(message: QuarantinedMessage): string {
    return this.api.rawMessageUrl(message.id);
  }

  protected result(message: QuarantinedMessage): RawMessageRetry | undefined {
    return this.results().get(message.id);
  }

  protected filed(result: RawMessageRetry): boolean {
    return !NOT_FILED.has(result.state);
  }

  /** Filed by a retry here: nothing left to retry. */
  protected isFiled(message: QuarantinedMessage): boolean {
    const result = this.result(message);
    return result !== undefined && this.filed(result);
  }

  protected reload(): void {
    this.results.set(new Map());
    this.messages.reload();
  }

  protected retryMessage(message: QuarantinedMessage): void {
    this.retrying.set(message.id);
    this.api.retryRawMessage(message.id).subscribe({
      next: (result) => {
        this.retrying.set(null);
        this.results.update((results) => new Map(results).set(message.id, result));
        if (this.filed(result)) {
          this.notifier.success('settings.quarantine.retried');
        } else {
          // Still not filed: show the new reason the server recorded.
          this.notifier.success('settings.quarantine.stillFailing');
          this.messages.reload();
        }
      },
      error: (error: unknown) => {
        this.retrying.set(null);
        this.notifier.error(error);
      },
    });
  }
}
