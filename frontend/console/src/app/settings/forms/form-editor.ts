import {
  ChangeDetectionStrategy,
  Component,
  type ElementRef,
  computed,
  effect,
  inject,
  input,
  signal,
  untracked,
  viewChild,
} from '@angular/core';
import { rxResource, takeUntilDestroyed } from '@angular/core/rxjs-interop';
import {
  FormArray,
  FormControl,
  FormGroup,
  NonNullableFormBuilder,
  ReactiveFormsModule,
  Validators,
} from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatCheckboxModule } from '@angular/material/checkbox';
import { MatChipsModule } from '@angular/material/chips';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatIconModule } from '@angular/material/icon';
import { MatInputModule } from '@angular/material/input';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { MatSelectModule } from '@angular/material/select';
import { MatSlideToggleModule } from '@angular/material/slide-toggle';
import { MatTooltipModule } from '@angular/material/tooltip';
import { Router } from '@angular/router';
import { startWith } from 'rxjs';

import { readApiError } from '../../api/api-error';
import {
  CHOICE_TYPES,
  FORM_FIELD_TYPES,
  FORM_LIMITS,
  FormsApi,
  MAX_LENGTH_LIMITS,
  type FormField,
  type FormFieldType,
  type InquiryForm,
  type InquiryFormInput,
} from '../../api/forms-api';
import { MailboxesApi } from '../../api/mailboxes-api';
import { clearServerErrors, saveErrorMessage, validationMessage, dropBannerWhenFixed } from '../../core/form-errors';
import { Notifier } from '../../core/notifier';
import { I18n, type Message } from '../../i18n/i18n';
import type { MessageKey } from '../../i18n/ja';
import { TranslatePipe } from '../../i18n/translate-pipe';
import { registerFormIcons } from './form-icons';

const KEY_PATTERN = /^[a-z][a-z0-9_]*$/;
const SLUG_PATTERN = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

export const TYPE_LABELS: Record<FormFieldType, MessageKey> = {
  text: 'forms.type.text',
  textarea: 'forms.type.textarea',
  email: 'forms.type.email',
  tel: 'forms.type.tel',
  select: 'forms.type.select',
  radio: 'forms.type.radio',
  checkbox: 'forms.type.checkbox',
  date: 'forms.type.date',
};

type FieldGroup = FormGroup<{
  key: FormControl<string>;
  label: FormControl<string>;
  type: FormControl<FormFieldType>;
  required: FormControl<boolean>;
  maxLength: FormControl<number | null>;
  /** One option per line. */
  options: FormControl<string>;
}>;

type ThankYouPart = 'subject' | 'body';

/**
 * The form builder: name and public address, the fields (add, remove, reorder, type, required,
 * maximum length, options), which email field replies go to, and the thank-you mail with
 * placeholder chips. Every check that needs the whole form is the server's; its messages land
 * under the field they name (`fields.2.options`, `thankYou.body`, …).
 */
