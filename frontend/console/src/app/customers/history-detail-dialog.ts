import { ChangeDetectionStrategy, Component, inject, signal } from '@angular/core';
import { NonNullableFormBuilder, ReactiveFormsModule, Validators } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MAT_DIALOG_DATA, MatDialogModule, MatDialogRef } from '@angular/material/dialog';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { MatSelectModule } from '@angular/material/select';

import {
  DETAIL_CONTENT_MAX,
  HISTORY_STATES,
  HistoryApi,
  type HistoryDetail,
  type HistoryDetailInput,
  type HistoryEntry,
  type HistoryState,
} from '../api/history-api';
import type { Staff } from '../api/staff-api';
import { clearServerErrors, saveErrorMessage, validationMessage } from '../core/form-errors';
import { I18n, type Message } from '../i18n/i18n';
import { TranslatePipe } from '../i18n/translate-pipe';
import { fromTokyoLocal } from '../ticket/reply-timing';
import { HISTORY_STATE_LABELS, toTokyoLocal } from './history-labels';

export interface HistoryDetailDialogData {
  entryId: number;
  /** Absent when adding a line. */
  detail?: HistoryDetail;
  staff: Staff[];
  meId: number | null;
}

/** Adds or edits one 明細 line of an entry; closes with the entry as saved. */
@Component({
  selector: 'mg-history-detail-dialog',
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
    <h2 mat-dialog-title>{{ (isNew ? 'history.newDetail' : 'history.editDetail') | t }}</h2>
    <form [formGroup]="form" (ngSubmit)="save()" novalidate>
      <mat-dialog-content class="dialog-form">
        <div class="pair">
          <mat-form-field>
            <mat-label>{{ 'history.detail.workedAt' | t }}</mat-label>
            <input
              matInput
              type="datetime-local"
              formControlName="workedAt"
              data-testid="history-detail-worked-at"
            />
          </mat-form-field>
          <mat-form-field>
            <mat-label>{{ 'history.detail.scheduledAt' | t }}</mat-label>
            <input
              matInput
              type="datetime-local"
              formControlName="scheduledAt"
              data-testid="history-detail-scheduled-at"
            />
          </mat-form-field>
        </div>
        <div class="pair">
          <mat-form-field>
            <mat-label>{{ 'history.field.staff' | t }}</mat-label>
            <mat-select formControlName="staffId" data-testid="history-detail-staff">
              <mat-option [value]="null">{{ 'common.none' | t }}</mat-option>
              @for (person of data.staff; track person.id) {
                <mat-option [value]="person.id">{{ person.name }}</mat-option>
              }
            </mat-select>
            <mat-error>{{ errorText('staffId') }}</mat-error>
          </mat-form-field>
          <mat-form-field>
            <mat-label>{{ 'history.field.state' | t }}</mat-label>
            <mat-select formControlName="state" data-testid="history-detail-state">
              <mat-option [value]="null">{{ 'common.none' | t }}</mat-option>
              @for (state of states; track state) {
                <mat-option [value]="state">{{ stateLabels[state] | t }}</mat-option>
              }
            </mat-select>
          </mat-form-field>
        </div>
        <mat-form-field>
          <mat-label>{{ 'history.detail.content' | t }}</mat-label>
          <textarea
            matInput
            formControlName="content"
            rows="6"
            required
            data-testid="history-detail-content"
          ></textarea>
          <mat-hint align="end">{{ form.controls.content.value.length }} / {{ contentMax }}</mat-hint>
          <mat-error>{{ errorText('content') }}</mat-error>
        </mat-form-field>
        @if (formError(); as error) {
          <p class="error-text pre-line" role="alert" data-testid="history-detail-error">
            {{ i18n.render(error) }}
          </p>
        }
      </mat-dialog-content>
      <mat-dialog-actions align="end">
        <button mat-button type="button" mat-dialog-close>{{ 'common.cancel' | t }}</button>
        <button mat-flat-button type="submit" [disabled]="saving()" data-testid="history-detail-save">
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
export class HistoryDetailDialog {
  private readonly api = inject(HistoryApi);
  private readonly dialogRef = inject<MatDialogRef<HistoryDetailDialog, HistoryEntry>>(MatDialogRef);
  protected readonly i18n = inject(I18n);
  protected readonly data = inject<HistoryDetailDialogData>(MAT_DIALOG_DATA);
  protected readonly isNew = this.data.detail === undefined;
  protected readonly states = HISTORY_STATES;
  protected readonly stateLabels = HISTORY_STATE_LABELS;
  protected readonly contentMax = DETAIL_CONTENT_MAX;

  protected readonly form = inject(NonNullableFormBuilder).group({
    // A new line is work done now, by me.
    workedAt: [toTokyoLocal(this.data.detail ? this.data.detail.workedAt : new Date())],
    scheduledAt: [toTokyoLocal(this.data.detail?.scheduledAt)],
    staffId: [this.data.detail ? this.data.detail.staffId : this.data.meId],
    state: [this.data.detail?.state ?? (null as HistoryState | null)],
    content: [
      this.data.detail?.content ?? '',
      [Validators.required, Validators.maxLength(DETAIL_CONTENT_MAX)],
    ],
  });
  protected readonly saving = signal(false);
  protected readonly formError = signal<Message | null>(null);

  protected errorText(field: keyof typeof this.form.controls): string {
    return validationMessage(this.form.controls[field], this.i18n);
  }

  protected save(): void {
    this.formError.set(null);
    clearServerErrors(this.form);
    if (this.form.value.content?.trim() === '') {
      this.form.controls.content.setErrors({ required: true });
    }
    if (this.form.invalid) {
      this.form.markAllAsTouched();
      return;
    }
    const value = this.form.getRawValue();
    const input: HistoryDetailInput = {
      workedAt: fromTokyoLocal(value.workedAt),
      scheduledAt: fromTokyoLocal(value.scheduledAt),
      staffId: value.staffId,
      state: value.state,
      content: value.content,
    };
    const detail = this.data.detail;
    this.saving.set(true);
    (detail
      ? this.api.updateDetail(this.data.entryId, detail.id, input)
      : this.api.addDetail(this.data.entryId, input)
    ).subscribe({
      next: (saved) => this.dialogRef.close(saved),
      error: (error: unknown) => {
        this.saving.set(false);
        this.formError.set(saveErrorMessage(this.form, error, this.i18n));
      },
    });
  }
}
