import { MatTooltipModule } from '@angular/material/tooltip';
import { japaneseMobile } from '@madoguchi/sms-shared/mobile';
import { openSmsSendDialog } from '../sms/sms-send-dialog';
import {
  ChangeDetectionStrategy,
  Component,
  DestroyRef,
  computed,
  effect,
  inject,
  input,
  signal,
  untracked,
} from '@angular/core';
import { rxResource, takeUntilDestroyed } from '@angular/core/rxjs-interop';
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
import {
  Observable,
  Subject,
  Subscription,
  catchError,
  filter,
  forkJoin,
  map,
  of,
  switchMap,
  tap,
} from 'rxjs';

import { readApiError } from '../api/api-error';
import {
  CustomersApi,
  type Customer,
  type CustomerFilter,
  type CustomerInput,
  type ListFlag,
  type RegistrationState,
} from '../api/customers-api';
import { PostalCodesApi, type PostalAddress } from '../api/postal-codes-api';
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

/** The 7 digits of a postal code as typed (full-width digits, 〒, any hyphen), or null. */
function postalDigits(value: string): string | null {
  const digits = value.normalize('NFKC').replace(/[\s〒‐‑‒–—―ー−-]/g, '');
  return /^\d{7}$/.test(digits) ? digits : null;
}

/** A phone number's digits in national form (`+81 90-1234-5678` → `09012345678`), to compare numbers exactly. */
function phoneDigits(value: string | null): string {
  const text = (value ?? '').normalize('NFKC').trim();
  const digits = text.replace(/\D/g, '');
  return text.startsWith('+81') ? `0${digits.slice(2)}` : digits;
}

/** Fewer digits than this are a number still being typed: not worth a duplicate search. */
const PHONE_CHECK_MIN_DIGITS = 6;

/** Another customer with the email or a phone number just entered (重複の警告 on a new customer). */
interface DuplicateMatch {
  readonly customer: Customer;
  readonly byEmail: boolean;
  readonly byPhone: boolean;
}

