import { ChangeDetectionStrategy, Component, computed, inject, input, signal } from '@angular/core';
import { rxResource } from '@angular/core/rxjs-interop';
import { FormControl, ReactiveFormsModule } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatDialog } from '@angular/material/dialog';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatIconModule } from '@angular/material/icon';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { MatSelectModule } from '@angular/material/select';
import { MatSlideToggleModule } from '@angular/material/slide-toggle';
import { MatTooltipModule } from '@angular/material/tooltip';
import { catchError, filter, of, switchMap } from 'rxjs';

import { readApiError } from '../../api/api-error';
import {
  AutomationApi,
  FORM_FIELD_PREFIX,
  type Folder,
  type ReapplyResult,
  type RoutingRule,
  type RuleAction,
  type RuleCondition,
} from '../../api/automation-api';
import { GroupsApi } from '../../api/groups-api';
import { LabelsApi } from '../../api/labels-api';
import { UsersApi } from '../../api/users-api';
import { confirmAction } from '../../core/confirm-dialog';
import { Notifier } from '../../core/notifier';
import { folderTree, registerFolderIcons } from '../../inbox/folders';
import { I18n } from '../../i18n/i18n';
import { TranslatePipe } from '../../i18n/translate-pipe';
import { RuleEditor, type RuleEditorData } from './rule-editor';
import { FIELD_LABELS, OP_LABELS, type FieldChoice } from './rule-labels';

/**
 * 振り分け設定: the mailbox's routing rules in the order they apply, each with its conditions and
 * actions at a glance; reorder, switch on and off, edit, delete, and re-apply them to a folder.
 */
