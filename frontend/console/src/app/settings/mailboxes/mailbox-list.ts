import { ChangeDetectionStrategy, Component, computed, inject, signal } from '@angular/core';
import { rxResource } from '@angular/core/rxjs-interop';
import { MatButtonModule } from '@angular/material/button';
import { MatIconModule } from '@angular/material/icon';
import { MatSlideToggleModule } from '@angular/material/slide-toggle';
import { MatTooltipModule } from '@angular/material/tooltip';
import { ActivatedRoute, Router, RouterLink } from '@angular/router';
import { catchError, forkJoin, map, of } from 'rxjs';

import { readApiError } from '../../api/api-error';
import { MailboxesApi, type Mailbox, type MailboxStatus } from '../../api/mailboxes-api';
import { Notifier } from '../../core/notifier';
import { DateTimePipe } from '../../i18n/date-time-pipe';
import { I18n } from '../../i18n/i18n';
import type { MessageKey } from '../../i18n/ja';
import { TranslatePipe } from '../../i18n/translate-pipe';
import {
  INTAKE_STATE_LABELS,
  intakeCardState,
  intakeErrorMessage,
  type IntakeCardState,
} from './intake-labels';
import { SettingsCell, SettingsTable, type SettingsColumn } from '../../shared/settings-table';

/** Every mailbox with its intake health at a glance; a row opens its settings. */
@Component({
  selector: 'mg-mailbox-list',
  imports: [
    RouterLink,
    MatButtonModule,
    MatIconModule,
    MatSlideToggleModule,
    SettingsCell,
    SettingsTable,
    MatTooltipModule,
    DateTimePipe,
    TranslatePipe,
  ],
  templateUrl: './mailbox-list.html',
  styleUrl: './mailbox-list.scss',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class MailboxList {
  private readonly api = inject(MailboxesApi);
  private readonly router = inject(Router);
  private readonly route = inject(ActivatedRoute);
  private readonly notifier = inject(Notifier);
  private readonly i18n = inject(I18n);

  protected readonly columns: readonly SettingsColumn[] = [
    { key: 'name', header: 'settings.mailbox.name' },
    { key: 'address', header: 'settings.mailbox.address' },
    { key: 'active', header: 'settings.mailbox.active', cellClass: 'nowrap', stopClick: true },
    { key: 'imapHost', header: 'settings.mailbox.imapHost' },
    { key: 'lastFetchAt', header: 'settings.mailbox.lastFetchAt', cellClass: 'nowrap' },
    { key: 'lastError', header: 'settings.mailbox.lastError' },
    {
      key: 'quarantined',
      header: 'settings.mailbox.quarantined',
      headerClass: 'number nowrap',
      cellClass: 'number',
      stopClick: true,
    },
  ];
  protected readonly rowAttributes = (mailbox: Mailbox) => ({ 'data-mailbox-id': mailbox.id });
  protected readonly rowClass = (mailbox: Mailbox) => ({ inactive: !mailbox.active });
  protected readonly mailboxes = rxResource({ stream: () => this.api.list() });
  protected readonly rows = computed(() => (this.mailboxes.hasValue() ? this.mailboxes.value() : []));

  /** One status call per mailbox; a failing one leaves its cells empty rather than the whole list. */
  private readonly statuses = rxResource({
    params: () => this.rows().map((mailbox) => mailbox.id),
    stream: ({ params: ids }) =>
      ids.length === 0
        ? of(new Map<number, MailboxStatus>())
        : forkJoin(
            ids.map((id) =>
              this.api.status(id).pipe(
                map((status) => [id, status] as const),
                catchError(() => of(null)),
              ),
            ),
          ).pipe(map((entries) => new Map(entries.filter((entry) => entry !== null)))),
  });
  protected readonly loadError = computed(() => {
    const error = this.mailboxes.error();
    return error ? this.notifier.describe(readApiError(error)) : null;
  });
  protected readonly switching = signal<number | null>(null);

  protected status(mailbox: Mailbox): MailboxStatus | undefined {
    return this.statuses.hasValue() ? this.statuses.value().get(mailbox.id) : undefined;
  }

  /** Beside the toggle: 受信エラー while the polls fail, never 受信中. */
  protected cardState(mailbox: Mailbox): IntakeCardState {
    return intakeCardState(mailbox.active, this.status(mailbox));
  }

  protected stateLabel(mailbox: Mailbox): MessageKey {
    return INTAKE_STATE_LABELS[this.cardState(mailbox)];
  }

  /** The last error in words of ours, by its code. */
  protected errorText(mailbox: Mailbox): string | null {
    const status = this.status(mailbox);
    const message = status ? intakeErrorMessage(status) : null;
    return message ? this.i18n.render(message) : null;
  }

  protected openMailbox(mailbox: Mailbox): void {
    void this.router.navigate([mailbox.id], { relativeTo: this.route });
  }

  protected reload(): void {
    this.mailboxes.reload();
  }

  /** Pause or resume intake (and sending) without opening the settings. */
  protected setActive(mailbox: Mailbox, active: boolean): void {
    this.switching.set(mailbox.id);
    this.api.update(mailbox.id, { active }).subscribe({
      next: (saved) => {
        this.switching.set(null);
        this.mailboxes.update((list) => list?.map((m) => (m.id === saved.id ? saved : m)));
        this.notifier.success(active ? 'settings.mailbox.resumedMessage' : 'settings.mailbox.pausedMessage', {
          name: saved.name,
        });
      },
      error: (error: unknown) => {
        this.switching.set(null);
        this.notifier.error(error);
        // The toggle already moved; show what the server holds.
        this.mailboxes.reload();
      },
    });
  }
}
