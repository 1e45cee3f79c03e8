import { ChangeDetectionStrategy, Component, inject, signal } from '@angular/core';
import { NonNullableFormBuilder, ReactiveFormsModule, Validators } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MAT_DIALOG_DATA, MatDialogModule, MatDialogRef } from '@angular/material/dialog';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { MatSelectModule } from '@angular/material/select';

import {
  CustomerVisitsApi,
  MAX_VISIT_AMOUNT,
  VISIT_BRANCH_MAX,
  VISIT_MEMO_MAX,
  type Visit,
  type VisitInput,
} from '../api/customer-visits-api';
import type { Staff } from '../api/staff-api';
import { clearServerErrors, saveErrorMessage, validationMessage } from '../core/form-errors';
import { I18n, type Message } from '../i18n/i18n';
import { TranslatePipe } from '../i18n/translate-pipe';
import { fromTokyoLocal } from '../ticket/reply-timing';
import { toTokyoLocal } from './history-labels';

export interface CustomerVisitDialogData {
  customerId: number;
  /** Absent when recording a new visit. */
  visit?: Visit;
  staff: Staff[];
  /** A new visit's 担当: the signed-in user. */
  meId: number | null;
  /** A new visit's 店舗: the customer's own branch. */
  branch: string | null;
}

/** Records or edits one visit (ご利用日, 店舗, 担当, ご利用金額, 接客メモ, 提案メモ); closes with the saved visit. */
@Component({
  selector: 'mg-customer-visit-dialog',
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
    <h2 mat-dialog-title>{{ (isNew ? 'visits.new' : 'visits.edit') | t }}</h2>
    <form [formGroup]="form" (ngSubmit)="save()" novalidate>
      <mat-dialog-content class="dialog-form">
        <div class="pair">
          <mat-form-field>
            <mat-label>{{ 'visits.field.visitedAt' | t }}</mat-label>
            <input
              matInput
              type="datetime-local"
              formControlName="visitedAt"
              required
              data-testid="visit-visited-at"
            />
            <mat-error>{{ errorText('visitedAt') }}</mat-error>
          </mat-form-field>
          <mat-form-field>
            <mat-label>{{ 'visits.field.amount' | t }}</mat-label>
            <input
              matInput
              type="number"
              inputmode="numeric"
              min="0"
              [max]="maxAmount"
              step="1"
              formControlName="amount"
              data-testid="visit-amount"
            />
            <span matTextSuffix>{{ 'visits.yen' | t }}</span>
            <mat-error>{{ errorText('amount') }}</mat-error>
          </mat-form-field>
        </div>
        <div class="pair">
          <mat-form-field>
            <mat-label>{{ 'visits.field.branch' | t }}</mat-label>
            <input matInput formControlName="branch" autocomplete="off" data-testid="visit-branch" />
            <mat-error>{{ errorText('branch') }}</mat-error>
          </mat-form-field>
          <mat-form-field>
            <mat-label>{{ 'visits.field.staff' | t }}</mat-label>
            <mat-select formControlName="staffId" data-testid="visit-staff">
              <mat-option [value]="null">{{ 'common.none' | t }}</mat-option>
              @for (person of data.staff; track person.id) {
                <mat-option [value]="person.id">{{ person.name }}</mat-option>
              }
            </mat-select>
            <mat-error>{{ errorText('staffId') }}</mat-error>
          </mat-form-field>
        </div>
        <mat-form-field class="full">
          <mat-label>{{ 'visits.field.serviceMemo' | t }}</mat-label>
          <textarea
            matInput
            rows="3"
            formControlName="serviceMemo"
            data-testid="visit-service-memo"
          ></textarea>
          <mat-hint align="end">{{ form.controls.serviceMemo.value.length }} / {{ memoMax }}</mat-hint>
          <mat-error>{{ errorText('serviceMemo') }}</mat-error>
        </mat-form-field>
        <mat-form-field class="full">
          <mat-label>{{ 'visits.field.proposalMemo' | t }}</mat-label>
          <textarea
            matInput
            rows="3"
            formControlName="proposalMemo"
            data-testid="visit-proposal-memo"
          ></textarea>
          <mat-hint align="end">{{ form.controls.proposalMemo.value.length }} / {{ memoMax }}</mat-hint>
          <mat-error>{{ errorText('proposalMemo') }}</mat-error>
        </mat-form-field>
        @if (formError(); as error) {
          <p class="error-text pre-line" role="alert" data-testid="visit-error">{{ i18n.render(error) }}</p>
        }
      </mat-dialog-content>
      <mat-dialog-actions align="end">
        <button mat-button type="button" mat-dialog-close>{{ 'common.cancel' | t }}</button>
        <button mat-flat-button type="submit" [disabled]="saving()" data-testid="visit-save">
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
    .full {
      width: 100%;
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class CustomerVisitDialog {
  private readonly api = inject(CustomerVisitsApi);
  private readonly dialogRef = inject<MatDialogRef<CustomerVisitDialog, Visit>>(MatDialogRef);
  protected readonly i18n = inject(I18n);
  protected readonly data = inject<CustomerVisitDialogData>(MAT_DIALOG_DATA);
  protected readonly isNew = this.data.visit === undefined;
  protected readonly maxAmount = MAX_VISIT_AMOUNT;
  protected readonly memoMax = VISIT_MEMO_MAX;

  protected readonly form = inject(NonNullableFormBuilder).group({
    visitedAt: [toTokyoLocal(this.data.visit?.visitedAt ?? new Date()), Validators.required],
    amount: [
      this.data.visit?.amount ?? 0,
      [Validators.required, Validators.min(0), Validators.max(MAX_VISIT_AMOUNT), Validators.pattern(/^\d+$/)],
    ],
    branch: [
      this.data.visit ? (this.data.visit.branch ?? '') : (this.data.branch ?? ''),
      Validators.maxLength(VISIT_BRANCH_MAX),
    ],
    staffId: [this.data.visit ? this.data.visit.staffId : this.data.meId],
    serviceMemo: [this.data.visit?.serviceMemo ?? '', Validators.maxLength(VISIT_MEMO_MAX)],
    proposalMemo: [this.data.visit?.proposalMemo ?? '', Validators.maxLength(VISIT_MEMO_MAX)],
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
    const text = (s: string): string | null => (s.trim() === '' ? null : s.trim());
    const input: VisitInput = {
      visitedAt: fromTokyoLocal(value.visitedAt) ?? value.visitedAt,
      amount: Number(value.amount),
      branch: text(value.branch),
      staffId: value.staffId,
      serviceMemo: text(value.serviceMemo),
      proposalMemo: text(value.proposalMemo),
    };
    const visit = this.data.visit;
    this.saving.set(true);
    (visit
      ? this.api.updateVisit(this.data.customerId, visit.id, input)
      : this.api.createVisit(this.data.customerId, input)
    ).subscribe({
      next: (saved) => this.dialogRef.close(saved),
      error: (error: unknown) => {
        this.saving.set(false);
        this.formError.set(saveErrorMessage(this.form, error, this.i18n));
      },
    });
  }
}
