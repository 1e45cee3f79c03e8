import { ChangeDetectionStrategy, Component, inject, signal } from '@angular/core';
import { NonNullableFormBuilder, ReactiveFormsModule, Validators } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatCheckboxModule } from '@angular/material/checkbox';
import { MAT_DIALOG_DATA, MatDialogModule, MatDialogRef } from '@angular/material/dialog';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { MatTableModule } from '@angular/material/table';

import { GroupsApi, RIGHTS, type Group, type GroupInput } from '../../api/groups-api';
import type { Mailbox } from '../../api/mailboxes-api';
import { clearServerErrors, saveErrorMessage, validationMessage } from '../../core/form-errors';
import { I18n, type Message } from '../../i18n/i18n';
import { TranslatePipe } from '../../i18n/translate-pipe';
import { MAILBOX_RIGHTS, MAILBOX_RIGHT_LABELS, RIGHT_LABELS, type MailboxRight } from './right-labels';

export interface GroupDialogData {
  /** Absent when creating a group. */
  group?: Group;
  mailboxes: Mailbox[];
}

function buildForm(fb: NonNullableFormBuilder, { group, mailboxes }: GroupDialogData) {
  const granted = new Map(group?.mailboxRights.map((rights) => [rights.mailboxId, rights]));
  return fb.group({
    name: [group?.name ?? '', [Validators.required, Validators.maxLength(100)]],
    rights: fb.control<string[]>(group?.rights ?? []),
    // One row per mailbox, in the order the server lists them.
    mailboxRights: fb.array(
      mailboxes.map((mailbox) => {
        const rights = granted.get(mailbox.id);
        return fb.group({
          mailboxId: [mailbox.id],
          view: [rights?.view ?? false],
          reply: [rights?.reply ?? false],
          approve: [rights?.approve ?? false],
          manage: [rights?.manage ?? false],
        });
      }),
    ),
  });
}

type MailboxRightsGroup = ReturnType<typeof buildForm>['controls']['mailboxRights']['controls'][number];

/** Creates or edits a permission group: global rights and a rights grid per mailbox. */
@Component({
  selector: 'mg-group-dialog',
  imports: [
    ReactiveFormsModule,
    MatButtonModule,
    MatCheckboxModule,
    MatDialogModule,
    MatFormFieldModule,
    MatInputModule,
    MatTableModule,
    TranslatePipe,
  ],
  templateUrl: './group-dialog.html',
  styleUrl: './group-dialog.scss',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class GroupDialog {
  private readonly groupsApi = inject(GroupsApi);
  private readonly dialogRef = inject<MatDialogRef<GroupDialog, Group>>(MatDialogRef);
  protected readonly i18n = inject(I18n);
  protected readonly data = inject<GroupDialogData>(MAT_DIALOG_DATA);
  protected readonly isNew = this.data.group === undefined;

  protected readonly rights = RIGHTS;
  protected readonly rightLabels = RIGHT_LABELS;
  protected readonly mailboxRights = MAILBOX_RIGHTS;
  protected readonly mailboxRightLabels = MAILBOX_RIGHT_LABELS;
  protected readonly mailboxColumns = ['mailbox', ...MAILBOX_RIGHTS];

  protected readonly form = buildForm(inject(NonNullableFormBuilder), this.data);
  protected readonly mailboxRows = this.data.mailboxes.map((mailbox, index) => ({
    mailbox,
    rights: this.form.controls.mailboxRights.at(index),
  }));
  protected readonly saving = signal(false);
  protected readonly formError = signal<Message | null>(null);

  protected errorText(field: 'name' | 'rights'): string {
    return validationMessage(this.form.controls[field], this.i18n);
  }

  protected hasRight(right: string): boolean {
    return this.form.controls.rights.value.includes(right);
  }

  protected toggleRight(right: string, checked: boolean): void {
    const rights = this.form.controls.rights.value.filter((r) => r !== right);
    this.form.controls.rights.setValue(checked ? [...rights, right] : rights);
    this.form.controls.rights.markAsDirty();
  }

  /** Replying, approving and managing a mailbox all need seeing it, so they come with `view`. */
  protected mailboxRightChanged(rights: MailboxRightsGroup, right: MailboxRight, checked: boolean): void {
    if (right === 'view' && !checked) {
      rights.patchValue({ reply: false, approve: false, manage: false });
    } else if (right !== 'view' && checked) {
      rights.patchValue({ view: true });
    }
  }

  protected save(): void {
    this.formError.set(null);
    clearServerErrors(this.form);
    if (this.form.invalid) {
      this.form.markAllAsTouched();
      return;
    }
    const value = this.form.getRawValue();
    const input: GroupInput = {
      name: value.name.trim(),
      rights: value.rights,
      mailboxRights: value.mailboxRights.filter((r) => r.view || r.reply || r.approve || r.manage),
    };
    const group = this.data.group;
    this.saving.set(true);
    (group ? this.groupsApi.update(group.id, input) : this.groupsApi.create(input)).subscribe({
      next: (saved) => this.dialogRef.close(saved),
      error: (error: unknown) => {
        this.saving.set(false);
        this.formError.set(saveErrorMessage(this.form, error, this.i18n));
      },
    });
  }
}
