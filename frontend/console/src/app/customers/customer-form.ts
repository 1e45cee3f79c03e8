import { MatTooltipModule } from '@angular/material/tooltip';
import { japaneseMobile } from '@madoguchi/sms-shared/mobile';
import { openSmsSendDialog } from '../sms/sms-send-dialog';
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
import { MatCheckboxModule } from '@angular/material/checkbox';
import { MatDialog } from '@angular/material/dialog';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatIconModule } from '@angular/material/icon';
import { MatInputModule } from '@angular/material/input';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { MatSelectModule } from '@angular/material/select';
import { Router, RouterLink } from '@angular/router';
import { filter, switchMap, tap } from 'rxjs';

import { readApiError } from '../api/api-error';
import {
  CustomersApi,
  type Customer,
  type CustomerInput,
  type ListFlag,
  type RegistrationState,
} from '../api/customers-api';
import { StaffApi } from '../api/staff-api';
import { confirmAction } from '../core/confirm-dialog';
import {
  clearServerErrors,
  showServerErrors,
  validationMessage,
  dropBannerWhenFixed,
} from '../core/form-errors';
import { UnsavedChanges } from '../core/unsaved-changes';
import { Notifier } from '../core/notifier';
import { Session } from '../core/session';
import { DateTimePipe } from '../i18n/date-time-pipe';
import { I18n, type Message } from '../i18n/i18n';
import type { MessageKey } from '../i18n/ja';
import { TranslatePipe } from '../i18n/translate-pipe';
import {
  LIST_FLAGS,
  LIST_FLAG_LABELS,
  REGISTRATION_STATES,
  REGISTRATION_STATE_LABELS,
  fullName,
} from './customer-labels';
import { CustomerListMemory } from './customer-list-query';
import { CustomerHistory } from './customer-history';
import { CustomerMypage } from './customer-mypage';
import { CustomerThreads } from './customer-threads';
import { CustomerSms } from './customer-sms';
import { CustomerScheduledMail } from './customer-scheduled-mail';
import { CustomerSentMail } from './customer-sent-mail';
import { CustomerTickets } from './customer-tickets';
import { CustomerVisits } from './customer-visits';
import { CustomerImages } from './customer-images';
import { CustomerWithdrawal } from './customer-withdrawal';
import { openNewMailDialog } from '../compose/new-mail-dialog';

/** Katakana, full or half width (with ー, ・), and spaces; hiragana is converted on blur. */
const KATAKANA = /^[\u30A0-\u30FF\uFF66-\uFF9F\u3000 ]*$/;
/** Digits (half or full width), hyphens, parentheses, +, spaces: the server normalizes the format. */
const PHONE = /^[0-9０-９()+\-－ ]*$/;
const POSTAL_CODE = /^\d{3}-?\d{4}$/;

function buildForm(fb: NonNullableFormBuilder) {
  return fb.group({
    lastName: ['', [Validators.required, Validators.maxLength(50)]],
    firstName: ['', Validators.maxLength(50)],
    lastNameKana: ['', [Validators.maxLength(50), Validators.pattern(KATAKANA)]],
    firstNameKana: ['', [Validators.maxLength(50), Validators.pattern(KATAKANA)]],
    email: ['', [Validators.email, Validators.maxLength(254)]],
    tel: ['', [Validators.pattern(PHONE), Validators.maxLength(30)]],
    mobile: ['', [Validators.pattern(PHONE), Validators.maxLength(30)]],
    postalCode: ['', Validators.pattern(POSTAL_CODE)],
    address: ['', Validators.maxLength(200)],
    branch: ['', Validators.maxLength(100)],
    assigneeIds: fb.control<number[]>([]),
    registrationState: fb.control<RegistrationState>('provisional'),
    listFlag: fb.control<ListFlag>('normal'),
    comment: ['', Validators.maxLength(2000)],
    birthday: [''],
    smsConsent: [false],
  });
}

type CustomerFormGroup = ReturnType<typeof buildForm>;
type CustomerField = keyof CustomerFormGroup['controls'];
type CustomerFormValue = ReturnType<CustomerFormGroup['getRawValue']>;

const PATTERN_MESSAGES: Partial<Record<CustomerField, MessageKey>> = {
  lastNameKana: 'validation.katakana',
  firstNameKana: 'validation.katakana',
  tel: 'validation.phone',
  mobile: 'validation.phone',
  postalCode: 'validation.postalCode',
};

