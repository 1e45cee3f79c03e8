import { ChangeDetectionStrategy, Component, inject, signal } from '@angular/core';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import {
  FormControl,
  FormGroup,
  NonNullableFormBuilder,
  ReactiveFormsModule,
  Validators,
} from '@angular/forms';
import { MatAutocompleteModule, type MatAutocompleteSelectedEvent } from '@angular/material/autocomplete';
import { MatButtonModule } from '@angular/material/button';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { MatSlideToggleModule } from '@angular/material/slide-toggle';
import { debounceTime, distinctUntilChanged, filter, of, switchMap } from 'rxjs';

import { CustomersApi, type Customer } from '../../api/customers-api';
import {
  BODY_MAX,
  MAX_RECIPIENTS,
  MEMBER_NOTIFICATION_PLACEHOLDERS,
  MEMBER_NOTIFICATION_TEMPLATES,
  MemberNotificationsApi,
  SUBJECT_MAX,
  type MemberNotificationPreview,
  type MemberNotificationSettings,
  type MemberNotificationTemplate,
} from '../../api/member-notifications-api';
import {
  clearServerErrors,
  dropBannerWhenFixed,
  saveErrorMessage,
  validationMessage,
} from '../../core/form-errors';
import { Notifier } from '../../core/notifier';
import type { MessageKey } from '../../i18n/ja';
import { I18n, type Message } from '../../i18n/i18n';
import { TranslatePipe } from '../../i18n/translate-pipe';

type TextGroup = FormGroup<{
  enabled: FormControl<boolean>;
  subject: FormControl<string>;
  body: FormControl<string>;
}>;

const TITLES: Record<MemberNotificationTemplate, MessageKey> = {
  adminOnRegister: 'memberNotifications.adminOnRegister',
  customerOnRegister: 'memberNotifications.customerOnRegister',
  customerOnWithdraw: 'memberNotifications.customerOnWithdraw',
};
const HINTS: Record<MemberNotificationTemplate, MessageKey> = {
  adminOnRegister: 'memberNotifications.adminOnRegisterHint',
  customerOnRegister: 'memberNotifications.customerOnRegisterHint',
  customerOnWithdraw: 'memberNotifications.customerOnWithdrawHint',
};
const PLACEHOLDER_HELP: Record<string, MessageKey> = {
  time: 'memberNotifications.placeholder.time',
  name: 'memberNotifications.placeholder.name',
  contents: 'memberNotifications.placeholder.contents',
};

