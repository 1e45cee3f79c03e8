import { ChangeDetectionStrategy, Component, computed, inject, signal } from '@angular/core';
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
import { MatCheckboxModule } from '@angular/material/checkbox';
import { MAT_DIALOG_DATA, MatDialogModule, MatDialogRef } from '@angular/material/dialog';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatIconModule } from '@angular/material/icon';
import { MatInputModule } from '@angular/material/input';
import { MatSelectModule } from '@angular/material/select';
import { rxResource } from '@angular/core/rxjs-interop';

import {
  AutomationApi,
  FORM_FIELD_PREFIX,
  RULE_ACTION_TYPES,
  RULE_FIELDS,
  RULE_OPS,
  type Folder,
  type RoutingRule,
  type RuleAction,
  type RuleActionType,
  type RuleCondition,
  type RuleInput,
  type RuleOp,
} from '../../api/automation-api';
import type { Group } from '../../api/groups-api';
import { LabelsApi } from '../../api/labels-api';
import type { User } from '../../api/users-api';
import { clearServerErrors, saveErrorMessage, validationMessage } from '../../core/form-errors';
import { UnsavedChanges } from '../../core/unsaved-changes';
import { folderTree } from '../../inbox/folders';
import { I18n, type Message } from '../../i18n/i18n';
import { TranslatePipe } from '../../i18n/translate-pipe';
import { ACTION_LABELS, FIELD_LABELS, FORM_KEY_PATTERN, OP_LABELS, type FieldChoice } from './rule-labels';

export interface RuleEditorData {
  mailboxId: number;
  /** The rule to change; absent for a new one (added last). */
  rule?: RoutingRule;
  folders: readonly Folder[];
  users: readonly User[];
  groups: readonly Group[];
}

type ConditionForm = FormGroup<{
  field: FormControl<FieldChoice>;
  formKey: FormControl<string>;
  op: FormControl<RuleOp>;
  value: FormControl<string>;
}>;

type ActionForm = FormGroup<{
  type: FormControl<RuleActionType>;
  folderId: FormControl<number | null>;
  labelId: FormControl<number | null>;
  /** `user:<id>` or `group:<id>` */
  assignee: FormControl<string>;
}>;

const MAX_CONDITIONS = 20;
const MAX_ACTIONS = 10;

/**
 * One routing rule: its name, whether all or any conditions must hold, the condition rows
 * (a message field or a form field, an operator, a value) and the action rows. The server checks
 * each row (a bad regular expression, a folder of another mailbox) and its message shows on that row.
 */
