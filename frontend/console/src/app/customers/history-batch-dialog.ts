import { ChangeDetectionStrategy, Component, computed, inject, signal } from '@angular/core';
import { toSignal } from '@angular/core/rxjs-interop';
import { NonNullableFormBuilder, ReactiveFormsModule, Validators } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MAT_DIALOG_DATA, MatDialogModule, MatDialogRef } from '@angular/material/dialog';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { MatRadioModule } from '@angular/material/radio';
import { MatSelectModule } from '@angular/material/select';
import { catchError, map, of } from 'rxjs';

import { HISTORY_STATES, HistoryApi, TITLE_MAX, type HistoryState } from '../api/history-api';
import {
  HistoryBatchesApi,
  type HistoryBatchSearch,
  type HistoryBatchStaff,
} from '../api/history-batches-api';
import { StaffApi } from '../api/staff-api';
import { clearServerErrors, saveErrorMessage, validationMessage } from '../core/form-errors';
import { I18n, type Message } from '../i18n/i18n';
import { TranslatePipe } from '../i18n/translate-pipe';
import { fromTokyoLocal } from '../ticket/reply-timing';
import { HISTORY_STATE_LABELS, toTokyoLocal } from './history-labels';
import { HistoryTitleField } from './history-title-field';

export interface HistoryBatchDialogData {
  /** The customers ticked on the list (may be none). */
  ticked: readonly number[];
  /** The list's current search and how many customers it matches. */
  search: HistoryBatchSearch;
  matching: number;
}

/** The batch written: its id and how many entries. */
export interface HistoryBatchDialogResult {
  id: number;
  count: number;
}

/**
 * 一括登録: one entry (作成日, 状態, タイトル, 担当) for the ticked customers or for every customer
 * matching the search. The server writes the batch in one transaction and streams its progress.
 */
