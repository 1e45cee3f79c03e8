import { COMMA, ENTER } from '@angular/cdk/keycodes';
import {
  ChangeDetectionStrategy,
  Component,
  computed,
  effect,
  inject,
  input,
  signal,
  untracked,
} from '@angular/core';
import { rxResource } from '@angular/core/rxjs-interop';
import { FormControl, NonNullableFormBuilder, ReactiveFormsModule, Validators } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatChipsModule, type MatChipInputEvent } from '@angular/material/chips';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatIconModule } from '@angular/material/icon';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { MatSelectModule } from '@angular/material/select';
import { MatSlideToggleModule } from '@angular/material/slide-toggle';

import { readApiError } from '../../api/api-error';
import { AutomationApi, type Folder, type JournalSettings } from '../../api/automation-api';
import { clearServerErrors, saveErrorMessage } from '../../core/form-errors';
import { Notifier } from '../../core/notifier';
import { folderTree } from '../../inbox/folders';
import { I18n, type Message } from '../../i18n/i18n';
import { TranslatePipe } from '../../i18n/translate-pipe';

const MAX_RECIPIENTS = 20;

/**
 * ジャーナルメール設定: the addresses told of every new inquiry in the mailbox (never of spam,
 * bounces or auto-replies), optionally only for inquiries filed in chosen folders.
 */
@Component({
  selector: 'mg-journal-settings',
  imports: [
    ReactiveFormsModule,
    MatButtonModule,
    MatChipsModule,
    MatFormFieldModule,
    MatIconModule,
    MatProgressBarModule,
    MatSelectModule,
    MatSlideToggleModule,
    TranslatePipe,
  ],
  templateUrl: './journal-settings.html',
  styleUrl: './automation-panel.scss',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class JournalSettingsPanel {
  private readonly api = inject(AutomationApi);
  private readonly notifier = inject(Notifier);
  protected readonly i18n = inject(I18n);

  readonly mailboxId = input.required<number>();
  readonly folders = input.required<readonly Folder[]>();

  protected readonly separators = [ENTER, COMMA] as const;
  protected readonly folderNodes = computed(() => folderTree(this.folders()));

  protected readonly journal = rxResource({
    params: () => this.mailboxId(),
    stream: ({ params: id }) => this.api.journal(id),
  });
  protected readonly loadError = computed(() => {
    const error = this.journal.error();
    return error ? this.notifier.describe(readApiError(error)) : null;
  });

  protected readonly form = inject(NonNullableFormBuilder).group({
    enabled: [false],
    // Holds the list for the server's `recipients` messages; the chips show the signal.
    recipients: new FormControl<string[]>([], { nonNullable: true }),
    folderIds: new FormControl<number[]>([], { nonNullable: true }),
  });
  /** What is typed before it becomes a chip; checked as an address on Enter, comma or leaving. */
  protected readonly recipientInput = new FormControl('', {
    nonNullable: true,
    validators: Validators.email,
  });
  protected readonly recipients = signal<readonly string[]>([]);
  protected readonly saving = signal(false);
  protected readonly formError = signal<Message | null>(null);

  constructor() {
    effect(() => {
      if (this.journal.hasValue()) {
        const settings = this.journal.value();
        untracked(() => this.fill(settings));
      }
    });
  }

  protected recipientError(): string | null {
    if (this.recipientInput.hasError('email')) {
      return this.i18n.t('validation.email');
    }
    if (this.recipientInput.hasError('max')) {
      return this.i18n.t('validation.addressCount', { max: MAX_RECIPIENTS });
    }
    const server = this.form.controls.recipients.errors?.['server'];
    return typeof server === 'string' ? server : null;
  }

  /** Enter, comma or leaving the field: the typed address becomes a chip if it is one. */
  protected addRecipient(event?: MatChipInputEvent): boolean {
    const address = this.recipientInput.value.trim().replace(/,$/, '').trim();
    if (!address) {
      event?.chipInput.clear();
      return true;
    }
    this.recipientInput.setValue(address);
    this.recipientInput.markAsTouched();
    if (this.recipientInput.invalid) {
      return false;
    }
    const known = this.recipients();
    if (!known.some((r) => r.toLowerCase() === address.toLowerCase())) {
      if (known.length >= MAX_RECIPIENTS) {
        this.recipientInput.setErrors({ max: true });
        return false;
      }
      this.setRecipients([...known, address]);
    }
    this.recipientInput.reset();
    event?.chipInput.clear();
    return true;
  }

  protected removeRecipient(address: string): void {
    this.setRecipients(this.recipients().filter((r) => r !== address));
  }

  protected save(): void {
    this.formError.set(null);
    clearServerErrors(this.form);
    // An address still in the input counts: people press 保存 without Enter.
    if (!this.addRecipient()) {
      return;
    }
    const value = this.form.getRawValue();
    const settings: JournalSettings = {
      enabled: value.enabled,
      recipients: [...this.recipients()],
      folderIds: value.folderIds,
    };
    this.saving.set(true);
    this.api.saveJournal(this.mailboxId(), settings).subscribe({
      next: (saved) => {
        this.saving.set(false);
        this.fill(saved);
        this.notifier.success('automation.journal.saved');
      },
      error: (error: unknown) => {
        this.saving.set(false);
        this.formError.set(saveErrorMessage(this.form, error, this.i18n));
      },
    });
  }

  private setRecipients(recipients: readonly string[]): void {
    this.recipients.set(recipients);
    this.form.controls.recipients.setValue([...recipients]);
    this.form.markAsDirty();
  }

  private fill(settings: JournalSettings): void {
    this.recipients.set(settings.recipients);
    this.form.reset({
      enabled: settings.enabled,
      recipients: settings.recipients,
      folderIds: settings.folderIds,
    });
    this.recipientInput.reset();
  }
}
