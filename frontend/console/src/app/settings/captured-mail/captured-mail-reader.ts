import { ChangeDetectionStrategy, Component, computed, inject, input } from '@angular/core';
import { rxResource } from '@angular/core/rxjs-interop';
import { MatButtonModule } from '@angular/material/button';
import { MatIconModule } from '@angular/material/icon';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { RouterLink } from '@angular/router';

import { readApiError } from '../../api/api-error';
import { CapturedMailApi } from '../../api/captured-mail-api';
import { Notifier } from '../../core/notifier';
import { DateTimePipe } from '../../i18n/date-time-pipe';
import { FileSizePipe } from '../../i18n/file-size-pipe';
import { TranslatePipe } from '../../i18n/translate-pipe';
import { formatCapturedAddresses } from './captured-address';

/** One kept (not sent) message as it would have gone out, and its .eml. */
@Component({
  selector: 'mg-captured-mail-reader',
  imports: [RouterLink, MatButtonModule, MatIconModule, MatProgressBarModule, DateTimePipe, FileSizePipe, TranslatePipe],
  templateUrl: './captured-mail-reader.html',
  styleUrl: './captured-mail.scss',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class CapturedMailReader {
  private readonly api = inject(CapturedMailApi);
  private readonly notifier = inject(Notifier);

  /** The `:id` route param (the mailbox). */
  readonly id = input<string>();
  /** The `:capturedId` route param. */
  readonly capturedId = input<string>();

  protected readonly mailboxId = computed(() => positive(this.id()));
  protected readonly messageId = computed(() => positive(this.capturedId()));
  protected readonly captured = rxResource({
    params: () => this.messageId(),
    stream: ({ params: id }) => this.api.get(id),
  });
  protected readonly mail = computed(() => (this.captured.hasValue() ? this.captured.value() : null));
  protected readonly loadError = computed(() => {
    if (this.messageId() === undefined) {
      return this.notifier.describe({ status: 404, code: null, params: {}, fields: {} });
    }
    const error = this.captured.error();
    return error ? this.notifier.describe(readApiError(error)) : null;
  });
  protected readonly rawUrl = computed(() => {
    const id = this.messageId();
    return id === undefined ? null : this.api.rawUrl(id);
  });

  protected readonly formatAddresses = formatCapturedAddresses;
}

function positive(value: string | undefined): number | undefined {
  const id = Number(value);
  return Number.isInteger(id) && id > 0 ? id : undefined;
}
