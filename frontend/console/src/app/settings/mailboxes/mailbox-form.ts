import {
  ChangeDetectionStrategy,
  Component,
  computed,
  effect,
  inject,
  input,
  signal,
  untracked,
  viewChild,
} from '@angular/core';
import { rxResource, takeUntilDestroyed, toSignal } from '@angular/core/rxjs-interop';
import { NonNullableFormBuilder, ReactiveFormsModule, Validators, type FormControl } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatButtonToggleModule } from '@angular/material/button-toggle';
import { MatCheckboxModule } from '@angular/material/checkbox';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatIconModule } from '@angular/material/icon';
import { MatInputModule } from '@angular/material/input';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { MatSelectModule } from '@angular/material/select';
import { Router } from '@angular/router';
import { distinctUntilChanged, map, of, startWith, switchMap } from 'rxjs';

import { readApiError } from '../../api/api-error';
import {
  MailboxesApi,
  OUTGOING_CHARSETS,
  type Mailbox,
  type MailboxInput,
  type OutgoingCharset,
} from '../../api/mailboxes-api';
import { clearServerErrors, saveErrorMessage, validationMessage, dropBannerWhenFixed } from '../../core/form-errors';
import { Notifier } from '../../core/notifier';
import { I18n, type Message } from '../../i18n/i18n';
import type { MessageKey } from '../../i18n/ja';
import { TranslatePipe } from '../../i18n/translate-pipe';
import { ApprovalPolicyPanel } from './approval-policy';
import { AutomationLinks } from './automation-links';
import { ConnectionTest, type ConnectionTestDraft } from './connection-test';
import { MailboxStatusPanel } from './mailbox-status';

/** The usual ports: implicit TLS vs plain (upgraded by STARTTLS where the server offers it). */
const IMAP_PORTS = { secure: 993, plain: 143 };
const SMTP_PORTS = { secure: 465, plain: 587 };
const DEFAULT_POLL_INTERVAL_SEC = 60;
const CHARSET_LABELS: Record<OutgoingCharset, MessageKey> = {
  'utf-8': 'settings.mailbox.charset.utf8',
  'iso-2022-jp': 'settings.mailbox.charset.iso2022jp',
};
const INTEGER = /^\d+$/;
const PORT = [Validators.required, Validators.min(1), Validators.max(65535), Validators.pattern(INTEGER)];

function buildForm(fb: NonNullableFormBuilder) {
  return fb.group({
    name: ['', [Validators.required, Validators.maxLength(100)]],
    address: ['', [Validators.required, Validators.email, Validators.maxLength(254)]],
    active: [true],
    pollIntervalSec: fb.control<number | null>(DEFAULT_POLL_INTERVAL_SEC, [
      Validators.required,
      Validators.min(10),
      Validators.max(86400),
      Validators.pattern(INTEGER),
    ]),
    outgoingCharset: fb.control<OutgoingCharset>('utf-8'),
    imapEnabled: [true],
    imap: fb.group({
      host: ['', [Validators.required, Validators.maxLength(255)]],
      port: fb.control<number | null>(IMAP_PORTS.secure, PORT),
      secure: [true],
      user: ['', [Validators.required, Validators.maxLength(255)]],
      password: ['', Validators.maxLength(1000)],
      folder: ['INBOX', [Validators.required, Validators.maxLength(255)]],
      sentFolder: ['', Validators.maxLength(255)],
    }),
    smtpEnabled: [false],
    smtp: fb.group({
      host: ['', [Validators.required, Validators.maxLength(255)]],
      port: fb.control<number | null>(SMTP_PORTS.plain, PORT),
      secure: [false],
      user: ['', Validators.maxLength(255)],
      password: ['', Validators.maxLength(1000)],
    }),
  });
}

type MailboxFormGroup = ReturnType<typeof buildForm>;
type MailboxFormValue = ReturnType<MailboxFormGroup['getRawValue']>;

