import { ChangeDetectionStrategy, Component, computed, inject } from '@angular/core';
import { rxResource } from '@angular/core/rxjs-interop';
import { MatButtonModule } from '@angular/material/button';
import { MatChipsModule } from '@angular/material/chips';
import { MatDialog } from '@angular/material/dialog';
import { MatIconModule } from '@angular/material/icon';

import { readApiError } from '../../api/api-error';
import { GroupsApi } from '../../api/groups-api';
import { UsersApi, type User } from '../../api/users-api';
import { Notifier } from '../../core/notifier';
import { TranslatePipe } from '../../i18n/translate-pipe';
import { SettingsCell, SettingsTable, type SettingsColumn } from '../../shared/settings-table';
import { UserDialog, type UserDialogData } from './user-dialog';

@Component({
  selector: 'mg-user-list',
  imports: [MatButtonModule, MatChipsModule, MatIconModule, SettingsCell, SettingsTable, TranslatePipe],
  templateUrl: './user-list.html',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class UserList {
  private readonly usersApi = inject(UsersApi);
  private readonly groupsApi = inject(GroupsApi);
  private readonly dialog = inject(MatDialog);
  private readonly notifier = inject(Notifier);

  protected readonly columns: readonly SettingsColumn[] = [
    { key: 'email', header: 'settings.user.email' },
    { key: 'name', header: 'settings.user.name' },
    { key: 'branch', header: 'customer.branch' },
    { key: 'active', header: 'settings.user.status', cellClass: 'nowrap' },
    { key: 'groups', header: 'settings.user.groups' },
  ];
  protected readonly rowAttributes = (user: User) => ({ 'data-user-id': user.id });
  protected readonly users = rxResource({ stream: () => this.usersApi.list() });
  private readonly groups = rxResource({ stream: () => this.groupsApi.list() });

  protected readonly rows = computed(() => (this.users.hasValue() ? this.users.value() : []));
  private readonly groupList = computed(() => (this.groups.hasValue() ? this.groups.value() : []));
  private readonly groupNames = computed(
    () => new Map(this.groupList().map((group) => [group.id, group.name])),
  );
  protected readonly loadError = computed(() => {
    const error = this.users.error() ?? this.groups.error();
    return error ? this.notifier.describe(readApiError(error)) : null;
  });

  protected groupNamesOf(user: User): string[] {
    const names = this.groupNames();
    return user.groupIds.map((id) => names.get(id) ?? `#${id}`);
  }

  protected openUser(user?: User): void {
    this.dialog
      .open<UserDialog, UserDialogData, User>(UserDialog, {
        data: { user, groups: this.groupList() },
        width: '560px',
        autoFocus: 'first-tabbable',
      })
      .afterClosed()
      .subscribe((saved) => {
        if (saved) {
          this.notifier.success('settings.userSaved');
          this.users.reload();
        }
      });
  }
}
