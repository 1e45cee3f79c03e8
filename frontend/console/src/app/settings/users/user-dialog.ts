import { ChangeDetectionStrategy, Component, inject, signal } from '@angular/core';
import { NonNullableFormBuilder, ReactiveFormsModule, Validators } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatCheckboxModule } from '@angular/material/checkbox';
import { MAT_DIALOG_DATA, MatDialogModule, MatDialogRef } from '@angular/material/dialog';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { MatSelectModule } from '@angular/material/select';

import type { Group } from '../../api/groups-api';
import { UsersApi, type User, type UserInput } from '../../api/users-api';
import { clearServerErrors, saveErrorMessage, validationMessage } from '../../core/form-errors';
import { I18n, type Message } from '../../i18n/i18n';
import { TranslatePipe } from '../../i18n/translate-pipe';

export interface UserDialogData {
  /** Absent when creating a user. */
  user?: User;
  groups: Group[];
}

/** Creates or edits a staff user; closes with the saved user. */
@Component({
  selector: 'mg-user-dialog',
  imports: [
    ReactiveFormsModule,
    MatButtonModule,
    MatCheckboxModule,
    MatDialogModule,
    MatFormFieldModule,
    MatInputModule,
    MatSelectModule,
    TranslatePipe,
  ],
  templateUrl: './user-dialog.html',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class UserDialog {
  private readonly usersApi = inject(UsersApi);
  private readonly dialogRef = inject<MatDialogRef<UserDialog, User>>(MatDialogRef);
  protected readonly i18n = inject(I18n);
  protected readonly data = inject<UserDialogData>(MAT_DIALOG_DATA);
  protected readonly isNew = this.data.user === undefined;

  protected readonly form = inject(NonNullableFormBuilder).group({
    email: [this.data.user?.email ?? '', [Validators.required, Validators.email, Validators.maxLength(254)]],
    name: [this.data.user?.name ?? '', [Validators.required, Validators.maxLength(100)]],
    // Required only for a new user; leaving it empty on edit keeps the current password.
    password: [
      '',
      this.isNew
        ? [Validators.required, Validators.minLength(8), Validators.maxLength(200)]
        : [Validators.minLength(8), Validators.maxLength(200)],
    ],
    branch: [this.data.user?.branch ?? '', Validators.maxLength(100)],
    active: [this.data.user?.active ?? true],
    groupIds: [this.data.user?.groupIds ?? ([] as number[])],
  });
  protected readonly saving = signal(false);
  protected readonly formError = signal<Message | null>(null);

  protected errorText(field: 'email' | 'name' | 'password' | 'branch' | 'groupIds'): string {
    return validationMessage(this.form.controls[field], this.i18n);
  }

  protected save(): void {
    this.formError.set(null);
    clearServerErrors(this.form);
    if (this.form.invalid) {
      this.form.markAllAsTouched();
      return;
    }
    const value = this.form.getRawValue();
    const input: UserInput = {
      email: value.email.trim(),
      name: value.name.trim(),
      branch: value.branch.trim() || null,
      active: value.active,
      groupIds: value.groupIds,
    };
    if (value.password) {
      input.password = value.password;
    }
    const user = this.data.user;
    this.saving.set(true);
    (user ? this.usersApi.update(user.id, input) : this.usersApi.create(input)).subscribe({
      next: (saved) => this.dialogRef.close(saved),
      error: (error: unknown) => {
        this.saving.set(false);
        this.formError.set(saveErrorMessage(this.form, error, this.i18n));
      },
    });
  }
}
