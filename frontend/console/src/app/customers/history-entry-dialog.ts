import { ChangeDetectionStrategy, Component, inject, signal } from '@angular/core';
import { NonNullableFormBuilder, ReactiveFormsModule, Validators } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MAT_DIALOG_DATA, MatDialogModule, MatDialogRef } from '@angular/material/dialog';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { MatSelectModule } from '@angular/material/select';

import {
  HISTORY_KINDS,
  HISTORY_STATES,
  HistoryApi,
  TITLE_MAX,
  type HistoryEntry,
  type HistoryEntryInput,
  type HistoryKind,
  type HistoryState,
} from '../api/history-api';
import type { Staff } from '../api/staff-api';
import { clearServerErrors, saveErrorMessage, validationMessage } from '../core/form-errors';
import { I18n, type Message } from '../i18n/i18n';
import { TranslatePipe } from '../i18n/translate-pipe';
import { fromTokyoLocal } from '../ticket/reply-timing';
import { HistoryTitleField } from './history-title-field';
import { HISTORY_KIND_LABELS, HISTORY_STATE_LABELS, toTokyoLocal } from './history-labels';

export interface HistoryEntryDialogData {
  customerId: number;
  /** Absent when creating an entry. */
  entry?: HistoryEntry;
  staff: Staff[];
  phrases: string[];
  /** 担当 of a new entry: the signed-in user. */
  meId: number | null;
}

/** Creates or edits one 対応履歴 entry; closes with the saved entry. */
@Component({
  selector: 'mg-history-entry-dialog',
  imports: [
    HistoryTitleField,
    ReactiveFormsModule,
    MatButtonModule,
    MatDialogModule,
    MatFormFieldModule,
    MatInputModule,
    MatSelectModule,
    TranslatePipe,
  ],
  template: `
    <h2 mat-dialog-title>{{ (isNew ? 'history.newEntry' : 'history.editEntry') | t }}</h2>
    <form [formGroup]="form" (ngSubmit)="save()" novalidate>
      <mat-dialog-content class="dialog-form">
        <mg-history-title-field [control]="form.controls.title" [phrases]="data.phrases" testId="history-entry" />
        <div class="pair">
          <mat-form-field>
            <mat-label>{{ 'history.field.state' | t }}</mat-label>
            <mat-select formControlName="state" data-testid="history-entry-state">
              @for (state of states; track state) {
                <mat-option [value]="state" [attr.data-testid]="'history-entry-state-' + state">
                  {{ stateLabels[state] | t }}
                </mat-option>
              }
            </mat-select>
          </mat-form-field>
          <mat-form-field>
            <mat-label>{{ 'history.field.kind' | t }}</mat-label>
            <mat-select formControlName="kind" data-testid="history-entry-kind">
              @for (kind of kinds; track kind) {
                <mat-option [value]="kind">{{ kindLabels[kind] | t }}</mat-option>
              }
            </mat-select>
          </mat-form-field>
        </div>
        <div class="pair">
          <mat-form-field>
            <mat-label>{{ 'history.field.createdAt' | t }}</mat-label>
            <input
              matInput
              type="datetime-local"
              formControlName="createdAt"
              required
              data-testid="history-entry-created-at"
            />
            <mat-error>{{ errorText('createdAt') }}</mat-error>
          </mat-form-field>
          <mat-form-field>
            <mat-label>{{ 'history.field.nextScheduledAt' | t }}</mat-label>
            <input
              matInput
              type="datetime-local"
              formControlName="nextScheduledAt"
              data-testid="history-entry-next"
            />
            <mat-error>{{ errorText('nextScheduledAt') }}</mat-error>
          </mat-form-field>
        </div>
        <div class="pair">
          <mat-form-field>
            <mat-label>{{ 'history.field.staff' | t }}</mat-label>
            <mat-select formControlName="staffId" data-testid="history-entry-staff">
              <mat-option [value]="null">{{ 'common.none' | t }}</mat-option>
              @for (person of data.staff; track person.id) {
                <mat-option [value]="person.id">{{ person.name }}</mat-option>
              }
            </mat-select>
            <mat-error>{{ errorText('staffId') }}</mat-error>
          </mat-form-field>
          <mat-form-field>
            <mat-label>{{ 'history.field.requestedTo' | t }}</mat-label>
            <mat-select formControlName="requestedToId" data-testid="history-entry-requested-to">
              <mat-option [value]="null">{{ 'common.none' | t }}</mat-option>
              @for (person of data.staff; track person.id) {
                <mat-option [value]="person.id">{{ person.name }}</mat-option>
              }
            </mat-select>
            <mat-error>{{ errorText('requestedToId') }}</mat-error>
          </mat-form-field>
        </div>
        @if (formError(); as error) {
          <p class="error-text pre-line" role="alert" data-testid="history-entry-error">
            {{ i18n.render(error) }}
          </p>
        }
      </mat-dialog-content>
      <mat-dialog-actions align="end">
        <button mat-button type="button" mat-dialog-close>{{ 'common.cancel' | t }}</button>
        <button mat-flat-button type="submit" [disabled]="saving()" data-testid="history-entry-save">
          {{ 'common.save' | t }}
        </button>
      </mat-dialog-actions>
    </form>
  `,
  styles: `
    .pair {
      display: grid;
      grid-template-columns: 1fr 1fr;
      gap: 0 12px;
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class HistoryEntryDialog {
  private readonly api = inject(HistoryApi);
  private readonly dialogRef = inject<MatDialogRef<HistoryEntryDialog, HistoryEntry>>(MatDialogRef);
  protected readonly i18n = inject(I18n);
  protected readonly data = inject<HistoryEntryDialogData>(MAT_DIALOG_DATA);
  protected readonly isNew = this.data.entry === undefined;
  protected readonly states = HISTORY_STATES;
  protected readonly kinds = HISTORY_KINDS;
  protected readonly stateLabels = HISTORY_STATE_LABELS;
  protected readonly kindLabels = HISTORY_KIND_LABELS;

  protected readonly form = inject(NonNullableFormBuilder).group({
    title: [this.data.entry?.title ?? '', [Validators.required, Validators.maxLength(TITLE_MAX)]],
    state: [this.data.entry?.state ?? ('waiting' as HistoryState)],
    kind: [this.data.entry?.kind ?? ('note' as HistoryKind)],
    createdAt: [toTokyoLocal(this.data.entry?.createdAt ?? new Date()), Validators.required],
    nextScheduledAt: [toTokyoLocal(this.data.entry?.nextScheduledAt)],
    staffId: [this.data.entry ? this.data.entry.staffId : this.data.meId],
    requestedToId: [this.data.entry?.requestedToId ?? (null as number | null)],
  });
  protected readonly saving = signal(false);
  protected readonly formError = signal<Message | null>(null);

  protected errorText(field: keyof typeof this.form.controls): string {
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
    const input: HistoryEntryInput = {
      title: value.title.trim(),
      state: value.state,
      kind: value.kind,
      createdAt: fromTokyoLocal(value.createdAt) ?? undefined,
      staffId: value.staffId,
      requestedToId: value.requestedToId,
      nextScheduledAt: fromTokyoLocal(value.nextScheduledAt),
    };
    const entry = this.data.entry;
    this.saving.set(true);
    (entry ? this.api.update(entry.id, input) : this.api.create(this.data.customerId, input)).subscribe({
      next: (saved) => this.dialogRef.close(saved),
      error: (error: unknown) => {
        this.saving.set(false);
        this.formError.set(saveErrorMessage(this.form, error, this.i18n));
      },
    });
  }
}