/** 通知メール編集: the mails sent when a customer registers or withdraws, with a preview on a real customer. */
@Component({
  selector: 'mg-member-notification-settings',
  imports: [
    ReactiveFormsModule,
    MatAutocompleteModule,
    MatButtonModule,
    MatFormFieldModule,
    MatInputModule,
    MatProgressBarModule,
    MatSlideToggleModule,
    TranslatePipe,
  ],
  templateUrl: './member-notification-settings.html',
  styleUrl: './member-notification-settings.scss',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class MemberNotificationEditor {
  private readonly api = inject(MemberNotificationsApi);
  private readonly customersApi = inject(CustomersApi);
  private readonly fb = inject(NonNullableFormBuilder);
  private readonly notifier = inject(Notifier);
  protected readonly i18n = inject(I18n);

  protected readonly templates = MEMBER_NOTIFICATION_TEMPLATES;
  protected readonly titles = TITLES;
  protected readonly hints = HINTS;
  protected readonly maxRecipients = MAX_RECIPIENTS;

  protected readonly form = new FormGroup({
    adminOnRegister: new FormGroup({
      enabled: this.fb.control(false),
      // One address a line, or separated by ; (the server takes either).
      recipients: this.fb.control(''),
      subject: this.text(SUBJECT_MAX),
      body: this.text(BODY_MAX),
    }),
    customerOnRegister: this.group(),
    customerOnWithdraw: this.group(),
  });

  protected readonly loading = signal(true);
  protected readonly loadError = signal<Message | null>(null);
  protected readonly saving = signal(false);
  protected readonly saveError = signal<Message | null>(null);
  private readonly dropBanner = dropBannerWhenFixed(this.form, this.saveError);

  protected readonly customerQuery = new FormControl<string | Customer>('', { nonNullable: true });
  protected readonly matches = signal<Customer[]>([]);
  protected readonly customer = signal<Customer | null>(null);
  protected readonly previewOf = signal<MemberNotificationTemplate | null>(null);
  protected readonly preview = signal<MemberNotificationPreview | null>(null);
  protected readonly previewError = signal<Message | null>(null);
  private saved: MemberNotificationSettings | null = null;

  constructor() {
    this.api.get().subscribe({
      next: (s) => {
        this.set(s);
        this.loading.set(false);
      },
      error: (error: unknown) => {
        this.loadError.set(this.notifier.message(error));
        this.loading.set(false);
      },
    });
    this.customerQuery.valueChanges
      .pipe(
        filter((v): v is string => typeof v === 'string'),
        debounceTime(250),
        distinctUntilChanged(),
        switchMap((q) =>
          q.trim()
            ? this.customersApi.search({ q: q.trim(), filters: {}, page: 1, pageSize: 10 })
            : of({ items: [] as Customer[] }),
        ),
        takeUntilDestroyed(),
      )
      .subscribe({ next: (page) => this.matches.set(page.items), error: () => this.matches.set([]) });
  }

  protected groupOf(t: MemberNotificationTemplate): TextGroup {
    return this.form.controls[t] as unknown as TextGroup;
  }

  protected placeholders(t: MemberNotificationTemplate): { token: string; help: MessageKey }[] {
    return MEMBER_NOTIFICATION_PLACEHOLDERS[t].map((p) => ({ token: `{${p}}`, help: PLACEHOLDER_HELP[p] }));
  }

  protected errorText(control: FormControl<unknown>): string {
    return validationMessage(control, this.i18n);
  }

  protected customerLabel(c: Customer | string | null): string {
    if (!c || typeof c === 'string') return c ?? '';
    return `${c.code} ${[c.lastName, c.firstName].filter(Boolean).join(' ')}`;
  }

  protected pick(event: MatAutocompleteSelectedEvent): void {
    const c = event.option.value as Customer;
    this.customer.set(c);
    const shown = this.previewOf();
    if (shown) this.showPreview(shown);
  }

  protected showPreview(t: MemberNotificationTemplate): void {
    const c = this.customer();
    this.previewOf.set(t);
    this.preview.set(null);
    this.previewError.set(null);
    if (!c) {
      this.previewError.set({ key: 'memberNotifications.pickCustomer' });
      return;
    }
    const g = this.groupOf(t).getRawValue();
    this.api.preview({ template: t, customerId: c.id, subject: g.subject, body: g.body }).subscribe({
      // The business mail goes to the recipients on screen (perhaps not saved yet).
      next: (p) => this.preview.set(t === 'adminOnRegister' ? { ...p, to: this.recipients() } : p),
      error: (error: unknown) => this.previewError.set(this.notifier.message(error)),
    });
  }

  protected save(): void {
    this.saveError.set(null);
    clearServerErrors(this.form);
    if (this.form.invalid) {
      this.form.markAllAsTouched();
      this.saveError.set({ key: 'validation.fixErrors' });
      return;
    }
    const v = this.form.getRawValue();
    const settings: MemberNotificationSettings = {
      adminOnRegister: { ...v.adminOnRegister, recipients: this.recipients() },
      customerOnRegister: v.customerOnRegister,
      customerOnWithdraw: v.customerOnWithdraw,
    };
    this.saving.set(true);
    this.api.save(settings).subscribe({
      next: (saved) => {
        this.saving.set(false);
        this.set(saved);
        this.notifier.success('memberNotifications.saved');
      },
      error: (error: unknown) => {
        this.saving.set(false);
        this.saveError.set(saveErrorMessage(this.form, error, this.i18n));
      },
    });
  }

  private recipients(): string[] {
    return this.form.controls.adminOnRegister.controls.recipients.value
      .split(/[;\n,]/)
      .map((a) => a.trim())
      .filter(Boolean);
  }

  private text(max: number): FormControl<string> {
    return this.fb.control('', [Validators.required, Validators.maxLength(max), Validators.pattern(/\S/)]);
  }

  private group(): TextGroup {
    return new FormGroup({
      enabled: this.fb.control(false),
      subject: this.text(SUBJECT_MAX),
      body: this.text(BODY_MAX),
    });
  }

  /** クリア: back to what was saved last. */
  protected revert(): void {
    if (!this.saved) return;
    this.saveError.set(null);
    clearServerErrors(this.form);
    this.set(this.saved);
  }

  private set(s: MemberNotificationSettings): void {
    this.saved = s;
    this.form.setValue({
      adminOnRegister: {
        enabled: s.adminOnRegister.enabled,
        recipients: s.adminOnRegister.recipients.join('\n'),
        subject: s.adminOnRegister.subject,
        body: s.adminOnRegister.body,
      },
      customerOnRegister: {
        enabled: s.customerOnRegister.enabled,
        subject: s.customerOnRegister.subject,
        body: s.customerOnRegister.body,
      },
      customerOnWithdraw: {
        enabled: s.customerOnWithdraw.enabled,
        subject: s.customerOnWithdraw.subject,
        body: s.customerOnWithdraw.body,
      },
    });
    this.form.markAsPristine();
  }
}