/** Creates or edits a mailbox: connection settings, with its intake status and a connection test. */
@Component({
  selector: 'mg-mailbox-form',
  imports: [
    ReactiveFormsModule,
    MatButtonModule,
    MatButtonToggleModule,
    MatCheckboxModule,
    MatFormFieldModule,
    MatIconModule,
    MatInputModule,
    MatProgressBarModule,
    MatSelectModule,
    ApprovalPolicyPanel,
    AutomationLinks,
    ConnectionTest,
    MailboxStatusPanel,
    TranslatePipe,
  ],
  templateUrl: './mailbox-form.html',
  styleUrl: './mailbox-form.scss',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class MailboxForm {
  private readonly api = inject(MailboxesApi);
  private readonly router = inject(Router);
  private readonly notifier = inject(Notifier);
  protected readonly i18n = inject(I18n);

  /** The `:id` route param; absent on `/settings/mailboxes/new`. */
  readonly id = input<string>();

  protected readonly isNew = computed(() => this.id() === undefined);
  private readonly mailboxId = computed(() => {
    const id = Number(this.id());
    return Number.isInteger(id) && id > 0 ? id : undefined;
  });
  protected readonly mailbox = rxResource({
    params: () => this.mailboxId(),
    stream: ({ params: id }) => this.api.get(id),
  });
  protected readonly current = computed(() => (this.mailbox.hasValue() ? this.mailbox.value() : undefined));
  protected readonly loadError = computed<Message | null>(() => {
    if (!this.isNew() && this.mailboxId() === undefined) {
      return { key: 'errors.notFound' };
    }
    const error = this.mailbox.error();
    return error ? { text: this.notifier.describe(readApiError(error)) } : null;
  });

  protected readonly charsets = OUTGOING_CHARSETS;
  protected readonly charsetLabels = CHARSET_LABELS;
  protected readonly form = buildForm(inject(NonNullableFormBuilder));
  protected readonly saving = signal(false);
  protected readonly formError = signal<Message | null>(null);
  /** The 「入力内容を確認してください」 banner goes once the fields are fixed. */
  private readonly bannerWatch = dropBannerWhenFixed(this.form, this.formError);
  /** What 接続テスト tries: the connection settings as they stand in the form, saved or not. */
  protected readonly testDraft = toSignal(
    this.form.valueChanges.pipe(
      startWith(null),
      map(() => toTestDraft(this.form)),
      distinctUntilChanged((a, b) => JSON.stringify(a) === JSON.stringify(b)),
    ),
    { requireSync: true },
  );

  constructor() {
    effect(() => {
      const mailbox = this.current();
      if (mailbox) {
        untracked(() => this.fillForm(mailbox));
      }
    });

    const { imapEnabled, smtpEnabled, imap, smtp } = this.form.controls;
    imapEnabled.valueChanges.pipe(takeUntilDestroyed()).subscribe(() => this.syncSections());
    smtpEnabled.valueChanges.pipe(takeUntilDestroyed()).subscribe(() => this.syncSections());
    // Switching TLS on or off moves the port along, unless someone chose an unusual one.
    imap.controls.secure.valueChanges
      .pipe(takeUntilDestroyed())
      .subscribe((secure) => switchPort(imap.controls.port, secure, IMAP_PORTS));
    smtp.controls.secure.valueChanges
      .pipe(takeUntilDestroyed())
      .subscribe((secure) => switchPort(smtp.controls.port, secure, SMTP_PORTS));
    this.syncSections();
  }

  protected errorText(path: string, patternKey?: MessageKey): string {
    const control = this.form.get(path);
    return control ? validationMessage(control, this.i18n, patternKey) : '';
  }

  private readonly policyPanel = viewChild(ApprovalPolicyPanel);

  protected save(): void {
    this.formError.set(null);
    clearServerErrors(this.form);
    if (this.form.invalid) {
      this.form.markAllAsTouched();
      this.formError.set({ key: 'validation.fixErrors' });
      return;
    }
    const input = toInput(this.form.getRawValue(), this.current());
    const id = this.mailboxId();
    this.saving.set(true);
    // One 保存 for the page: the mailbox, then its approval policy (shown for a saved mailbox).
    const policy = this.policyPanel();
    (id === undefined ? this.api.create(input) : this.api.update(id, input))
      .pipe(switchMap((saved) => (policy ? policy.saveChanges() : of(true)).pipe(map((policySaved) => ({ saved, policySaved })))))
      .subscribe({
      next: ({ saved, policySaved }) => {
        this.saving.set(false);
        if (policySaved) this.notifier.success('settings.mailboxSaved');
        else this.formError.set({ key: 'approvals.policy.notSaved' });
        if (id === undefined) {
          void this.router.navigate(['/settings/mailboxes', saved.id], { replaceUrl: true });
        } else {
          this.mailbox.set(saved);
        }
      },
      error: (error: unknown) => {
        this.saving.set(false);
        this.formError.set(saveErrorMessage(this.form, error, this.i18n));
      },
    });
  }

  /**
   * Before 接続テスト: the switched-on connection sections must pass the form's checks (the rest
   * of the form need not); their errors are shown when they do not.
   */
  protected readonly connectionSettingsReady = (): boolean => {
    const { imapEnabled, smtpEnabled, imap, smtp } = this.form.controls;
    const sections = [
      [imapEnabled.value, imap],
      [smtpEnabled.value, smtp],
    ] as const;
    let ready = true;
    for (const [enabled, group] of sections) {
      if (enabled && group.invalid) {
        group.markAllAsTouched();
        ready = false;
      }
    }
    return ready;
  };

  /**
   * The status panel paused or resumed the mailbox: keep the form's checkbox in step (without
   * reloading the form, which would throw away changes not saved yet).
   */
  protected activeChanged(saved: Mailbox): void {
    this.form.controls.active.setValue(saved.active);
  }

  protected backToList(): void {
    void this.router.navigate(['/settings/mailboxes']);
  }

  private fillForm(mailbox: Mailbox): void {
    this.form.reset({
      name: mailbox.name,
      address: mailbox.address,
      active: mailbox.active,
      pollIntervalSec: mailbox.pollIntervalSec,
      outgoingCharset: mailbox.outgoingCharset,
      imapEnabled: mailbox.imap !== null,
      imap: {
        host: mailbox.imap?.host ?? '',
        port: mailbox.imap?.port ?? IMAP_PORTS.secure,
        secure: mailbox.imap?.secure ?? true,
        user: mailbox.imap?.user ?? '',
        password: '',
        folder: mailbox.imap?.folder || 'INBOX',
        sentFolder: mailbox.imap?.sentFolder ?? '',
      },
      smtpEnabled: mailbox.smtp !== null,
      smtp: {
        host: mailbox.smtp?.host ?? '',
        port: mailbox.smtp?.port ?? SMTP_PORTS.plain,
        secure: mailbox.smtp?.secure ?? false,
        user: mailbox.smtp?.user ?? '',
        password: '',
      },
    });
    this.syncSections();
  }

  /**
   * A switched-off section is disabled, so its validators do not block saving. The IMAP password
   * is required unless the server already holds one (then a blank field keeps it).
   */
  private syncSections(): void {
    const { imapEnabled, smtpEnabled, imap, smtp } = this.form.controls;
    for (const [enabled, group] of [
      [imapEnabled.value, imap],
      [smtpEnabled.value, smtp],
    ] as const) {
      if (enabled && group.disabled) {
        group.enable({ emitEvent: false });
      } else if (!enabled && group.enabled) {
        group.disable({ emitEvent: false });
      }
    }
    const password = imap.controls.password;
    const stored = this.current()?.imap?.hasPassword === true;
    password.setValidators(
      stored ? [Validators.maxLength(1000)] : [Validators.required, Validators.maxLength(1000)],
    );
    password.updateValueAndValidity({ emitEvent: false });
  }
}

function switchPort(
  port: FormControl<number | null>,
  secure: boolean,
  ports: { secure: number; plain: number },
): void {
  if (port.value === (secure ? ports.plain : ports.secure)) {
    port.setValue(secure ? ports.secure : ports.plain);
  }
}

/** The connection sections for the test, as they would be saved. */
function toTestDraft(form: MailboxFormGroup): ConnectionTestDraft {
  const { imap, smtp } = toInput(form.getRawValue(), undefined);
  return { imap: imap ?? null, smtp: smtp ?? null };
}

function toInput(value: MailboxFormValue, current: Mailbox | undefined): MailboxInput {
  const input: MailboxInput = {
    name: value.name.trim(),
    address: value.address.trim(),
    active: value.active,
    pollIntervalSec: Number(value.pollIntervalSec),
    outgoingCharset: value.outgoingCharset,
  };
  // Passwords are sent only when typed (a blank one keeps the stored secret) and never trimmed.
  if (value.imapEnabled) {
    const imap = value.imap;
    input.imap = {
      host: imap.host.trim(),
      port: Number(imap.port),
      secure: imap.secure,
      user: imap.user.trim(),
      folder: imap.folder.trim() || 'INBOX',
      sentFolder: imap.sentFolder.trim() || null,
      ...(imap.password ? { password: imap.password } : {}),
    };
  } else if (current?.imap) {
    input.imap = null;
  }
  if (value.smtpEnabled) {
    const smtp = value.smtp;
    input.smtp = {
      host: smtp.host.trim(),
      port: Number(smtp.port),
      secure: smtp.secure,
      user: smtp.user.trim() || null,
      ...(smtp.password ? { password: smtp.password } : {}),
    };
  } else if (current?.smtp) {
    input.smtp = null;
  }
  return input;
}
