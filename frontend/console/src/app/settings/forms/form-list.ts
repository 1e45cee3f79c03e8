import { ChangeDetectionStrategy, Component, computed, inject, input } from '@angular/core';
import { rxResource } from '@angular/core/rxjs-interop';
import { MatButtonModule } from '@angular/material/button';
import { MatDialog } from '@angular/material/dialog';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatIconModule } from '@angular/material/icon';
import { MatSelectModule } from '@angular/material/select';
import { MatTooltipModule } from '@angular/material/tooltip';
import { ActivatedRoute, Router } from '@angular/router';
import { filter, of, switchMap } from 'rxjs';

import { readApiError } from '../../api/api-error';
import { FormsApi, type InquiryForm } from '../../api/forms-api';
import { MailboxesApi } from '../../api/mailboxes-api';
import { confirmAction } from '../../core/confirm-dialog';
import { Notifier } from '../../core/notifier';
import { DateTimePipe } from '../../i18n/date-time-pipe';
import { TranslatePipe } from '../../i18n/translate-pipe';
import { SettingsCell, SettingsTable, type SettingsColumn } from '../../shared/settings-table';
import { registerFormIcons } from './form-icons';

/** The inquiry forms of one mailbox; a row opens the builder, the link the public page. */
@Component({
  selector: 'mg-form-list',
  imports: [
    MatButtonModule,
    MatFormFieldModule,
    MatIconModule,
    MatSelectModule,
    SettingsCell,
    SettingsTable,
    MatTooltipModule,
    DateTimePipe,
    TranslatePipe,
  ],
  templateUrl: './form-list.html',
  styleUrl: './form-list.scss',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class FormList {
  private readonly api = inject(FormsApi);
  private readonly mailboxesApi = inject(MailboxesApi);
  private readonly router = inject(Router);
  private readonly route = inject(ActivatedRoute);
  private readonly dialog = inject(MatDialog);
  private readonly notifier = inject(Notifier);

  /** Query parameter: the mailbox whose forms are shown (the first one when absent). */
  readonly mailboxId = input<string>();

  protected readonly columns: readonly SettingsColumn[] = [
    { key: 'name', header: 'forms.name' },
    { key: 'url', header: 'forms.url', cellClass: 'nowrap' },
    { key: 'fields', header: 'forms.fieldCount', cellClass: 'nowrap' },
    { key: 'active', header: 'forms.status', cellClass: 'nowrap' },
    { key: 'updatedAt', header: 'common.updatedAt', cellClass: 'nowrap' },
    { key: 'actions', cellClass: 'nowrap actions' },
  ];
  protected readonly rowAttributes = (form: InquiryForm) => ({ 'data-form-id': form.id });

  protected readonly mailboxes = rxResource({ stream: () => this.mailboxesApi.list() });
  protected readonly mailboxList = computed(() => (this.mailboxes.hasValue() ? this.mailboxes.value() : []));
  protected readonly owner = computed<number | null | undefined>(() => {
    const chosen = Number(this.mailboxId());
    if (Number.isInteger(chosen) && chosen > 0) {
      return chosen;
    }
    if (!this.mailboxes.hasValue()) {
      return undefined;
    }
    return this.mailboxList()[0]?.id ?? null;
  });

  protected readonly forms = rxResource({
    params: () => this.owner() ?? undefined,
    stream: ({ params: mailboxId }) => (mailboxId ? this.api.list(mailboxId) : of([])),
  });
  protected readonly rows = computed(() => (this.forms.hasValue() ? this.forms.value() : []));
  protected readonly loadError = computed(() => {
    const error = this.forms.error() ?? this.mailboxes.error();
    return error ? this.notifier.describe(readApiError(error)) : null;
  });

  constructor() {
    registerFormIcons();
  }

  protected ownerValue(): string {
    const owner = this.owner();
    return owner ? String(owner) : '';
  }

  protected chooseOwner(value: string): void {
    void this.router.navigate([], {
      relativeTo: this.route,
      queryParams: { mailboxId: value },
      replaceUrl: true,
    });
  }

  protected newForm(): void {
    const owner = this.owner();
    if (owner) {
      void this.router.navigate([owner, 'new'], { relativeTo: this.route });
    }
  }

  protected openForm(form: InquiryForm): void {
    void this.router.navigate([form.mailboxId, form.id], { relativeTo: this.route });
  }

  protected deleteForm(form: InquiryForm): void {
    confirmAction(this.dialog, {
      title: 'forms.deleteTitle',
      message: 'forms.deleteConfirm',
      params: { name: form.name },
      confirm: 'common.delete',
    })
      .pipe(
        filter(Boolean),
        switchMap(() => this.api.delete(form.mailboxId, form.id)),
      )
      .subscribe({
        next: () => {
          this.notifier.success('forms.deleted');
          this.forms.reload();
        },
        error: (error: unknown) => this.notifier.error(error),
      });
  }
}
