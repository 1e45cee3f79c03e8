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
import { rxResource, takeUntilDestroyed, toSignal } from '@angular/core/rxjs-interop';
import { NonNullableFormBuilder, ReactiveFormsModule, Validators, type FormControl } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatChipsModule } from '@angular/material/chips';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatIconModule } from '@angular/material/icon';
import { MatInputModule } from '@angular/material/input';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { MatSelectModule } from '@angular/material/select';
import { MatTooltipModule } from '@angular/material/tooltip';
import { Router } from '@angular/router';
import { catchError, map, of, startWith } from 'rxjs';

import { readApiError } from '../../api/api-error';
import { MailboxesApi } from '../../api/mailboxes-api';
import {
  TEMPLATE_KINDS,
  TEMPLATE_LIMITS,
  TemplatesApi,
  type Template,
  type TemplateInput,
  type TemplateKind,
} from '../../api/templates-api';
import { clearServerErrors, saveErrorMessage, validationMessage, dropBannerWhenFixed } from '../../core/form-errors';
import { Notifier } from '../../core/notifier';
import { I18n, type Message } from '../../i18n/i18n';
import { TranslatePipe } from '../../i18n/translate-pipe';
import { KIND_LABELS, PLACEHOLDER_LABELS, SHARED, ownerParam, parseOwner } from './template-labels';
import { TemplatePreview, type TemplateDraft } from './template-preview';

/** Used until the server's list arrives (or when it cannot be fetched). */
const FALLBACK_PLACEHOLDERS = Object.keys(PLACEHOLDER_LABELS);

function buildForm(fb: NonNullableFormBuilder) {
  return fb.group({
    owner: [''],
    kind: fb.control<TemplateKind>('body'),
    name: ['', [Validators.required, Validators.maxLength(TEMPLATE_LIMITS.name)]],
    body: ['', [Validators.required, Validators.maxLength(TEMPLATE_LIMITS.body)]],
    fromName: ['', Validators.maxLength(TEMPLATE_LIMITS.fromName)],
    fromAddress: ['', [Validators.email, Validators.maxLength(TEMPLATE_LIMITS.address)]],
    replyTo: ['', [Validators.email, Validators.maxLength(TEMPLATE_LIMITS.address)]],
  });
}

type TemplateFormValue = ReturnType<ReturnType<typeof buildForm>['getRawValue']>;
type TextField = 'body' | 'fromName';

/**
 * Creates or edits a template: kind, name, the text with placeholder chips (or the sender
 * fields), and a preview against a real ticket.
 */