@Component({
  selector: 'mg-customer-form',
  imports: [
    CustomerHistory,
    CustomerScheduledMail,
    CustomerMypage,
    CustomerThreads,
    CustomerSms,
    CustomerSentMail,
    CustomerTickets,
    CustomerVisits,
    CustomerImages,
    CustomerWithdrawal,
    RouterLink,
    ReactiveFormsModule,
    MatButtonModule,
    MatCheckboxModule,
    MatFormFieldModule,
    MatIconModule,
    MatInputModule,
    MatProgressBarModule,
    MatSelectModule,
    MatTooltipModule,
    DateTimePipe,
    TranslatePipe,
  ],
  templateUrl: './customer-form.html',
  styleUrl: './customer-form.scss',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class CustomerForm {
  private readonly api = inject(CustomersApi);
  private readonly router = inject(Router);
  private readonly dialog = inject(MatDialog);
  private readonly notifier = inject(Notifier);
  private readonly listMemory = inject(CustomerListMemory);
  private readonly session = inject(Session);
  protected readonly i18n = inject(I18n);

  /** The `:id` route param; absent on `/customers/new`. */
  readonly id = input<string>();
  /** `?entry=ID`: the history entry to select (作業管理 links here). */
  readonly entry = input<string>();
  /** `?tel=NUMBER` on `/customers/new`: the caller's number from the incoming-call card. */
  readonly tel = input<string>();

  protected readonly isNew = computed(() => this.id() === undefined);
  protected readonly customerId = computed(() => {
    const id = Number(this.id());
    return Number.isInteger(id) && id > 0 ? id : undefined;
  });
  protected readonly canWrite = computed(() => this.session.can('customers.write'));
  protected readonly entryId = computed(() => {
    const id = Number(this.entry());
    return Number.isInteger(id) && id > 0 ? id : undefined;
  });

  protected readonly customer = rxResource({
    params: () => this.customerId(),
    stream: ({ params: id }) => this.api.get(id),
  });
  protected readonly loadError = computed<Message | null>(() => {
    if (!this.isNew() && this.customerId() === undefined) {
      return { key: 'errors.notFound' };
    }
    const error = this.customer.error();
    return error ? { text: this.notifier.describe(readApiError(error)) } : null;
  });
  protected readonly current = computed(() => (this.customer.hasValue() ? this.customer.value() : undefined));

  /** 新規メール作成 to this customer: the ticket is theirs, their address is the To. */
  protected writeNewMail(customer: { id: number; email: string | null }): void {
    openNewMailDialog(this.dialog, { customerId: customer.id, to: customer.email ?? '' });
  }

  /** SMS送信 is offered to those with the right; the button says why when the customer has no mobile number. */
  protected readonly canSendSms = computed(() => this.session.can('sms.send'));
  protected readonly canMypage = computed(() => this.session.can('mypage'));
  protected mobileOf(customer: { mobile: string | null }): string | null {
    return japaneseMobile(customer.mobile)?.national ?? null;
  }

  protected sendSms(customer: {
    id: number;
    lastName: string;
    firstName: string | null;
    mobile: string | null;
    listFlag?: ListFlag;
  }): void {
    const mobile = this.mobileOf(customer);
    if (!mobile) return;
    openSmsSendDialog(this.dialog, {
      customer: {
        id: customer.id,
        name: `${customer.lastName} ${customer.firstName ?? ''}`.trim(),
        mobile,
        listFlag: customer.listFlag,
      },
    })
      .afterClosed()
      .subscribe(() => this.smsSent.update((n) => n + 1));
  }

  /** Bumped after the SMS dialog closes, so the karte's SMS history shows what was just sent. */
  protected readonly smsSent = signal(0);

  private readonly staffApi = inject(StaffApi);
  private readonly staffList = rxResource({ stream: () => this.staffApi.list() });
  protected readonly staff = computed(() => (this.staffList.hasValue() ? this.staffList.value() : []));

  protected readonly registrationStates = REGISTRATION_STATES;
  protected readonly registrationStateLabels = REGISTRATION_STATE_LABELS;
  protected readonly listFlags = LIST_FLAGS;
  protected readonly listFlagLabels = LIST_FLAG_LABELS;

  protected readonly saving = signal(false);
  protected readonly formError = signal<Message | null>(null);
  /** 登録通知メールを送る: on a new customer, the 通知メール of a registration (設定 > 通知メール). */
  protected readonly notify = new FormControl(false, { nonNullable: true });

  protected readonly form = buildForm(inject(NonNullableFormBuilder));
  /** The 「入力内容を確認してください」 banner goes once the fields are fixed. */
  private readonly bannerWatch = dropBannerWhenFixed(this.form, this.formError);
  protected readonly title = computed(() => {
    const customer = this.current();
    return customer ? fullName(customer.lastName, customer.firstName) : '';
  });

  constructor() {
    // Edits not saved yet: leaving asks first (a saved or reloaded customer resets the form).
    inject(UnsavedChanges).watch(() => this.form.dirty && !this.saving());
    effect(() => {
      const customer = this.current();
      if (customer) {
        untracked(() => this.fillForm(customer));
      }
    });
    effect(() => {
      const tel = this.tel()?.trim().slice(0, 30);
      if (this.isNew() && tel) {
        // 070/080/090 (and 060) numbers are mobiles in Japan; anything else goes to TEL.
        untracked(() => this.form.controls[/^0[6-9]0\d{8}$/.test(tel) ? 'mobile' : 'tel'].setValue(tel));
      }
    });
    effect(() => {
      if (this.canWrite()) {
        this.form.enable({ emitEvent: false });
      } else {
        this.form.disable({ emitEvent: false });
      }
    });
  }

  protected errorText(field: CustomerField): string {
    return validationMessage(this.form.controls[field], this.i18n, PATTERN_MESSAGES[field]);
  }

  /** People often type the reading in hiragana; store it in katakana as the field asks. */
  protected toKatakana(field: 'lastNameKana' | 'firstNameKana'): void {
    const control = this.form.controls[field];
    const converted = control.value.replace(/[\u3041-\u3096]/g, (c) =>
      String.fromCharCode(c.charCodeAt(0) + 0x60),
    );
    if (converted !== control.value) {
      control.setValue(converted);
    }
  }

  protected save(): void {
    this.formError.set(null);
    clearServerErrors(this.form);
    if (this.form.invalid) {
      this.form.markAllAsTouched();
      this.formError.set({ key: 'validation.fixErrors' });
      return;
    }
    const input = toInput(this.form.getRawValue());
    const id = this.customerId();
    this.saving.set(true);
    // An existing customer's SMS consent is recorded with who, when and how (the SMS section below), never by this form.
    const { smsConsent: _consent, ...fields } = input;
    (id === undefined
      ? this.api.create(input, { notify: this.notify.value })
      : this.api.update(id, fields)
    ).subscribe({
      next: (saved) => {
        this.saving.set(false);
        this.form.markAsPristine();
        this.notifier.success('customer.saved');
        if (id === undefined) {
          void this.router.navigate(['/customers', saved.id], { replaceUrl: true });
        } else {
          this.customer.set(saved);
        }
      },
      error: (error: unknown) => {
        this.saving.set(false);
        this.showSaveError(error);
      },
    });
  }

  protected deleteCustomer(): void {
    const customer = this.current();
    if (!customer) {
      return;
    }
    confirmAction(this.dialog, {
      title: 'customer.deleteTitle',
      message: 'customer.deleteConfirm',
      params: { code: customer.code, name: fullName(customer.lastName, customer.firstName) },
      confirm: 'common.delete',
    })
      .pipe(
        filter(Boolean),
        tap(() => this.saving.set(true)),
        switchMap(() => this.api.delete(customer.id)),
      )
      .subscribe({
        next: () => {
          this.form.markAsPristine();
          this.notifier.success('customer.deleted');
          this.backToList();
        },
        error: (error: unknown) => {
          this.saving.set(false);
          this.notifier.error(error);
        },
      });
  }

  protected backToList(): void {
    void this.router.navigate(['/customers'], { queryParams: this.listMemory.queryParams() });
  }

  private fillForm(customer: Customer): void {
    this.form.reset({
      lastName: customer.lastName ?? '',
      firstName: customer.firstName ?? '',
      lastNameKana: customer.lastNameKana ?? '',
      firstNameKana: customer.firstNameKana ?? '',
      email: customer.email ?? '',
      tel: customer.tel ?? '',
      mobile: customer.mobile ?? '',
      postalCode: customer.postalCode ?? '',
      address: customer.address ?? '',
      branch: customer.branch ?? '',
      assigneeIds: customer.assigneeIds ?? [],
      registrationState: customer.registrationState,
      listFlag: customer.listFlag,
      comment: customer.comment ?? '',
      birthday: customer.birthday ?? '',
      smsConsent: customer.smsConsent,
    });
  }

  private showSaveError(error: unknown): void {
    const apiError = readApiError(error);
    if (apiError.status !== 400) {
      this.notifier.error(error);
      return;
    }
    this.formError.set(showServerErrors(this.form, apiError, this.i18n));
  }
}

function toInput(value: CustomerFormValue): CustomerInput {
  const text = (s: string): string | null => (s.trim() === '' ? null : s.trim());
  return {
    lastName: value.lastName.trim(),
    firstName: text(value.firstName),
    lastNameKana: text(value.lastNameKana),
    firstNameKana: text(value.firstNameKana),
    email: text(value.email),
    tel: text(value.tel),
    mobile: text(value.mobile),
    postalCode: text(value.postalCode),
    address: text(value.address),
    branch: text(value.branch),
    assigneeIds: value.assigneeIds,
    registrationState: value.registrationState,
    listFlag: value.listFlag,
    comment: text(value.comment),
    birthday: value.birthday || null,
    smsConsent: value.smsConsent,
  };
}
