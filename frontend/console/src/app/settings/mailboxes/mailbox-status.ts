import {
  ChangeDetectionStrategy,
  Component,
  computed,
  effect,
  inject,
  input,
  linkedSignal,
  output,
  signal,
} from '@angular/core';
import { rxResource } from '@angular/core/rxjs-interop';
import { MatButtonModule } from '@angular/material/button';
import { MatIconModule } from '@angular/material/icon';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { RouterLink } from '@angular/router';

import { readApiError } from '../../api/api-error';
import { MailboxesApi, type Mailbox } from '../../api/mailboxes-api';
import { Notifier } from '../../core/notifier';
import { DateTimePipe } from '../../i18n/date-time-pipe';
import { I18n } from '../../i18n/i18n';
import { TranslatePipe } from '../../i18n/translate-pipe';
import { INTAKE_STATE_LABELS, intakeCardState, intakeErrorMessage } from './intake-labels';

/** Often enough to watch a fix take effect, rarely enough not to matter to the server. */
const STATUS_REFRESH_MS = 15_000;

/**
 * Intake status of one mailbox, with pause/resume and the way to its quarantined mail. While the
 * polls fail it says so (受信エラー), why in words of ours, and when the next try is due.
 */
@Component({
  selector: 'mg-mailbox-status-panel',
  imports: [MatButtonModule, MatIconModule, MatProgressBarModule, RouterLink, DateTimePipe, TranslatePipe],
  templateUrl: './mailbox-status.html',
  styleUrl: './mailbox-status.scss',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class MailboxStatusPanel {
  private readonly api = inject(MailboxesApi);
  private readonly notifier = inject(Notifier);
  protected readonly i18n = inject(I18n);

  readonly mailbox = input.required<Mailbox>();
  /** Paused or resumed here (the parent keeps its form in step). */
  readonly activeChanged = output<Mailbox>();

  private readonly mailboxId = computed(() => this.mailbox().id);
  /** Follows the input, and this panel's own pause/resume until the parent passes a new mailbox. */
  protected readonly active = linkedSignal(() => this.mailbox().active);
  protected readonly status = rxResource({
    params: () => this.mailboxId(),
    stream: ({ params: id }) => this.api.status(id),
  });
  protected readonly current = computed(() => (this.status.hasValue() ? this.status.value() : undefined));
  protected readonly loadError = computed(() => {
    const error = this.status.error();
    return error ? this.notifier.describe(readApiError(error)) : null;
  });
  protected readonly switching = signal(false);
  protected readonly cardState = computed(() => intakeCardState(this.active(), this.current()));
  protected readonly stateLabel = computed(() => INTAKE_STATE_LABELS[this.cardState()]);
  protected readonly errorMessage = computed(() => {
    const status = this.current();
    return status ? intakeErrorMessage(status) : null;
  });

  constructor() {
    effect((onCleanup) => {
      this.mailboxId();
      const timer = setInterval(() => this.status.reload(), STATUS_REFRESH_MS);
      onCleanup(() => clearInterval(timer));
    });
  }

  protected reload(): void {
    this.status.reload();
  }

  protected toggleActive(): void {
    const mailbox = this.mailbox();
    const active = !this.active();
    this.switching.set(true);
    this.api.update(mailbox.id, { active }).subscribe({
      next: (saved) => {
        this.switching.set(false);
        this.active.set(saved.active);
        this.notifier.success(active ? 'settings.mailbox.resumedMessage' : 'settings.mailbox.pausedMessage', {
          name: saved.name,
        });
        this.activeChanged.emit(saved);
        this.status.reload();
      },
      error: (error: unknown) => {
        this.switching.set(false);
        this.notifier.error(error);
      },
    });
  }
}