@Component({
  selector: 'mg-form-editor',
  imports: [
    ReactiveFormsModule,
    MatButtonModule,
    MatCheckboxModule,
    MatChipsModule,
    MatFormFieldModule,
    MatIconModule,
    MatInputModule,
    MatProgressBarModule,
    MatSelectModule,
    MatSlideToggleModule,
    MatTooltipModule,
    TranslatePipe,
  ],
  templateUrl: './form-editor.html',
  styleUrl: './form-editor.scss',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class FormEditor {
  private readonly api = inject(FormsApi);
  private readonly mailboxesApi = inject(MailboxesApi);
  private readonly router = inject(Router);
  private readonly notifier = inject(Notifier);
  private readonly fb = inject(NonNullableFormBuilder);
  protected readonly i18n = inject(I18n);

  /** Route params: the mailbox, and the form's id (absent on `…/new`). */
  readonly mailboxId = input<string>();
  readonly id = input<string>();

  protected readonly types = FORM_FIELD_TYPES;
  protected readonly typeLabels = TYPE_LABELS;
  protected readonly limits = FORM_LIMITS;

  private readonly mailbox = computed(() => {
    const id = Number(this.mailboxId());
    return Number.isInteger(id) && id > 0 ? id : undefined;
  });
  protected readonly isNew = computed(() => this.id() === undefined);
  private readonly formId = computed(() => {
    const id = Number(this.id());
    return Number.isInteger(id) && id > 0 ? id : undefined;
  });
  protected readonly loaded = rxResource({
    params: () => {
      const mailboxId = this.mailbox();
      const id = this.formId();
      return mailboxId && id ? { mailboxId, id } : undefined;
    },
    stream: ({ params }) => this.api.get(params.mailboxId, params.id),
  });
  protected readonly current = computed<InquiryForm | undefined>(() =>
    this.loaded.hasValue() ? this.loaded.value() : undefined,
  );
  protected readonly loadError = computed<Message | null>(() => {
    if (this.mailbox() === undefined || (!this.isNew() && this.formId() === undefined)) {
      return { key: 'errors.notFound' };
    }
    const error = this.loaded.error();
    return error ? { text: this.notifier.describe(readApiError(error)) } : null;
  });
  protected readonly mailboxes = rxResource({ stream: () => this.mailboxesApi.list() });
  protected readonly mailboxName = computed(() => {
    const list = this.mailboxes.hasValue() ? this.mailboxes.value() : [];
    return list.find((m) => m.id === this.mailbox())?.name ?? '';
  });

  protected readonly form = this.fb.group({
    name: ['', [Validators.required, Validators.maxLength(FORM_LIMITS.name)]],
    slug: ['', [Validators.pattern(SLUG_PATTERN), Validators.maxLength(FORM_LIMITS.slug)]],
    description: ['', Validators.maxLength(FORM_LIMITS.description)],
    subjectTemplate: ['', Validators.maxLength(FORM_LIMITS.subject)],
    active: [true],
    fields: this.fb.array<FieldGroup>([]),
    replyEmailField: [''],
    thankYou: this.fb.group({
      enabled: [false],
      subject: ['', Validators.maxLength(FORM_LIMITS.subject)],
      body: ['', Validators.maxLength(FORM_LIMITS.body)],
    }),
  });
  protected readonly fields = this.form.controls.fields;

  /** The form's value as a signal, for what the template derives from it. */
  private readonly value = signal(this.form.getRawValue());
  /** The email fields, by key and label: one of them is where replies go. */
  protected readonly emailFields = computed(() =>
    this.value()
      .fields.filter((f) => f.type === 'email' && f.key.trim())
      .map((f) => ({ key: f.key.trim(), label: f.label.trim() })),
  );
  protected readonly placeholders = computed(() => [
    { token: '{{form.name}}', label: this.i18n.t('forms.placeholder.formName') },
    ...this.value()
      .fields.filter((f) => KEY_PATTERN.test(f.key.trim()))
      .map((f) => ({ token: `{{field.${f.key.trim()}}}`, label: f.label.trim() || f.key.trim() })),
  ]);
  protected readonly placeholderTokens = computed(() =>
    this.placeholders()
      .map((p) => p.token)
      .join(' '),
  );
  protected readonly thankYouOn = computed(() => this.value().thankYou.enabled);

  protected readonly saving = signal(false);
  protected readonly formError = signal<Message | null>(null);
  /** The 「入力内容を確認してください」 banner goes once the fields are fixed. */
  private readonly bannerWatch = dropBannerWhenFixed(this.form, this.formError);

  private readonly subjectInput = viewChild<ElementRef<HTMLInputElement>>('subjectInput');
  private readonly bodyInput = viewChild<ElementRef<HTMLTextAreaElement>>('bodyInput');
  private lastPart: ThankYouPart = 'body';

  constructor() {
    registerFormIcons();
    this.form.valueChanges.pipe(startWith(null), takeUntilDestroyed()).subscribe(() => {
      this.value.set(this.form.getRawValue());
      this.followReplyField();
    });
    effect(() => {
      const form = this.current();
      if (form) {
        untracked(() => this.fill(form));
      }
    });
    effect(() => {
      if (this.isNew()) {
        untracked(() => this.fillNew());
      }
    });
  }

  protected errorText(
    control: FormControl<unknown> | FormGroup | FormArray,
    pattern: MessageKey = 'validation.pattern',
  ): string {
    return validationMessage(control, this.i18n, pattern);
  }

  /** The server's message about the list as a whole (e.g. no fields at all). */
  protected fieldsError(): string {
    const server = this.fields.errors?.['server'];
    return typeof server === 'string' ? server : '';
  }

  protected typeOf(group: FieldGroup): FormFieldType {
    return group.controls.type.value;
  }

  protected hasOptions(group: FieldGroup): boolean {
    return CHOICE_TYPES.includes(this.typeOf(group));
  }

  protected maxLengthLimit(group: FieldGroup): number | undefined {
    return MAX_LENGTH_LIMITS[this.typeOf(group)];
  }

  protected addField(type: FormFieldType = 'text'): void {
    const used = new Set(this.fields.controls.map((g) => g.controls.key.value));
    let n = this.fields.length + 1;
    while (used.has(`field_${n}`)) {
      n++;
    }
    this.fields.push(this.fieldGroup({ key: `field_${n}`, label: '', type, required: false }));
    this.form.markAsDirty();
  }

  protected removeField(index: number): void {
    this.fields.removeAt(index);
    this.form.markAsDirty();
  }

  protected moveField(index: number, delta: -1 | 1): void {
    const to = index + delta;
    if (to < 0 || to >= this.fields.length) {
      return;
    }
    const group = this.fields.at(index);
    this.fields.removeAt(index, { emitEvent: false });
    this.fields.insert(to, group);
    this.form.markAsDirty();
  }

  protected focused(part: ThankYouPart): void {
    this.lastPart = part;
  }

  /** Puts the placeholder at the cursor of the subject or body, whichever was used last. */
  protected insertPlaceholder(token: string): void {
    const control = this.form.controls.thankYou.controls[this.lastPart];
    const element = (this.lastPart === 'body' ? this.bodyInput() : this.subjectInput())?.nativeElement;
    const value = control.value;
    const start = element?.selectionStart ?? value.length;
    const end = element?.selectionEnd ?? start;
    control.setValue(value.slice(0, start) + token + value.slice(end));
    control.markAsDirty();
    if (element) {
      element.focus();
      const caret = start + token.length;
      element.setSelectionRange(caret, caret);
    }
  }

  protected save(): void {
    this.formError.set(null);
    clearServerErrors(this.form);
    const mailboxId = this.mailbox();
    if (!mailboxId) {
      return;
    }
    if (this.form.invalid) {
      this.form.markAllAsTouched();
      this.formError.set({ key: 'validation.fixErrors' });
      return;
    }
    const input = this.toInput();
    const existing = this.current();
    this.saving.set(true);
    (existing ? this.api.update(mailboxId, existing.id, input) : this.api.create(mailboxId, input)).subscribe(
      {
        next: (saved) => {
          this.saving.set(false);
          this.notifier.success('forms.saved');
          if (existing) {
            this.loaded.set(saved);
          } else {
            void this.router.navigate(['/settings/forms', saved.mailboxId, saved.id], { replaceUrl: true });
          }
        },
        error: (error: unknown) => {
          this.saving.set(false);
          this.formError.set(saveErrorMessage(this.form, error, this.i18n));
        },
      },
    );
  }

  protected backToList(): void {
    void this.router.navigate(['/settings/forms'], { queryParams: { mailboxId: this.mailbox() ?? null } });
  }

  /** With one email field, replies go to it: renaming its key or changing a field's type keeps the choice valid. */
  private followReplyField(): void {
    const emails = this.emailFields();
    const reply = this.form.controls.replyEmailField;
    if (emails.length === 1 && reply.value !== emails[0].key) {
      reply.setValue(emails[0].key);
    }
  }

  private fieldGroup(f: FormField): FieldGroup {
    return this.fb.group({
      key: this.fb.control(f.key, [
        Validators.required,
        Validators.pattern(KEY_PATTERN),
        Validators.maxLength(FORM_LIMITS.key),
      ]),
      label: this.fb.control(f.label, [Validators.required, Validators.maxLength(FORM_LIMITS.label)]),
      type: this.fb.control<FormFieldType>(f.type),
      required: this.fb.control(f.required),
      maxLength: new FormControl<number | null>(f.maxLength ?? null, [
        Validators.min(1),
        Validators.max(10_000),
      ]),
      options: this.fb.control((f.options ?? []).join('\n')),
    });
  }

  private fill(form: InquiryForm): void {
    this.fields.clear({ emitEvent: false });
    for (const f of form.fields) {
      this.fields.push(this.fieldGroup(f), { emitEvent: false });
    }
    this.form.reset({
      name: form.name,
      slug: form.slug,
      description: form.description ?? '',
      subjectTemplate: form.subjectTemplate ?? '',
      active: form.active,
      fields: form.fields.map((f) => ({
        ...f,
        maxLength: f.maxLength ?? null,
        options: (f.options ?? []).join('\n'),
      })),
      replyEmailField: form.replyEmailField,
      thankYou: { ...form.thankYou },
    });
  }

  /** A new form starts with what almost every inquiry form asks: name, email (where replies go) and the message. */
  private fillNew(): void {
    const t = (key: MessageKey) => this.i18n.t(key);
    this.fill({
      id: 0,
      mailboxId: 0,
      name: '',
      slug: '',
      description: null,
      subjectTemplate: null,
      fields: [
        { key: 'name', label: t('forms.default.name'), type: 'text', required: true },
        { key: 'email', label: t('forms.default.email'), type: 'email', required: true },
        { key: 'body', label: t('forms.default.body'), type: 'textarea', required: true },
        // 個人情報の取り扱いに同意: offered on every new form, required (remove it if not wanted).
        { key: 'consent', label: t('forms.default.consentLabel'), type: 'checkbox', required: true, options: [t('forms.default.consent')] },
      ],
      replyEmailField: 'email',
      thankYou: {
        enabled: true,
        subject: t('forms.default.thankYouSubject'),
        body: t('forms.default.thankYouBody'),
      },
      active: true,
      path: '',
      publicUrl: '',
      createdAt: '',
      updatedAt: '',
    });
  }

  private toInput(): InquiryFormInput {
    const v = this.form.getRawValue();
    const fields: FormField[] = v.fields.map((f) => {
      const field: FormField = {
        key: f.key.trim(),
        label: f.label.trim(),
        type: f.type,
        required: f.required,
      };
      if (MAX_LENGTH_LIMITS[f.type] && f.maxLength !== null && String(f.maxLength) !== '') {
        field.maxLength = Number(f.maxLength);
      }
      if (CHOICE_TYPES.includes(f.type)) {
        field.options = f.options
          .split('\n')
          .map((o) => o.trim())
          .filter(Boolean);
      }
      return field;
    });
    return {
      name: v.name.trim(),
      ...(v.slug.trim() ? { slug: v.slug.trim() } : {}),
      description: v.description.trim() || null,
      // Empty: the server's default (the form's name, or 「名前: 件名の項目」).
      subjectTemplate: v.subjectTemplate.trim() || null,
      fields,
      replyEmailField: v.replyEmailField,
      thankYou: { enabled: v.thankYou.enabled, subject: v.thankYou.subject, body: v.thankYou.body },
      active: v.active,
    };
  }
}