@Component({
  selector: 'mg-rule-editor',
  imports: [
    ReactiveFormsModule,
    MatButtonModule,
    MatButtonToggleModule,
    MatCheckboxModule,
    MatDialogModule,
    MatFormFieldModule,
    MatIconModule,
    MatInputModule,
    MatSelectModule,
    TranslatePipe,
  ],
  templateUrl: './rule-editor.html',
  styleUrl: './rule-editor.scss',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class RuleEditor {
  private readonly api = inject(AutomationApi);
  private readonly labelsApi = inject(LabelsApi);
  private readonly dialogRef = inject<MatDialogRef<RuleEditor, RoutingRule>>(MatDialogRef);
  private readonly fb = inject(NonNullableFormBuilder);
  protected readonly i18n = inject(I18n);
  protected readonly data = inject<RuleEditorData>(MAT_DIALOG_DATA);

  protected readonly fields: readonly FieldChoice[] = [...RULE_FIELDS, 'form'];
  protected readonly fieldLabels = FIELD_LABELS;
  protected readonly ops = RULE_OPS;
  protected readonly opLabels = OP_LABELS;
  protected readonly actionTypes = RULE_ACTION_TYPES;
  protected readonly actionLabels = ACTION_LABELS;
  protected readonly maxConditions = MAX_CONDITIONS;
  protected readonly maxActions = MAX_ACTIONS;
  protected readonly folderNodes = computed(() => folderTree(this.data.folders));
  /** The mailbox's label catalogue, read when the editor opens (labels are added under ラベル). */
  protected readonly labels = rxResource({
    stream: () => this.labelsApi.list(this.data.mailboxId),
    defaultValue: [],
  });

  protected readonly form = this.fb.group({
    name: [this.data.rule?.name ?? '', [Validators.required, Validators.maxLength(100)]],
    match: this.fb.control<'all' | 'any'>(this.data.rule?.match ?? 'all'),
    active: [this.data.rule?.active ?? true],
    conditions: this.fb.array<ConditionForm>(
      (this.data.rule?.conditions ?? [{ field: 'subject', op: 'contains', value: '' }]).map((c) =>
        this.conditionForm(c),
      ),
    ),
    actions: this.fb.array<ActionForm>(
      (this.data.rule?.actions ?? [{ type: 'moveToFolder', folderId: 0 }]).map((a) => this.actionForm(a)),
    ),
  });
  protected readonly saving = signal(false);

  constructor() {
    // A filled-in rule is not lost to a stray Esc or a click beside the dialog.
    inject(UnsavedChanges).guardDialog(this.dialogRef, () => this.form.dirty && !this.saving());
  }
  protected readonly formError = signal<Message | null>(null);

  protected get conditions(): FormArray<ConditionForm> {
    return this.form.controls.conditions;
  }

  protected get actions(): FormArray<ActionForm> {
    return this.form.controls.actions;
  }

  protected addCondition(): void {
    if (this.conditions.length < MAX_CONDITIONS) {
      this.conditions.push(this.conditionForm({ field: 'subject', op: 'contains', value: '' }));
    }
  }

  protected removeCondition(index: number): void {
    this.conditions.removeAt(index);
  }

  protected addAction(): void {
    if (this.actions.length < MAX_ACTIONS) {
      this.actions.push(this.actionForm({ type: 'addLabel', labelId: 0 }));
    }
  }

  protected removeAction(index: number): void {
    this.actions.removeAt(index);
  }

  protected errorText(control: FormControl<unknown>): string {
    return validationMessage(control, this.i18n, 'automation.formKeyPattern');
  }

  /** A message the server gave a whole row (`conditions.2`, `actions.0`) or the list (`actions`). */
  protected serverError(path: string): string | null {
    const error = this.form.get(path)?.errors?.['server'];
    return typeof error === 'string' ? error : null;
  }

  protected save(): void {
    this.formError.set(null);
    clearServerErrors(this.form);
    if (this.form.invalid) {
      this.form.markAllAsTouched();
      return;
    }
    const value = this.form.getRawValue();
    const input: RuleInput = {
      name: value.name.trim(),
      match: value.match,
      active: value.active,
      conditions: value.conditions.map((c) => ({
        field: c.field === 'form' ? FORM_FIELD_PREFIX + c.formKey.trim() : c.field,
        op: c.op,
        value: c.value,
      })),
      actions: value.actions.map((a) => toAction(a)),
    };
    const { mailboxId, rule } = this.data;
    this.saving.set(true);
    (rule ? this.api.updateRule(mailboxId, rule.id, input) : this.api.createRule(mailboxId, input)).subscribe(
      {
        next: (saved) => this.dialogRef.close(saved),
        error: (error: unknown) => {
          this.saving.set(false);
          this.formError.set(saveErrorMessage(this.form, error, this.i18n));
        },
      },
    );
  }

  private conditionForm(condition: RuleCondition): ConditionForm {
    const isForm = condition.field.startsWith(FORM_FIELD_PREFIX);
    const known = (RULE_FIELDS as readonly string[]).includes(condition.field);
    const group: ConditionForm = this.fb.group({
      field: this.fb.control<FieldChoice>(
        isForm ? 'form' : known ? (condition.field as FieldChoice) : 'subject',
      ),
      formKey: [
        isForm ? condition.field.slice(FORM_FIELD_PREFIX.length) : '',
        Validators.pattern(FORM_KEY_PATTERN),
      ],
      op: this.fb.control<RuleOp>(condition.op),
      value: [condition.value, Validators.maxLength(1000)],
    });
    // The key is required only for a form field.
    const syncKey = (field: FieldChoice) => {
      const key = group.controls.formKey;
      key.setValidators(
        field === 'form' ? [Validators.required, Validators.pattern(FORM_KEY_PATTERN)] : null,
      );
      key.updateValueAndValidity({ emitEvent: false });
    };
    syncKey(group.controls.field.value);
    group.controls.field.valueChanges.subscribe(syncKey);
    return group;
  }

  private actionForm(action: RuleAction | { type: 'moveToFolder'; folderId: 0 }): ActionForm {
    return this.fb.group({
      type: this.fb.control<RuleActionType>(action.type),
      folderId: this.fb.control<number | null>(
        action.type === 'moveToFolder' && action.folderId > 0 ? action.folderId : null,
      ),
      labelId: this.fb.control<number | null>(action.type === 'addLabel' && action.labelId > 0 ? action.labelId : null),
      assignee: [
        action.type === 'assign'
          ? action.userId
            ? `user:${action.userId}`
            : action.groupId
              ? `group:${action.groupId}`
              : ''
          : '',
      ],
    });
  }
}

/** Only the keys the action type takes: the server refuses any other. */
function toAction(a: {
  type: RuleActionType;
  folderId: number | null;
  labelId: number | null;
  assignee: string;
}): RuleAction {
  switch (a.type) {
    case 'moveToFolder':
      // Without a folder the server refuses the row and says so under it.
      return a.folderId === null
        ? ({ type: 'moveToFolder' } as RuleAction)
        : { type: 'moveToFolder', folderId: a.folderId };
    case 'addLabel':
      // Without a label the server refuses the row and says so under it.
      return a.labelId === null ? ({ type: 'addLabel' } as RuleAction) : { type: 'addLabel', labelId: a.labelId };
    case 'assign': {
      const [kind, id] = a.assignee.split(':');
      return kind === 'group'
        ? { type: 'assign', groupId: Number(id) }
        : { type: 'assign', userId: Number(id) || undefined };
    }
    case 'markSpam':
      return { type: 'markSpam' };
    case 'stop':
      return { type: 'stop' };
  }
}
