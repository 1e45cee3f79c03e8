import { ChangeDetectionStrategy, Component, computed, inject, input, signal } from '@angular/core';
import { rxResource } from '@angular/core/rxjs-interop';
import { MatButtonModule } from '@angular/material/button';
import { MatIconModule } from '@angular/material/icon';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { MatTableModule } from '@angular/material/table';
import { RouterLink } from '@angular/router';

import { readApiError } from '../../api/api-error';
import { CapturedMailApi } from '../../api/captured-mail-api';
import { MailboxesApi } from '../../api/mailboxes-api';
import { Notifier } from '../../core/notifier';
import { DateTimePipe } from '../../i18n/date-time-pipe';
import { TranslatePipe } from '../../i18n/translate-pipe';
import { formatCapturedAddresses } from './captured-address';

/**
 * 「ローカル送信箱（未送信）」: what a mailbox without an SMTP account kept instead of sending,
 * newest first; the subject opens the message.
 */
@Component({
  selector: 'mg-captured-mail-list',
  imports: [RouterLink, MatButtonModule, MatIconModule, MatProgressBarModule, MatTableModule, DateTimePipe, TranslatePipe],
  templateUrl: './captured-mail-list.html',
  styleUrl: './captured-mail.scss',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class CapturedMailList {
  private readonly api = inject(CapturedMailApi);
  private readonly mailboxesApi = inject(MailboxesApi);
  private readonly notifier = inject(Notifier);

  /** The `:id` route param (the mailbox). */
  readonly id = input<string>();

  protected readonly mailboxId = computed(() => {
    const id = Number(this.id());
    return Number.isInteger(id) && id > 0 ? id : undefined;
  });
  protected readonly page = signal(1);
  protected readonly mailbox = rxResource({
    params: () => this.mailboxId(),
    stream: ({ params: id }) => this.mailboxesApi.get(id),
  });
  protected readonly messages = rxResource({
    params: () => {
      const id = this.mailboxId();
      return id === undefined ? undefined : { id, page: this.page() };
    },
    stream: ({ params }) => this.api.list(params.id, params.page),
  });
  protected readonly rows = computed(() => (this.messages.hasValue() ? this.messages.value().items : []));
  protected readonly total = computed(() => (this.messages.hasValue() ? this.messages.value().total : 0));
  protected readonly pageCount = computed(() =>
    this.messages.hasValue() ? Math.max(1, Math.ceil(this.total() / this.messages.value().pageSize)) : 1,
  );
  protected readonly mailboxName = computed(() => (this.mailbox.hasValue() ? this.mailbox.value().name : ''));
  protected readonly loadError = computed(() => {
    if (this.mailboxId() === undefined) {
      return this.notifier.describe({ status: 404, code: null, params: {}, fields: {} });
    }
    const error = this.messages.error();
    return error ? this.notifier.describe(readApiError(error)) : null;
  });

  protected readonly columns = ['createdAt', 'to', 'subject'];
  protected readonly formatAddresses = formatCapturedAddresses;

  protected previous(): void {
    this.page.update((p) => Math.max(1, p - 1));
  }

  protected next(): void {
    this.page.update((p) => Math.min(this.pageCount(), p + 1));
  }

  protected reload(): void {
    this.messages.reload();
  }
}
