import { ChangeDetectionStrategy, Component, computed, inject, input } from '@angular/core';
import { rxResource } from '@angular/core/rxjs-interop';
import { MatButtonModule } from '@angular/material/button';
import { MatButtonToggleModule } from '@angular/material/button-toggle';
import { MatDialog } from '@angular/material/dialog';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatIconModule } from '@angular/material/icon';
import { MatSelectModule } from '@angular/material/select';
import { ActivatedRoute, Router } from '@angular/router';
import { filter, switchMap } from 'rxjs';

import { readApiError } from '../../api/api-error';
import { MailboxesApi } from '../../api/mailboxes-api';
import { TEMPLATE_KINDS, TemplatesApi, type Template, type TemplateKind } from '../../api/templates-api';
import { confirmAction } from '../../core/confirm-dialog';
import { Notifier } from '../../core/notifier';
import { DateTimePipe } from '../../i18n/date-time-pipe';
import type { MessageKey } from '../../i18n/ja';
import { TranslatePipe } from '../../i18n/translate-pipe';
import { SettingsCell, SettingsTable, type SettingsColumn } from '../../shared/settings-table';
import { KIND_LABELS, SHARED, ownerParam, parseOwner } from './template-labels';

/** A mailbox's templates with the shared ones (or the shared ones alone); a row opens the editor. */
@Component({
  selector: 'mg-template-list',
  imports: [
    MatButtonModule,
    MatButtonToggleModule,
    MatFormFieldModule,
    MatIconModule,
    MatSelectModule,
    SettingsCell,
    SettingsTable,
    DateTimePipe,
    TranslatePipe,
  ],
  templateUrl: './template-list.html',
  styleUrl: './template-list.scss',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class TemplateList {
  private readonly api = inject(TemplatesApi);
  private readonly mailboxesApi = inject(MailboxesApi);
  private readonly router = inject(Router);
  private readonly route = inject(ActivatedRoute);
  private readonly dialog = inject(MatDialog);
  private readonly notifier = inject(Notifier);

  /** Query parameters: a mailbox id or `shared`, and a kind. */
  readonly mailboxId = input<string>();
  readonly kind = input<string>();

  protected readonly shared = SHARED;
  protected readonly kinds = TEMPLATE_KINDS;
  protected readonly kindLabels = KIND_LABELS;
  protected readonly columns: readonly SettingsColumn[] = [
    { key: 'name', header: 'templates.name' },
    { key: 'kind', header: 'templates.kind', cellClass: 'nowrap' },
    { key: 'owner', header: 'templates.owner', cellClass: 'nowrap' },
    { key: 'updatedAt', header: 'common.updatedAt', cellClass: 'nowrap' },
    { key: 'actions', cellClass: 'nowrap actions' },
  ];
  protected readonly rowAttributes = (template: Template) => ({ 'data-template-id': template.id });

  protected readonly mailboxes = rxResource({ stream: () => this.mailboxesApi.list() });
  private readonly mailboxList = computed(() => (this.mailboxes.hasValue() ? this.mailboxes.value() : []));

  /** The chosen mailbox; without a choice the first one, or the shared templates when there is none. */
  protected readonly owner = computed<number | null | undefined>(() => {
    const chosen = parseOwner(this.mailboxId());
    if (chosen !== undefined) {
      return chosen;
    }
    if (!this.mailboxes.hasValue()) {
      return undefined;
    }
    return this.mailboxList()[0]?.id ?? null;
  });
  protected readonly kindFilter = computed<TemplateKind | ''>(() => {
    const kind = this.kind();
    return (TEMPLATE_KINDS as readonly string[]).includes(kind ?? '') ? (kind as TemplateKind) : '';
  });

  protected readonly templates = rxResource({
    params: () => {
      const owner = this.owner();
      return owner === undefined ? undefined : { owner, kind: this.kindFilter() || undefined };
    },
    stream: ({ params }) => this.api.list(params.owner, params.kind),
  });
  protected readonly rows = computed(() => (this.templates.hasValue() ? this.templates.value() : []));
  protected readonly loadError = computed(() => {
    const error = this.templates.error() ?? this.mailboxes.error();
    return error ? this.notifier.describe(readApiError(error)) : null;
  });

  protected ownerValue(): string {
    const owner = this.owner();
    return owner === undefined ? '' : ownerParam(owner);
  }

  protected kindLabel(template: Template): MessageKey {
    return KIND_LABELS[template.kind];
  }

  protected mailboxName(mailboxId: number | null): string {
    return this.mailboxList().find((m) => m.id === mailboxId)?.name ?? `#${mailboxId}`;
  }

  protected chooseOwner(value: string): void {
    this.navigate({ mailboxId: value });
  }

  protected chooseKind(value: string): void {
    this.navigate({ kind: value || null });
  }

  protected newTemplate(): void {
    const owner = this.owner();
    void this.router.navigate(['new'], {
      relativeTo: this.route,
      queryParams: { mailboxId: owner === undefined ? null : ownerParam(owner) },
    });
  }

  protected openTemplate(template: Template): void {
    const owner = this.owner();
    void this.router.navigate([template.id], {
      relativeTo: this.route,
      queryParams: { mailboxId: owner === undefined ? null : ownerParam(owner) },
    });
  }

  protected deleteTemplate(template: Template): void {
    confirmAction(this.dialog, {
      title: 'templates.deleteTitle',
      message: 'templates.deleteConfirm',
      params: { name: template.name },
      confirm: 'common.delete',
    })
      .pipe(
        filter(Boolean),
        switchMap(() => this.api.delete(template.id)),
      )
      .subscribe({
        next: () => {
          this.notifier.success('templates.deleted');
          this.templates.reload();
        },
        error: (error: unknown) => this.notifier.error(error),
      });
  }

  private navigate(queryParams: Record<string, string | null>): void {
    void this.router.navigate([], {
      relativeTo: this.route,
      queryParams,
      queryParamsHandling: 'merge',
      replaceUrl: true,
    });
  }
}