@Component({
  selector: 'mg-rule-list',
  imports: [
    ReactiveFormsModule,
    MatButtonModule,
    MatFormFieldModule,
    MatIconModule,
    MatProgressBarModule,
    MatSelectModule,
    MatSlideToggleModule,
    MatTooltipModule,
    TranslatePipe,
  ],
  templateUrl: './rule-list.html',
  styleUrl: './rule-list.scss',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class RuleList {
  private readonly api = inject(AutomationApi);
  private readonly usersApi = inject(UsersApi);
  private readonly groupsApi = inject(GroupsApi);
  private readonly labelsApi = inject(LabelsApi);
  private readonly dialog = inject(MatDialog);
  private readonly notifier = inject(Notifier);
  private readonly i18n = inject(I18n);

  readonly mailboxId = input.required<number>();
  readonly folders = input.required<readonly Folder[]>();

  protected readonly rules = rxResource({
    params: () => this.mailboxId(),
    stream: ({ params: id }) => this.api.rules(id),
  });
  protected readonly rows = computed(() => (this.rules.hasValue() ? this.rules.value() : []));
  // Names for the assign action; a list that fails to load leaves the ids showing.
  private readonly users = rxResource({
    stream: () => this.usersApi.list().pipe(catchError(() => of([]))),
    defaultValue: [],
  });
  private readonly groups = rxResource({
    stream: () => this.groupsApi.list().pipe(catchError(() => of([]))),
    defaultValue: [],
  });
  /** The mailbox's label catalogue, for the addLabel action (names here, the picker in the editor). */
  private readonly labels = rxResource({
    params: () => this.mailboxId(),
    stream: ({ params: id }) => this.labelsApi.list(id).pipe(catchError(() => of([]))),
    defaultValue: [],
  });
  protected readonly loadError = computed(() => {
    const error = this.rules.error();
    return error ? this.notifier.describe(readApiError(error)) : null;
  });
  protected readonly folderNodes = computed(() => folderTree(this.folders()));
  /** The rule being changed (reorder, toggle, delete), so its buttons wait. */
  protected readonly busyId = signal<number | null>(null);

  protected readonly reapplyTarget = new FormControl<number | null>(null);
  protected readonly reapplying = signal(false);
  protected readonly reapplyResult = signal<ReapplyResult | null>(null);

  constructor() {
    registerFolderIcons();
  }

  protected conditionText(condition: RuleCondition): string {
    const field = condition.field.startsWith(FORM_FIELD_PREFIX)
      ? condition.field
      : condition.field in FIELD_LABELS
        ? this.i18n.t(FIELD_LABELS[condition.field as FieldChoice])
        : condition.field;
    return this.i18n.t('automation.rules.conditionSummary', {
      field,
      op: condition.op in OP_LABELS ? this.i18n.t(OP_LABELS[condition.op]) : condition.op,
      value: condition.value,
    });
  }

  protected actionText(action: RuleAction): string {
    switch (action.type) {
      case 'moveToFolder':
        return this.i18n.t('automation.log.moveToFolder', {
          folder: this.folders().find((f) => f.id === action.folderId)?.name ?? `#${action.folderId}`,
        });
      case 'addLabel':
        return this.i18n.t('automation.log.addLabel', {
          label: this.labels.value().find((l) => l.id === action.labelId)?.name ?? `#${action.labelId}`,
        });
      case 'assign': {
        const name = action.groupId
          ? (this.groups.value().find((g) => g.id === action.groupId)?.name ?? `#${action.groupId}`)
          : (this.users.value().find((u) => u.id === action.userId)?.name ?? `#${action.userId}`);
        return this.i18n.t('automation.rules.assignTo', { name });
      }
      case 'markSpam':
        return this.i18n.t('automation.log.markSpam');
      case 'stop':
        return this.i18n.t('automation.log.stop');
      default:
        return (action as { type: string }).type;
    }
  }

  protected openEditor(rule?: RoutingRule): void {
    this.dialog
      .open<RuleEditor, RuleEditorData, RoutingRule>(RuleEditor, {
        data: {
          mailboxId: this.mailboxId(),
          rule,
          folders: this.folders(),
          users: this.users.value(),
          groups: this.groups.value(),
        },
        width: '920px',
        maxWidth: '95vw',
        autoFocus: 'first-tabbable',
      })
      .afterClosed()
      .subscribe((saved) => {
        if (saved) {
          this.notifier.success('automation.rules.saved', { name: saved.name });
          this.rules.reload();
          this.labels.reload();
        }
      });
  }

  /** One place up (-1) or down (+1); the server renumbers the others. */
  protected move(rule: RoutingRule, by: -1 | 1): void {
    this.change(rule, { position: rule.position + by });
  }

  protected setActive(rule: RoutingRule, active: boolean): void {
    this.change(rule, { active }, active ? 'automation.rules.activated' : 'automation.rules.deactivated');
  }

  protected deleteRule(rule: RoutingRule): void {
    confirmAction(this.dialog, {
      title: 'automation.rules.deleteTitle',
      message: 'automation.rules.deleteConfirm',
      params: { name: rule.name },
      confirm: 'common.delete',
    })
      .pipe(
        filter(Boolean),
        switchMap(() => {
          this.busyId.set(rule.id);
          return this.api.deleteRule(this.mailboxId(), rule.id);
        }),
      )
      .subscribe({
        next: () => {
          this.busyId.set(null);
          this.notifier.success('automation.rules.deleted');
          this.rules.reload();
        },
        error: (error: unknown) => {
          this.busyId.set(null);
          this.notifier.error(error);
        },
      });
  }

  protected reapply(): void {
    this.reapplying.set(true);
    this.reapplyResult.set(null);
    this.api.reapplyRules(this.mailboxId(), this.reapplyTarget.value).subscribe({
      next: (result) => {
        this.reapplying.set(false);
        this.reapplyResult.set(result);
      },
      error: (error: unknown) => {
        this.reapplying.set(false);
        this.notifier.error(error);
      },
    });
  }

  private change(
    rule: RoutingRule,
    patch: { position?: number; active?: boolean },
    done?: 'automation.rules.activated' | 'automation.rules.deactivated',
  ): void {
    this.busyId.set(rule.id);
    this.api.updateRule(this.mailboxId(), rule.id, patch).subscribe({
      next: () => {
        this.busyId.set(null);
        if (done) {
          this.notifier.success(done, { name: rule.name });
        }
        this.rules.reload();
      },
      error: (error: unknown) => {
        this.busyId.set(null);
        this.notifier.error(error);
        this.rules.reload();
      },
    });
  }
}
