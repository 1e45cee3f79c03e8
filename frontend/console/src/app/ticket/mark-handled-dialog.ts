import { ChangeDetectionStrategy, Component, inject, signal } from '@angular/core';
import { NonNullableFormBuilder, ReactiveFormsModule } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MAT_DIALOG_DATA, MatDialogModule, MatDialogRef } from '@angular/material/dialog';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { MatSelectModule } from '@angular/material/select';

import { readApiError } from '../api/api-error';
import { WorkflowApi, type HistoryNote, type WorkflowTicket } from '../api/workflow-api';
import { clearServerErrors, showServerErrors, validationMessage } from '../core/form-errors';
import { Notifier } from '../core/notifier';
import { I18n, type Message } from '../i18n/i18n';
import { TranslatePipe } from '../i18n/translate-pipe';
import { HISTORY_KINDS, buildHistoryNoteForm } from './history-note-fields';
import { HISTORY_KIND_LABELS } from './workflow-labels';

/**
 * What the dialog is opened for: one ticket (its id; the dialog marks it and closes with it), or
 * a bulk action over `count` tickets (the dialog only asks, and closes with the note chosen).
 */
export type MarkHandledFor = number | { bulk: number };

/** 対応済にする: handled without a mail, with an optional note saying how (a call, a visit…). */
@Component({
  selector: 'mg-mark-handled-dialog',
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
    <h2 mat-dialog-title>{{ 'workflow.markHandledTitle' | t }}</h2>
    <form [formGroup]="form" (ngSubmit)="markHandled()" novalidate>
      <mat-dialog-content class="dialog-form">
        <p>{{ 'workflow.markHandledExplanation' | t }}</p>
        @if (bulkCount !== null) {
          <p data-testid="mark-handled-bulk-count">{{ 'bulk.handleCount' | t: { count: bulkCount } }}</p>
        }
        <mat-form-field>
          <mat-label>{{ 'workflow.historyKindLabel' | t }}</mat-label>
          <mat-select formControlName="kind" data-testid="mark-handled-kind">
            <mat-option [value]="null">{{ 'workflow.noHistoryNote' | t }}</mat-option>
            @for (kind of kinds; track kind) {
              <mat-option [value]="kind" [attr.data-testid]="'mark-handled-kind-' + kind">
                {{ kindLabels[kind] | t }}
              </mat-option>
            }
          </mat-select>
        </mat-form-field>
        @if (form.controls.kind.value !== null) {
          <mat-form-field>
            <mat-label>{{ 'workflow.historyText' | t }}</mat-label>
            <textarea
              matInput
              formControlName="text"
              rows="4"
              required
              data-testid="mark-handled-text"
            ></textarea>
            <mat-error>{{ errorText() }}</mat-error>
          </mat-form-field>
        }
        @if (formError(); as error) {
          <p class="error-text pre-line" role="alert" data-testid="mark-handled-error">
            {{ i18n.render(error) }}
          </p>
        }
      </mat-dialog-content>
      <mat-dialog-actions align="end">
        <button mat-button type="button" mat-dialog-close>{{ 'common.cancel' | t }}</button>
        <button mat-flat-button type="submit" [disabled]="saving()" data-testid="mark-handled-confirm">
          {{ 'workflow.markHandled' | t }}
        </button>
      </mat-dialog-actions>
    </form>
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class MarkHandledDialog {
  private readonly workflowApi = inject(WorkflowApi);
  private readonly dialogRef = inject<MatDialogRef<MarkHandledDialog, WorkflowTicket | { note?: HistoryNote }>>(MatDialogRef);
  private readonly notifier = inject(Notifier);
  protected readonly i18n = inject(I18n);
  private readonly target = inject<MarkHandledFor>(MAT_DIALOG_DATA);
  protected readonly bulkCount = typeof this.target === 'number' ? null : this.target.bulk;

  protected readonly kinds = HISTORY_KINDS;
  protected readonly kindLabels = HISTORY_KIND_LABELS;
  protected readonly form = buildHistoryNoteForm(inject(NonNullableFormBuilder), false);
  protected readonly saving = signal(false);
  protected readonly formError = signal<Message | null>(null);

  protected errorText(): string {
    return validationMessage(this.form.controls.text, this.i18n);
  }

  protected markHandled(): void {
    this.formError.set(null);
    clearServerErrors(this.form);
    const { kind, text } = this.form.getRawValue();
    if (kind !== null && text.trim() === '') {
      this.form.controls.text.setErrors({ required: true });
      this.form.controls.text.markAsTouched();
      return;
    }
    if (this.form.invalid) {
      this.form.markAllAsTouched();
      return;
    }
    const note = kind === null ? undefined : { kind, text: text.trim() };
    if (typeof this.target !== 'number') {
      this.dialogRef.close({ note });
      return;
    }
    this.saving.set(true);
    this.workflowApi
      .markHandled(this.target, note)
      .subscribe({
        next: (ticket) => this.dialogRef.close(ticket),
        error: (error: unknown) => {
          this.saving.set(false);
          const apiError = readApiError(error);
          this.formError.set(
            apiError.status === 400
              ? showServerErrors(this.form, apiError, this.i18n)
              : { text: this.notifier.describe(apiError) },
          );
        },
      });
  }
}