@Component({
  selector: 'mg-history-batch-dialog',
  imports: [
    HistoryTitleField,
    ReactiveFormsModule,
    MatButtonModule,
    MatDialogModule,
    MatFormFieldModule,
    MatInputModule,
    MatProgressBarModule,
    MatRadioModule,
    MatSelectModule,
    TranslatePipe,
  ],
  template: `
    <h2 mat-dialog-title>{{ 'historyBatch.title' | t }}</h2>
    <form [formGroup]="form" (ngSubmit)="register()" novalidate>
      <mat-dialog-content class="dialog-form">
        <mat-radio-group
          formControlName="target"
          class="choices"
          [attr.aria-label]="'historyBatch.target' | t"
        >
          <mat-radio-button
            value="ticked"
            [disabled]="data.ticked.length === 0"
            data-testid="history-batch-target-ticked"
          >
            {{ 'historyBatch.targetTicked' | t: { count: data.ticked.length } }}
          </mat-radio-button>
          <mat-radio-button
            value="search"
            [disabled]="data.matching === 0"
            data-testid="history-batch-target-search"
          >
            {{ 'historyBatch.targetSearch' | t: { count: data.matching } }}
          </mat-radio-button>
        </mat-radio-group>
        <mg-history-title-field [control]="form.controls.title" [phrases]="phrases()" testId="history-batch" />
        <div class="pair">
          <mat-form-field>
            <mat-label>{{ 'history.field.createdAt' | t }}</mat-label>
            <input
              matInput
              type="datetime-local"
              formControlName="createdAt"
              required
              data-testid="history-batch-created-at"
            />
            <mat-error>{{ errorText('createdAt') }}</mat-error>
          </mat-form-field>
          <mat-form-field>
            <mat-label>{{ 'history.field.state' | t }}</mat-label>
            <mat-select formControlName="state" data-testid="history-batch-state">
              @for (state of states; track state) {
                <mat-option [value]="state" [attr.data-testid]="'history-batch-state-' + state">
                  {{ stateLabels[state] | t }}
                </mat-option>
              }
            </mat-select>
          </mat-form-field>
        </div>
        <mat-radio-group
          formControlName="staffMode"
          class="choices"
          [attr.aria-label]="'history.field.staff' | t"
        >
          <mat-radio-button value="assignee" data-testid="history-batch-staff-assignee">
            {{ 'historyBatch.staffAssignee' | t }}
          </mat-radio-button>
          <mat-radio-button value="fixed" data-testid="history-batch-staff-fixed">
            {{ 'historyBatch.staffFixed' | t }}
          </mat-radio-button>
        </mat-radio-group>
        @if (form.controls.staffMode.value === 'fixed') {
          <mat-form-field>
            <mat-label>{{ 'history.field.staff' | t }}</mat-label>
            <mat-select formControlName="staffId" data-testid="history-batch-staff">
              @for (person of staff(); track person.id) {
                <mat-option [value]="person.id">{{ person.name }}</mat-option>
              }
            </mat-select>
            <mat-error>{{ 'historyBatch.staffRequired' | t }}</mat-error>
          </mat-form-field>
        }
        @if (progress(); as at) {
          <div class="progress" data-testid="history-batch-progress">
            <mat-progress-bar mode="determinate" [value]="at.total ? (100 * at.done) / at.total : 0" />
            <span>{{ 'historyBatch.progress' | t: { done: at.done, total: at.total } }}</span>
          </div>
        }
        @if (formError(); as error) {
          <p class="error-text pre-line" role="alert" data-testid="history-batch-error">
            {{ i18n.render(error) }}
          </p>
        }
      </mat-dialog-content>
      <mat-dialog-actions align="end">
        <button mat-button type="button" mat-dialog-close [disabled]="running()">
          {{ 'common.cancel' | t }}
        </button>
        <button mat-flat-button type="submit" [disabled]="running()" data-testid="history-batch-register">
          {{ 'historyBatch.register' | t: { count: targetCount() } }}
        </button>
      </mat-dialog-actions>
    </form>
  `,
  styles: `
    .choices {
      display: flex;
      flex-wrap: wrap;
      gap: 4px 16px;
      margin-bottom: 12px;
    }
    .pair {
      display: grid;
      grid-template-columns: 1fr 1fr;
      gap: 0 12px;
    }
    .progress {
      display: flex;
      flex-direction: column;
      gap: 4px;
      margin-top: 8px;
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class HistoryBatchDialog {
  private readonly batchesApi = inject(HistoryBatchesApi);
  private readonly dialogRef =
    inject<MatDialogRef<HistoryBatchDialog, HistoryBatchDialogResult>>(MatDialogRef);
  protected readonly i18n = inject(I18n);
  protected readonly data = inject<HistoryBatchDialogData>(MAT_DIALOG_DATA);
  protected readonly states = HISTORY_STATES;
  protected readonly stateLabels = HISTORY_STATE_LABELS;

  protected readonly phrases = toSignal(
    inject(HistoryApi)
      .phrases()
      .pipe(
        map((r) => r.phrases),
        catchError(() => of([] as string[])),
      ),
    { initialValue: [] as string[] },
  );
  protected readonly staff = toSignal(
    inject(StaffApi)
      .list()
      .pipe(catchError(() => of([]))),
    { initialValue: [] },
  );

  protected readonly form = inject(NonNullableFormBuilder).group({
    target: [(this.data.ticked.length ? 'ticked' : 'search') as 'ticked' | 'search'],
    title: ['', [Validators.required, Validators.maxLength(TITLE_MAX)]],
    createdAt: [toTokyoLocal(new Date()), Validators.required],
    state: ['waiting' as HistoryState],
    staffMode: ['assignee' as 'assignee' | 'fixed'],
    staffId: [null as number | null],
  });
  private readonly target = toSignal(this.form.controls.target.valueChanges, {
    initialValue: this.form.controls.target.value,
  });
  protected readonly targetCount = computed(() =>
    this.target() === 'ticked' ? this.data.ticked.length : this.data.matching,
  );
  protected readonly running = signal(false);
  protected readonly progress = signal<{ done: number; total: number } | null>(null);
  protected readonly formError = signal<Message | null>(null);

  protected errorText(field: 'title' | 'createdAt'): string {
    return validationMessage(this.form.controls[field], this.i18n);
  }


  protected register(): void {
    this.formError.set(null);
    clearServerErrors(this.form);
    const value = this.form.getRawValue();
    if (value.staffMode === 'fixed' && value.staffId === null) {
      this.form.controls.staffId.setErrors({ required: true });
    }
    const createdAt = fromTokyoLocal(value.createdAt);
    if (!createdAt) {
      this.form.controls.createdAt.setErrors({ required: true });
    }
    if (this.form.invalid || !createdAt) {
      this.form.markAllAsTouched();
      return;
    }
    const staff: HistoryBatchStaff =
      value.staffMode === 'fixed' ? { mode: 'fixed', staffId: value.staffId! } : { mode: 'assignee' };
    const target =
      value.target === 'ticked' ? { customerIds: this.data.ticked } : { search: this.data.search };
    this.running.set(true);
    this.dialogRef.disableClose = true;
    this.progress.set({ done: 0, total: this.targetCount() });
    this.batchesApi
      .create(target, { title: value.title.trim(), state: value.state, createdAt, staff })
      .subscribe({
        next: (update) => {
          if ('progress' in update) {
            this.progress.set(update.progress);
          } else {
            this.dialogRef.close(update.result);
          }
        },
        error: (error: unknown) => {
          this.running.set(false);
          this.dialogRef.disableClose = false;
          this.progress.set(null);
          this.formError.set(saveErrorMessage(this.form, error, this.i18n));
        },
      });
  }
}
