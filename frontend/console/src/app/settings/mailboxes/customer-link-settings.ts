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
import {
  FormArray,
  NonNullableFormBuilder,
  ReactiveFormsModule,
  Validators,
  type FormControl,
  type FormGroup,
} from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatButtonToggleModule } from '@angular/material/button-toggle';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatIconModule } from '@angular/material/icon';
import { MatInputModule } from '@angular/material/input';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { MatSelectModule } from '@angular/material/select';
import { MatSlideToggleModule } from '@angular/material/slide-toggle';

import { readApiError } from '../../api/api-error';
import {
  AutomationApi,
  CUSTOMER_LINK_FIELDS,
  type CustomerLinkField,
  type CustomerLinkSettings,
} from '../../api/automation-api';
import type { FieldCode } from '../../api/api-error';
import { clearServerErrors, saveErrorMessage, validationMessage } from '../../core/form-errors';
import { Notifier } from '../../core/notifier';
import { I18n, type Message } from '../../i18n/i18n';
import { TranslatePipe } from '../../i18n/translate-pipe';
import { CUSTOMER_FIELD_LABELS, FORM_KEY_PATTERN } from './rule-labels';

type MappingForm = FormGroup<{ key: FormControl<string>; field: FormControl<CustomerLinkField> }>;

/**
 * データベース自動連携設定: on intake, find the inquiry's customer by email or phone (creating one
 * when none matches), write the mapped form fields to it and link the ticket.
 */
@Component({
  selector: 'mg-customer-link-settings',
  imports: [
    ReactiveFormsModule,
    MatButtonModule,
    MatButtonToggleModule,
    MatFormFieldModule,
    MatIconModule,
    MatInputModule,
    MatProgressBarModule,
    MatSelectModule,
    MatSlideToggleModule,
    TranslatePipe,
  ],
  templateUrl: './customer-link-settings.html',
  styleUrl: './automation-panel.scss',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class CustomerLinkSettingsPanel {
  private readonly api = inject(AutomationApi);
  private readonly notifier = inject(Notifier);
  private readonly fb = inject(NonNullableFormBuilder);
  protected readonly i18n = inject(I18n);

  readonly mailboxId = input.required<number>();

  protected readonly customerFields = CUSTOMER_LINK_FIELDS;
  protected readonly customerFieldLabels = CUSTOMER_FIELD_LABELS;

  protected readonly settings = rxResource({
    params: () => this.mailboxId(),
    stream: ({ params: id }) => this.api.customerLink(id),
  });
  protected readonly loadError = computed(() => {
    const error = this.settings.error();
    return error ? this.notifier.describe(readApiError(error)) : null;
  });

  protected readonly form = this.fb.group({
    enabled: [false],
    matchBy: this.fb.control<'email' | 'phone'>('email'),
    mappings: this.fb.array<MappingForm>([]),
  });
  protected readonly saving = signal(false);
  protected readonly formError = signal<Message | null>(null);

  constructor() {
    effect(() => {
      if (this.settings.hasValue()) {
        const settings = this.settings.value();
        untracked(() => this.fill(settings));
      }
    });
  }

  protected get mappings(): FormArray<MappingForm> {
    return this.form.controls.mappings;
  }

  protected addMapping(): void {
    this.mappings.push(this.mappingForm('', 'lastName'));
    this.form.markAsDirty();
  }

  protected removeMapping(index: number): void {
    this.mappings.removeAt(index);
    this.form.markAsDirty();
  }

  protected errorText(control: FormControl<unknown>): string {
    return validationMessage(control, this.i18n, 'automation.formKeyPattern');
  }

  protected save(): void {
    this.formError.set(null);
    clearServerErrors(this.form);
    const rows = this.mappings.controls;
    const seen = new Set<string>();
    for (const row of rows) {
      const key = row.controls.key.value.trim();
      if (seen.has(key)) {
        row.controls.key.setErrors({ server: this.i18n.t('automation.customerLink.duplicateKey') });
        row.controls.key.markAsTouched();
      }
      seen.add(key);
    }
    if (this.form.invalid) {
      this.form.markAllAsTouched();
      return;
    }
    const value = this.form.getRawValue();
    const settings: CustomerLinkSettings = {
      enabled: value.enabled,
      matchBy: value.matchBy,
      fieldMap: Object.fromEntries(value.mappings.map((m) => [m.key.trim(), m.field])),
    };
    this.saving.set(true);
    this.api.saveCustomerLink(this.mailboxId(), settings).subscribe({
      next: (saved) => {
        this.saving.set(false);
        this.fill(saved);
        this.notifier.success('automation.customerLink.saved');
      },
      error: (error: unknown) => {
        this.saving.set(false);
        this.formError.set(saveErrorMessage(this.form, error, this.i18n, (e) => this.withRowPaths(e)));
      },
    });
  }

  /** The server names a mapping by its key (`fieldMap.tel_no`); the form's rows are numbered. */
  private withRowPaths<T extends { fields: Readonly<Record<string, readonly FieldCode[]>> }>(error: T): T {
    const keys = this.mappings.controls.map((row) => row.controls.key.value.trim());
    const fields: Record<string, readonly FieldCode[]> = {};
    for (const [name, messages] of Object.entries(error.fields)) {
      const row = name.startsWith('fieldMap.') ? keys.indexOf(name.slice('fieldMap.'.length)) : -1;
      const path = row >= 0 ? `mappings.${row}.key` : name;
      fields[path] = [...(fields[path] ?? []), ...messages];
    }
    return { ...error, fields };
  }

  private fill(settings: CustomerLinkSettings): void {
    this.mappings.clear({ emitEvent: false });
    for (const [key, field] of Object.entries(settings.fieldMap ?? {})) {
      this.mappings.push(this.mappingForm(key, field), { emitEvent: false });
    }
    this.form.reset({
      enabled: settings.enabled,
      matchBy: settings.matchBy,
      mappings: Object.entries(settings.fieldMap ?? {}).map(([key, field]) => ({ key, field })),
    });
  }

  private mappingForm(key: string, field: CustomerLinkField): MappingForm {
    return this.fb.group({
      key: [key, [Validators.required, Validators.pattern(FORM_KEY_PATTERN)]],
      field: this.fb.control<CustomerLinkField>(field),
    });
  }
}