@Component({
  selector: 'mg-template-form',
  imports: [
    ReactiveFormsModule,
    MatButtonModule,
    MatChipsModule,
    MatFormFieldModule,
    MatIconModule,
    MatInputModule,
    MatProgressBarModule,
    MatSelectModule,
    MatTooltipModule,
    TemplatePreview,
    TranslatePipe,
  ],
  templateUrl: './template-form.html',
  styleUrl: './template-form.scss',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class TemplateForm {
  private readonly api = inject(TemplatesApi);
  private readonly mailboxesApi = inject(MailboxesApi);
  private readonly router = inject(Router);
  private readonly notifier = inject(Notifier);
  protected readonly i18n = inject(I18n);

  /** The `:id` route param; absent on `/settings/templates/new`. */
  readonly id = input<string>();
  /** Query parameter: the list's mailbox (`shared` or an id), the owner of a new template. */
  readonly mailboxId = input<string>();

  protected readonly isNew = computed(() => this.id() === undefined);
  private readonly templateId = computed(() => {
    const id = Number(this.id());
    return Number.isInteger(id) && id > 0 ? id : undefined;
  });
  protected readonly template = rxResource({
    params: () => this.templateId(),
    stream: ({ params: id }) => this.api.get(id),
  });
  protected readonly current = computed(() => (this.template.hasValue() ? this.template.value() : undefined));
  protected readonly loadError = computed<Message | null>(() => {
    if (!this.isNew() && this.templateId() === undefined) {
      return { key: 'errors.notFound' };
    }
    const error = this.template.error();
    return error ? { text: this.notifier.describe(readApiError(error)) } : null;
  });

  protected readonly mailboxes = rxResource({ stream: () => this.mailboxesApi.list() });
  protected readonly placeholders = toSignal(
    this.api.placeholders().pipe(catchError(() => of(FALLBACK_PLACEHOLDERS))),
    { initialValue: FALLBACK_PLACEHOLDERS },
  );

  protected readonly shared = SHARED;
  protected readonly kinds = TEMPLATE_KINDS;
  protected readonly kindLabels = KIND_LABELS;
  protected readonly placeholderLabels = PLACEHOLDER_LABELS;
  protected readonly form = buildForm(inject(NonNullableFormBuilder));
  protected readonly kindValue = toSignal(
    this.form.controls.kind.valueChanges.pipe(startWith(this.form.controls.kind.value)),
    { requireSync: true },
  );
  protected readonly isSender = computed(() => this.kindValue() === 'sender');
  protected readonly saving = signal(false);
  protected readonly formError = signal<Message | null>(null);
  /** The 「入力内容を確認してください」 banner goes once the fields are fixed. */
  private readonly bannerWatch = dropBannerWhenFixed(this.form, this.formError);
  /** Changes not saved yet. */
  protected readonly dirty = signal(false);
  /** The template as typed, for the preview (which fills in unsaved text too). */
  private readonly formValue = toSignal(this.form.valueChanges.pipe(map(() => this.form.getRawValue())), { initialValue: this.form.getRawValue() });
  protected readonly draft = computed<TemplateDraft>(() => {
    const v = this.formValue();
    const template = this.current();
    return {
      mailboxId: template ? template.mailboxId : (parseOwner(v.owner) ?? null),
      kind: v.kind,
      body: v.body,
      fromName: v.fromName,
      fromAddress: v.fromAddress,
      replyTo: v.replyTo,
    };
  });

  private readonly bodyInput = viewChild<ElementRef<HTMLTextAreaElement>>('bodyInput');
  private readonly fromNameInput = viewChild<ElementRef<HTMLInputElement>>('fromNameInput');
  /** Where a placeholder chip inserts: the text field last focused. */
  private lastField: TextField = 'body';

  constructor() {
    effect(() => {
      const template = this.current();
      if (template) {
        untracked(() => this.fillForm(template));
      }
    });
    effect(() => {
      if (this.isNew()) {
        const owner = parseOwner(this.mailboxId());
        untracked(() => this.form.controls.owner.setValue(owner === undefined ? SHARED : ownerParam(owner)));
      }
    });
    this.form.controls.kind.valueChanges.pipe(takeUntilDestroyed()).subscribe(() => this.syncKind());
    this.form.valueChanges.pipe(takeUntilDestroyed()).subscribe(() => this.dirty.set(this.form.dirty));
    this.syncKind();
  }

  protected errorText(field: keyof TemplateFormValue): string {
    return validationMessage(this.form.controls[field], this.i18n);
  }

  protected placeholderLabel(name: string): string {
    const key = this.placeholderLabels[name];
    return key ? this.i18n.t(key) : name;
  }

  protected ownerName(template: Template): string {
    if (template.mailboxId === null) {
      return this.i18n.t('templates.shared');
    }
    const list = this.mailboxes.hasValue() ? this.mailboxes.value() : [];
    return list.find((m) => m.id === template.mailboxId)?.name ?? `#${template.mailboxId}`;
  }

  /** The placeholder as written in a template. */
  protected token(name: string): string {
    return `{{${name}}}`;
  }

  protected focused(field: TextField): void {
    this.lastField = field;
  }

  /** Puts `{{name}}` at the cursor of the text field last used (the end when it was never focused). */
  protected insertPlaceholder(name: string): void {
    const field: TextField = this.isSender() ? 'fromName' : 'body';
    const control: FormControl<string> = this.form.controls[field];
    const element = (field === 'body' ? this.bodyInput() : this.fromNameInput())?.nativeElement;
    const token = this.token(name);
    const value = control.value;
    const usable = element && this.lastField === field;
    const start = usable ? (element.selectionStart ?? value.length) : value.length;
    const end = usable ? (element.selectionEnd ?? start) : value.length;
    control.setValue(value.slice(0, start) + token + value.slice(end));
    control.markAsDirty();
    this.dirty.set(true);
    if (element) {
      element.focus();
      const caret = start + token.length;
      element.setSelectionRange(caret, caret);
      this.lastField = field;
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
    const value = this.form.getRawValue();
    const input = toInput(value);
    const template = this.current();
    const owner = template ? template.mailboxId : (parseOwner(value.owner) ?? null);
    this.saving.set(true);
    (template ? this.api.update(template.id, input) : this.api.create(owner, input)).subscribe({
      next: (saved) => {
        this.saving.set(false);
        this.notifier.success('templates.saved');
        if (!template) {
          void this.router.navigate(['/settings/templates', saved.id], {
            replaceUrl: true,
            queryParams: { mailboxId: this.mailboxId() ?? ownerParam(saved.mailboxId) },
          });
        } else {
          this.template.set(saved);
        }
      },
      error: (error: unknown) => {
        this.saving.set(false);
        this.formError.set(saveErrorMessage(this.form, error, this.i18n));
      },
    });
  }

  protected backToList(): void {
    void this.router.navigate(['/settings/templates'], {
      queryParams: { mailboxId: this.mailboxId() ?? null },
    });
  }

  private fillForm(template: Template): void {
    this.form.reset({
      owner: ownerParam(template.mailboxId),
      kind: template.kind,
      name: template.name,
      body: template.body ?? '',
      fromName: template.fromName ?? '',
      fromAddress: template.fromAddress ?? '',
      replyTo: template.replyTo ?? '',
    });
    this.syncKind();
    this.dirty.set(false);
  }

  /** The other kind's fields are disabled, so their validators do not block saving. */
  private syncKind(): void {
    const sender = this.form.controls.kind.value === 'sender';
    const { body, fromName, fromAddress, replyTo } = this.form.controls;
    for (const [control, on] of [
      [body, !sender],
      [fromName, sender],
      [fromAddress, sender],
      [replyTo, sender],
    ] as const) {
      if (on && control.disabled) {
        control.enable({ emitEvent: false });
      } else if (!on && control.enabled) {
        control.disable({ emitEvent: false });
      }
    }
  }
}

function toInput(value: TemplateFormValue): TemplateInput {
  const sender = value.kind === 'sender';
  const text = (v: string) => (v.trim() === '' ? null : v.trim());
  return {
    kind: value.kind,
    name: value.name.trim(),
    // A body keeps its leading spaces and blank lines: they are part of the mail.
    body: sender ? null : value.body,
    fromName: sender ? text(value.fromName) : null,
    fromAddress: sender ? text(value.fromAddress) : null,
    replyTo: sender ? text(value.replyTo) : null,
  };
}
