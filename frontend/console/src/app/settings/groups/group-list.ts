import { ChangeDetectionStrategy, Component, computed, inject } from '@angular/core';
import { rxResource } from '@angular/core/rxjs-interop';
import { MatButtonModule } from '@angular/material/button';
import { MatChipsModule } from '@angular/material/chips';
import { MatDialog } from '@angular/material/dialog';
import { MatIconModule } from '@angular/material/icon';
import { filter, switchMap } from 'rxjs';

import { readApiError } from '../../api/api-error';
import { GroupsApi, type Group } from '../../api/groups-api';
import { MailboxesApi } from '../../api/mailboxes-api';
import { confirmAction } from '../../core/confirm-dialog';
import { Notifier } from '../../core/notifier';
import { I18n } from '../../i18n/i18n';
import { TranslatePipe } from '../../i18n/translate-pipe';
import { SettingsCell, SettingsTable, type SettingsColumn } from '../../shared/settings-table';
import { GroupDialog, type GroupDialogData } from './group-dialog';
import { RIGHT_LABELS, isKnownRight } from './right-labels';

@Component({
  selector: 'mg-group-list',
  imports: [MatButtonModule, MatChipsModule, MatIconModule, SettingsCell, SettingsTable, TranslatePipe],
  templateUrl: './group-list.html',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class GroupList {
  private readonly groupsApi = inject(GroupsApi);
  private readonly mailboxesApi = inject(MailboxesApi);
  private readonly dialog = inject(MatDialog);
  private readonly notifier = inject(Notifier);
  private readonly i18n = inject(I18n);

  protected readonly columns: readonly SettingsColumn[] = [
    { key: 'name', header: 'settings.group.name', cellClass: 'nowrap' },
    { key: 'rights', header: 'settings.group.rights' },
    { key: 'mailboxes', header: 'settings.group.mailboxes', cellClass: 'nowrap' },
    { key: 'actions', cellClass: 'nowrap actions' },
  ];
  protected readonly rowAttributes = (group: Group) => ({ 'data-group-id': group.id });
  protected readonly groups = rxResource({ stream: () => this.groupsApi.list() });
  private readonly mailboxes = rxResource({ stream: () => this.mailboxesApi.list() });

  protected readonly rows = computed(() => (this.groups.hasValue() ? this.groups.value() : []));
  private readonly mailboxList = computed(() => (this.mailboxes.hasValue() ? this.mailboxes.value() : []));
  protected readonly loadError = computed(() => {
    const error = this.groups.error() ?? this.mailboxes.error();
    return error ? this.notifier.describe(readApiError(error)) : null;
  });

  protected rightLabels(group: Group): string[] {
    return group.rights.map((right) => (isKnownRight(right) ? this.i18n.t(RIGHT_LABELS[right]) : right));
  }

  /** Mailboxes where the group holds at least one right. */
  protected mailboxCount(group: Group): number {
    return group.mailboxRights.filter((r) => r.view || r.reply || r.approve || r.manage).length;
  }

  protected openGroup(group?: Group): void {
    this.dialog
      .open<GroupDialog, GroupDialogData, Group>(GroupDialog, {
        data: { group, mailboxes: this.mailboxList() },
        width: '760px',
        maxWidth: '95vw',
        autoFocus: 'first-tabbable',
      })
      .afterClosed()
      .subscribe((saved) => {
        if (saved) {
          this.notifier.success('settings.groupSaved');
          this.groups.reload();
        }
      });
  }

  protected deleteGroup(group: Group): void {
    confirmAction(this.dialog, {
      title: 'settings.deleteGroupTitle',
      message: 'settings.deleteGroupConfirm',
      params: { name: group.name },
      confirm: 'common.delete',
    })
      .pipe(
        filter(Boolean),
        switchMap(() => this.groupsApi.delete(group.id)),
      )
      .subscribe({
        next: () => {
          this.notifier.success('settings.groupDeleted');
          this.groups.reload();
        },
        error: (error: unknown) => this.notifier.error(error),
      });
  }
}