function buildForm(fb: NonNullableFormBuilder) {
  return fb.group({
    lastName: ['', [Validators.required, Validators.maxLength(50)]],
    firstName: ['', Validators.maxLength(50)],
    lastNameKana: ['', [Validators.maxLength(50), Validators.pattern(KATAKANA)]],
    firstNameKana: ['', [Validators.maxLength(50), Validators.pattern(KATAKANA)]],
    companyName: ['', Validators.maxLength(100)],
    department: ['', Validators.maxLength(100)],
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
  private readonly postalCodes = inject(PostalCodesApi);
  private readonly destroyRef = inject(DestroyRef);
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
  /** Writable here: the right, and not a customer merged into another (its karte only points there). */
  protected readonly editable = computed(() => this.canWrite() && !this.current()?.mergedInto);
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
  /** The カルテCSV: the customer's fields, visits and history in one download. */
  protected karteCsvUrl(id: number): string {
    return this.api.karteCsvUrl(id);
  }

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

  protected readonly postalLooking = signal(false);
  /** Why 住所検索 found nothing, under 郵便番号 (worded by the error's code). */
  protected readonly postalError = signal<Message | null>(null);
  /** The addresses of a code that covers several towns, for the user to pick from. */
  protected readonly postalChoices = signal<readonly PostalAddress[]>([]);
  /** The address found when 住所 already holds other text: offered, never written over silently. */
  protected readonly postalOffer = signal<string | null>(null);
  private postalLookup?: Subscription;
  /** The code last looked up (or loaded), so leaving 郵便番号 unchanged does not ask again. */
  private lastPostalDigits: string | null = null;

  /** Other customers with the email, TEL or MOBILE entered: shown before a new customer is saved. */
  protected readonly duplicates = signal<readonly DuplicateMatch[]>([]);
  private readonly duplicateChecks = new Subject<void>();

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
        untracked(() => {
          this.form.controls[/^0[6-9]0\d{8}$/.test(tel) ? 'mobile' : 'tel'].setValue(tel);
          this.duplicateChecks.next();
        });
      }
    });
    effect(() => {
      if (this.editable()) {
        this.form.enable({ emitEvent: false });
      } else {
        this.form.disable({ emitEvent: false });
      }
    });
    // A changed code makes what was found for the previous one stale.
    this.form.controls.postalCode.valueChanges.pipe(takeUntilDestroyed()).subscribe(() => {
      this.postalError.set(null);
      this.postalChoices.set([]);
      this.postalOffer.set(null);
    });
    this.duplicateChecks
      .pipe(
        switchMap(() => this.findDuplicates()),
        takeUntilDestroyed(),
      )
      .subscribe((found) => this.duplicates.set(found));
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

  /** On leaving 郵便番号: writes it as 123-4567 and looks the address up when the code changed. */
  protected postalCodeLeft(): void {
    const digits = postalDigits(this.form.controls.postalCode.value);
    if (digits && digits !== this.lastPostalDigits) {
      this.lookUpAddress();
    } else if (digits) {
      this.writePostalCode(digits);
    }
  }

  /** 住所検索: the address of the code in 郵便番号, put into 住所 (or offered, or several to pick from). */
  protected lookUpAddress(): void {
    const digits = postalDigits(this.form.controls.postalCode.value);
    if (!digits) {
      this.postalError.set({ key: 'customerForm.postalError.POSTAL_CODE_INVALID' });
      return;
    }
    // The button's click follows the field's blur, which already asked for this code.
    if (this.postalLooking() && digits === this.lastPostalDigits) {
      return;
    }
    this.writePostalCode(digits);
    this.postalLookup?.unsubscribe();
    this.postalError.set(null);
    this.postalChoices.set([]);
    this.postalOffer.set(null);
    this.lastPostalDigits = digits;
    this.postalLooking.set(true);
    this.postalLookup = this.postalCodes
      .lookup(digits)
      .pipe(takeUntilDestroyed(this.destroyRef))
      .subscribe({
        next: (result) => {
          this.postalLooking.set(false);
          if (result.addresses.length === 1) {
            this.chooseAddress(result.addresses[0]);
          } else {
            this.postalChoices.set(result.addresses);
          }
        },
        error: (error: unknown) => {
          this.postalLooking.set(false);
          this.postalError.set(this.postalErrorMessage(error));
        },
      });
  }

  /** Fills 住所 with 都道府県+市区町村+町域 when it is empty or a start of it; other text there is only offered to replace. */
  protected chooseAddress(address: PostalAddress): void {
    this.postalChoices.set([]);
    const text = `${address.prefecture}${address.city}${address.town}`;
    const current = this.form.controls.address.value.trim();
    if (text.startsWith(current)) {
      this.writeAddress(text);
    } else if (!current.startsWith(text)) {
      this.postalOffer.set(text);
    }
  }

  protected replaceAddress(): void {
    const text = this.postalOffer();
    if (text) {
      this.writeAddress(text);
    }
    this.postalOffer.set(null);
  }

  protected keepAddress(): void {
    this.postalOffer.set(null);
  }

  protected addressText(address: PostalAddress): string {
    return `${address.prefecture}${address.city}${address.town}`;
  }

  /** On leaving メール, TEL or MOBILE of a new customer: warns at once if another customer has it. */
  protected contactLeft(): void {
    if (this.isNew()) {
      this.duplicateChecks.next();
    }
  }

  protected nameOf(customer: Customer): string {
    return fullName(customer.lastName, customer.firstName);
  }

  protected save(): void {
    if (!this.validForSave()) {
      return;
    }
    if (!this.isNew()) {
      this.persist();
      return;
    }
    // Checked again on save: the fields may have changed since they were left, or never been left.
    this.saving.set(true);
    this.findDuplicates()
      .pipe(takeUntilDestroyed(this.destroyRef))
      .subscribe((found) => {
        this.duplicates.set(found);
        if (found.length > 0) {
          this.saving.set(false);
        } else {
          this.persist();
        }
      });
  }

  /** 「それでも登録する」: the user has seen the customers with the same contact and saves a new one all the same. */
  protected saveAnyway(): void {
    if (this.validForSave()) {
      this.persist();
    }
  }

  private validForSave(): boolean {
    this.formError.set(null);
    clearServerErrors(this.form);
    if (this.form.invalid) {
      this.form.markAllAsTouched();
      this.formError.set({ key: 'validation.fixErrors' });
      return false;
    }
    return true;
  }

  private persist(): void {
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

  private writePostalCode(digits: string): void {
    const control = this.form.controls.postalCode;
    const formatted = `${digits.slice(0, 3)}-${digits.slice(3)}`;
    if (control.value !== formatted) {
      control.setValue(formatted);
    }
  }

  private writeAddress(text: string): void {
    const control = this.form.controls.address;
    if (control.value !== text) {
      control.setValue(text);
      control.markAsDirty();
    }
  }

  /** The message under 郵便番号 for a failed lookup, by the error's code; never the server's sentence. */
  private postalErrorMessage(error: unknown): Message {
    const code = readApiError(error).code;
    const key = `customerForm.postalError.${code}`;
    return code && this.i18n.has(key) ? { key } : { key: 'customerForm.postalFailed' };
  }

  /**
   * Customers other than a new one who have its email or one of its phone numbers. The search
   * matches substrings (and TEL or MOBILE for a number), so only exact matches are kept: email
   * without case, phones by their digits. A failed search warns of nothing rather than block.
   */
  private findDuplicates(): Observable<DuplicateMatch[]> {
    const { email, tel, mobile } = this.form.getRawValue();
    const wantedEmail = this.form.controls.email.valid ? email.trim().toLowerCase() : '';
    const phones = [...new Set([tel, mobile].map(phoneDigits))].filter(
      (digits) => digits.length >= PHONE_CHECK_MIN_DIGITS,
    );
    const searches = [
      ...(wantedEmail ? [this.searchCustomers({ email: wantedEmail })] : []),
      ...phones.map((digits) => this.searchCustomers({ tel: digits })),
    ];
    if (searches.length === 0) {
      return of([]);
    }
    return forkJoin(searches).pipe(
      map((lists) => {
        const found = new Map<number, DuplicateMatch>();
        for (const customer of lists.flat()) {
          const byEmail = wantedEmail !== '' && customer.email?.toLowerCase() === wantedEmail;
          const byPhone = [customer.tel, customer.mobile].some(
            (number) => number !== null && phones.includes(phoneDigits(number)),
          );
          if (byEmail || byPhone) {
            found.set(customer.id, { customer, byEmail, byPhone });
          }
        }
        return [...found.values()];
      }),
    );
  }

  private searchCustomers(filters: Partial<Record<CustomerFilter, string>>): Observable<Customer[]> {
    return this.api.search({ q: '', filters, page: 1, pageSize: 200 }).pipe(
      map((page) => page.items),
      catchError(() => of([])),
    );
  }

  private fillForm(customer: Customer): void {
    this.lastPostalDigits = postalDigits(customer.postalCode ?? '');
    this.form.reset({
      lastName: customer.lastName ?? '',
      firstName: customer.firstName ?? '',
      lastNameKana: customer.lastNameKana ?? '',
      firstNameKana: customer.firstNameKana ?? '',
      companyName: customer.companyName ?? '',
      department: customer.department ?? '',
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
    companyName: text(value.companyName),
    department: text(value.department),
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
