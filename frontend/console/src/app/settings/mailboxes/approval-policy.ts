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
import { rxResource, takeUntilDestroyed } from '@angular/core/rxjs-interop';
import { catchError, finalize, map, of, type Observable } from 'rxjs';
import { FormArray, NonNullableFormBuilder, ReactiveFormsModule, type FormControl } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatButtonToggleModule } from '@angular/material/button-toggle';
import { MatCheckboxModule } from '@angular/material/checkbox';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatIconModule } from '@angular/material/icon';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { MatSelectModule } from '@angular/material/select';

import { readApiError } from '../../api/api-error';
import {
  APPROVAL_MODES,
  ApprovalsApi,
  MAX_APPROVAL_STEPS,
  type ApprovalMode,
  type ApprovalPolicy,
} from '../../api/approvals-api';
import { GroupsApi } from '../../api/groups-api';
import type { FieldCode } from '../../api/api-error';
import { clearServerErrors, saveErrorMessage } from '../../core/form-errors';
import { Notifier } from '../../core/notifier';
import { I18n, type Message } from '../../i18n/i18n';
import type { MessageKey } from '../../i18n/ja';
import { TranslatePipe } from '../../i18n/translate-pipe';

const MODE_LABELS: Record<ApprovalMode, MessageKey> = {
  off: 'approvals.policy.mode.off',
  all: 'approvals.policy.mode.all',
  groups: 'approvals.policy.mode.groups',
};

/** 承認設定: whether a mailbox's replies need approval, whose, and by whom in which steps. */
@Component({
  selector: 'mg-approval-policy',
  imports: [
    ReactiveFormsModule,
    MatButtonModule,
    MatButtonToggleModule,
    MatCheckboxModule,
    MatFormFieldModule,
    MatIconModule,
    MatProgressBarModule,
    MatSelectModule,
    TranslatePipe,
  ],
  templateUrl: './approval-policy.html',
  styleUrl: './approval-policy.scss',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class ApprovalPolicyPanel {
  private readonly approvalsApi = inject(ApprovalsApi);
  private readonly groupsApi = inject(GroupsApi);
  private readonly notifier = inject(Notifier);
  private readonly fb = inject(NonNullableFormBuilder);
  protected readonly i18n = inject(I18n);

  readonly mailboxId = input.required<number>();

  protected readonly modes = APPROVAL_MODES;
  protected readonly modeLabels = MODE_LABELS;
  protected readonly maxSteps = MAX_APPROVAL_STEPS;

  protected readonly policy = rxResource({
    params: () => this.mailboxId(),
    stream: ({ params: id }) => this.approvalsApi.policy(id),
  });
  protected readonly groups = rxResource({ stream: () => this.groupsApi.list(), defaultValue: [] });
  protected readonly loadError = computed(() => {
    const error = this.policy.error() ?? this.groups.error();
    return error ? this.notifier.describe(readApiError(error)) : null;
  });

  protected readonly form = this.fb.group({
    mode: this.fb.control<ApprovalMode>('off'),
    groupIds: this.fb.control<number[]>([]),
    steps: this.fb.array([this.stepControl([])]),
    notifyByMail: [false],
  });
  protected readonly mode = signal<ApprovalMode>('off');
  protected readonly saving = signal(false);
  protected readonly formError = signal<Message | null>(null);

  constructor() {
    effect(() => {
      if (this.policy.hasValue()) {
        const policy = this.policy.value();
        untracked(() => this.fill(policy));
      }
    });
    this.form.controls.mode.valueChanges.pipe(takeUntilDestroyed()).subscribe((mode) => this.mode.set(mode));
  }

  protected get steps(): FormArray<FormControl<number[]>> {
    return this.form.controls.steps;
  }

  protected addStep(): void {
    if (this.steps.length < MAX_APPROVAL_STEPS) {
      this.steps.push(this.stepControl([]));
      this.form.markAsDirty();
    }
  }

  protected removeStep(index: number): void {
    if (this.steps.length > 1) {
      this.steps.removeAt(index);
      this.form.markAsDirty();
    }
  }

  /** Server messages for a field, e.g. `steps.1.approverGroupIds`; the form shows them under it. */
  protected serverError(path: string): string | null {
    const error = this.form.get(path)?.errors?.['server'];
    return typeof error === 'string' ? error : null;
  }

  /** Enter in the panel: saves the policy alone. */
  protected save(): void {
    this.saveChanges().subscribe((ok) => {
      if (ok) this.notifier.success('approvals.policy.saved');
    });
  }

  /**
   * Saved by the mailbox page's one 保存 button (after the mailbox itself). Answers false when
   * the server refused it; its messages then show under the fields, and nothing was saved.
   */
  saveChanges(): Observable<boolean> {
    this.formError.set(null);
    clearServerErrors(this.form);
    const value = this.form.getRawValue();
    const policy: ApprovalPolicy = {
      mode: value.mode,
      groupIds: value.mode === 'groups' ? value.groupIds : [],
      steps: value.mode === 'off' ? [] : value.steps.map((approverGroupIds) => ({ approverGroupIds })),
      notifyByMail: value.notifyByMail,
    };
    this.saving.set(true);
    return this.approvalsApi.savePolicy(this.mailboxId(), policy).pipe(
      map((saved) => {
        this.fill(saved);
        return true;
      }),
      catchError((error: unknown) => {
        this.formError.set(saveErrorMessage(this.form, error, this.i18n, withStepPaths));
        return of(false);
      }),
      finalize(() => this.saving.set(false)),
    );
  }

  private fill(policy: ApprovalPolicy): void {
    const steps = policy.steps.length > 0 ? policy.steps : [{ approverGroupIds: [] }];
    this.steps.clear({ emitEvent: false });
    for (const step of steps.slice(0, MAX_APPROVAL_STEPS)) {
      this.steps.push(this.stepControl(step.approverGroupIds), { emitEvent: false });
    }
    this.form.reset({
      mode: policy.mode,
      groupIds: policy.groupIds,
      steps: steps.map((s) => s.approverGroupIds),
      notifyByMail: policy.notifyByMail,
    });
    this.mode.set(policy.mode);
  }

  private stepControl(groupIds: number[]): FormControl<number[]> {
    return this.fb.control<number[]>(groupIds);
  }
}

/**
 * The server names a step's field `steps.0.approverGroupIds`; here a step is a single control
 * (`steps.0`), so the message goes there.
 */
function withStepPaths<T extends { fields: Readonly<Record<string, readonly FieldCode[]>> }>(error: T): T {
  const fields: Record<string, readonly FieldCode[]> = {};
  for (const [name, messages] of Object.entries(error.fields)) {
    const key = name.replace(/^steps\.(\d+)\.approverGroupIds$/, 'steps.$1');
    fields[key] = [...(fields[key] ?? []), ...messages];
  }
  return { ...error, fields };
}
