import { ChangeDetectionStrategy, Component, computed, inject, signal } from '@angular/core';
import { NonNullableFormBuilder, ReactiveFormsModule, Validators } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MAT_DIALOG_DATA, MatDialogModule, MatDialogRef } from '@angular/material/dialog';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { MatSelectModule } from '@angular/material/select';

import { readApiError } from '../api/api-error';
import { AutomationApi, type Folder } from '../api/automation-api';
import { clearServerErrors, showServerErrors, validationMessage } from '../core/form-errors';
import { Notifier } from '../core/notifier';
import { I18n, type Message } from '../i18n/i18n';
import { TranslatePipe } from '../i18n/translate-pipe';
import { folderAndDescendants, folderTree } from './folders';

export interface FolderDialogData {
  mailboxId: number;
  folders: readonly Folder[];
  /** The folder to rename or move; absent to create one. */
  folder?: Folder;
  /** Where a new folder goes (null or absent: the top level). */
  parentId?: number | null;
}

/** Creates a folder, or renames one and moves it under another; closes with the saved folder. */
@Component({
  selector: 'mg-folder-dialog',
  imports: [
    ReactiveFormsModule,
    MatButtonModule,
    MatDialogModule,
    MatFormFieldModule,
    MatInputModule,
    MatSelectModule,
    TranslatePipe,
  ],
  template: `
    <h2 mat-dialog-title>{{ (data.folder ? 'folders.edit' : 'folders.new') | t }}</h2>
    <form [formGroup]="form" (ngSubmit)="save()" novalidate>
      <mat-dialog-content class="dialog-form">
        <mat-form-field>
          <mat-label>{{ 'folders.name' | t }}</mat-label>
          <input matInput formControlName="name" required maxlength="100" data-testid="folder-name" />
          <mat-error data-testid="folder-name-error">{{ errorText('name') }}</mat-error>
        </mat-form-field>
        <mat-form-field>
          <mat-label>{{ 'folders.parent' | t }}</mat-label>
          <mat-select formControlName="parentId" data-testid="folder-parent">
            <mat-option [value]="null">{{ 'folders.topLevel' | t }}</mat-option>
            @for (node of parents(); track node.folder.id) {
              <mat-option
                [value]="node.folder.id"
                [style.padding-left.px]="16 + node.depth * 16"
                [attr.data-testid]="'folder-parent-' + node.folder.id"
              >
                {{ node.folder.name }}
              </mat-option>
            }
          </mat-select>
          <mat-error>{{ errorText('parentId') }}</mat-error>
        </mat-form-field>
        @if (formError(); as error) {
          <p class="error-text pre-line" role="alert" data-testid="folder-error">{{ i18n.render(error) }}</p>
        }
      </mat-dialog-content>
      <mat-dialog-actions align="end">
        <button mat-button type="button" mat-dialog-close>{{ 'common.cancel' | t }}</button>
        <button mat-flat-button type="submit" [disabled]="saving()" data-testid="folder-save">
          {{ 'common.save' | t }}
        </button>
      </mat-dialog-actions>
    </form>
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class FolderDialog {
  private readonly api = inject(AutomationApi);
  private readonly dialogRef = inject<MatDialogRef<FolderDialog, Folder>>(MatDialogRef);
  private readonly notifier = inject(Notifier);
  protected readonly i18n = inject(I18n);
  protected readonly data = inject<FolderDialogData>(MAT_DIALOG_DATA);

  protected readonly form = inject(NonNullableFormBuilder).group({
    name: [this.data.folder?.name ?? '', [Validators.required, Validators.maxLength(100)]],
    parentId: this.data.folder ? this.data.folder.parentId : (this.data.parentId ?? null),
  });
  /** A folder cannot go under itself or one of its own subfolders. */
  protected readonly parents = computed(() => {
    const excluded = this.data.folder
      ? folderAndDescendants(this.data.folders, this.data.folder.id)
      : new Set<number>();
    return folderTree(this.data.folders).filter((node) => !excluded.has(node.folder.id));
  });
  protected readonly saving = signal(false);
  protected readonly formError = signal<Message | null>(null);

  protected errorText(name: 'name' | 'parentId'): string {
    return validationMessage(this.form.controls[name], this.i18n);
  }

  protected save(): void {
    this.formError.set(null);
    clearServerErrors(this.form);
    if (this.form.invalid) {
      this.form.markAllAsTouched();
      return;
    }
    const { name, parentId } = this.form.getRawValue();
    const input = { name: name.trim(), parentId };
    const { mailboxId, folder } = this.data;
    this.saving.set(true);
    (folder
      ? this.api.updateFolder(mailboxId, folder.id, input)
      : this.api.createFolder(mailboxId, input)
    ).subscribe({
      next: (saved) => this.dialogRef.close(saved),
      error: (error: unknown) => {
        this.saving.set(false);
        const apiError = readApiError(error);
        this.formError.set(
          apiError.status === 400 || apiError.status === 409
            ? showServerErrors(this.form, apiError, this.i18n)
            : { text: this.notifier.describe(apiError) },
        );
      },
    });
  }
}
