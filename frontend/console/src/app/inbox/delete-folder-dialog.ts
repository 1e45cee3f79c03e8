import { HttpErrorResponse } from '@angular/common/http';
import { ChangeDetectionStrategy, Component, computed, inject, signal } from '@angular/core';
import { FormControl, ReactiveFormsModule } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MAT_DIALOG_DATA, MatDialogModule, MatDialogRef } from '@angular/material/dialog';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatSelectModule } from '@angular/material/select';

import { readApiError } from '../api/api-error';
import { AutomationApi, type Folder, type FolderTarget } from '../api/automation-api';
import { Notifier } from '../core/notifier';
import { TranslatePipe } from '../i18n/translate-pipe';
import { folderTree } from './folders';

export interface DeleteFolderDialogData {
  mailboxId: number;
  folder: Folder;
  folders: readonly Folder[];
}

/**
 * Deletes a folder. One holding tickets asks where they go (another folder or the top level);
 * the server's refusal (rules still filing mail into it, tickets arrived meanwhile) is shown here.
 * Closes with true once deleted.
 */
@Component({
  selector: 'mg-delete-folder-dialog',
  imports: [
    ReactiveFormsModule,
    MatButtonModule,
    MatDialogModule,
    MatFormFieldModule,
    MatSelectModule,
    TranslatePipe,
  ],
  template: `
    <h2 mat-dialog-title>{{ 'folders.deleteTitle' | t }}</h2>
    <mat-dialog-content class="dialog-form">
      @if (needsTarget()) {
        <p data-testid="folder-delete-non-empty">
          @if (data.folder.count > 0) {
            {{ 'folders.deleteNonEmpty' | t: { name: data.folder.name, count: data.folder.count } }}
          } @else {
            {{ 'folders.deleteChooseTarget' | t }}
          }
        </p>
        <mat-form-field>
          <mat-label>{{ 'folders.moveTarget' | t }}</mat-label>
          <mat-select [formControl]="target" data-testid="folder-delete-target">
            <mat-option value="root" data-testid="folder-delete-target-root">{{
              'folders.topLevel' | t
            }}</mat-option>
            @for (node of targets(); track node.folder.id) {
              <mat-option
                [value]="node.folder.id"
                [style.padding-left.px]="16 + node.depth * 16"
                [attr.data-testid]="'folder-delete-target-' + node.folder.id"
              >
                {{ node.folder.name }}
              </mat-option>
            }
          </mat-select>
        </mat-form-field>
      }
      <p>{{ 'folders.deleteConfirm' | t: { name: data.folder.name } }}</p>
      @if (error(); as message) {
        <p class="error-text pre-line" role="alert" data-testid="folder-delete-error">{{ message }}</p>
      }
    </mat-dialog-content>
    <mat-dialog-actions align="end">
      <button mat-button type="button" mat-dialog-close data-testid="folder-delete-cancel">
        {{ 'common.cancel' | t }}
      </button>
      <button
        mat-flat-button
        type="button"
        [disabled]="deleting()"
        (click)="deleteFolder()"
        data-testid="folder-delete-confirm"
      >
        {{ 'common.delete' | t }}
      </button>
    </mat-dialog-actions>
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class DeleteFolderDialog {
  private readonly api = inject(AutomationApi);
  private readonly dialogRef = inject<MatDialogRef<DeleteFolderDialog, boolean>>(MatDialogRef);
  private readonly notifier = inject(Notifier);
  protected readonly data = inject<DeleteFolderDialogData>(MAT_DIALOG_DATA);

  protected readonly target = new FormControl<FolderTarget>('root', { nonNullable: true });
  /** Tickets may have arrived since the list was read: the server's 409 then asks for a target. */
  private readonly refusedAsNotEmpty = signal(false);
  protected readonly needsTarget = computed(() => this.data.folder.count > 0 || this.refusedAsNotEmpty());
  protected readonly targets = computed(() =>
    folderTree(this.data.folders).filter((node) => node.folder.id !== this.data.folder.id),
  );
  protected readonly deleting = signal(false);
  protected readonly error = signal<string | null>(null);

  protected deleteFolder(): void {
    this.error.set(null);
    this.deleting.set(true);
    const { mailboxId, folder } = this.data;
    this.api
      .deleteFolder(mailboxId, folder.id, this.needsTarget() ? this.target.value : undefined)
      .subscribe({
        next: () => this.dialogRef.close(true),
        error: (error: unknown) => {
          this.deleting.set(false);
          const apiError = readApiError(error);
          if (errorCode(error) === 'FOLDER_NOT_EMPTY') {
            this.refusedAsNotEmpty.set(true);
          }
          this.error.set(this.notifier.describe(apiError));
        },
      });
  }
}

/** The domain error's code (`FOLDER_NOT_EMPTY`, `FOLDER_IN_USE`), which the body carries as `error`. */
function errorCode(error: unknown): string | null {
  const body: unknown = error instanceof HttpErrorResponse ? error.error : null;
  return typeof body === 'object' && body !== null && typeof (body as { error?: unknown }).error === 'string'
    ? (body as { error: string }).error
    : null;
}
