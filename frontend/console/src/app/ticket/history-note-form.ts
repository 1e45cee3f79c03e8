import { ChangeDetectionStrategy, Component, inject, input, output, signal } from '@angular/core';
import { NonNullableFormBuilder, ReactiveFormsModule } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatIconModule } from '@angular/material/icon';
import { MatInputModule } from '@angular/material/input';
import { MatSelectModule } from '@angular/material/select';

import { readApiError } from '../api/api-error';
import { WorkflowApi } from '../api/workflow-api';
import { clearServerErrors, showServerErrors, validationMessage } from '../core/form-errors';
import { Notifier } from '../core/notifier';
import { I18n, type Message } from '../i18n/i18n';
import { TranslatePipe } from '../i18n/translate-pipe';
import { notBlankValidator } from './address-list';
import { HISTORY_KINDS, buildHistoryNoteForm } from './history-note-fields';
import { HISTORY_KIND_LABELS } from './workflow-labels';

/** 対応履歴を追加: records work done outside the inbox (a call, a FAX, a visit) on the timeline. */
@Component({
  selector: 'mg-history-note-form',
  imports: [
    ReactiveFormsModule,
    MatButtonModule,
    MatFormFieldModule,
    MatIconModule,
    MatInputModule,
    MatSelectModule,
    TranslatePipe,
  ],
  template: `
    @if (open()) {
      <form [formGroup]="form" (ngSubmit)="addNote()" class="note" novalidate data-testid="history-note-form">
        <h3>{{ 'workflow.addHistoryNote' | t }}</h3>
        <mat-form-field>
          <mat-label>{{ 'workflow.historyKindLabel' | t }}</mat-label>
          <mat-select formControlName="kind" data-testid="history-note-kind">
            @for (kind of kinds; track kind) {
              <mat-option [value]="kind" [attr.data-testid]="'history-note-kind-' + kind">
                {{ kindLabels[kind] | t }}
              </mat-option>
            }
          </mat-select>
        </mat-form-field>
        <mat-form-field class="wide">
          <mat-label>{{ 'workflow.historyText' | t }}</mat-label>
          <textarea
            matInput
            formControlName="text"
            rows="4"
            required
            data-testid="history-note-text"
          ></textarea>
          <mat-error>{{ errorText() }}</mat-error>
        </mat-form-field>
        @if (formError(); as error) {
          <p class="error-text pre-line" role="alert" data-testid="history-note-error">
            {{ i18n.render(error) }}
          </p>
        }
        <div class="actions">
          <span class="spacer"></span>
          <button mat-button type="button" (click)="open.set(false)">{{ 'common.cancel' | t }}</button>
          <button mat-flat-button type="submit" [disabled]="saving()" data-testid="history-note-save">
            {{ 'workflow.addHistoryNoteSave' | t }}
          </button>
        </div>
      </form>
    } @else {
      <button mat-stroked-button type="button" (click)="open.set(true)" data-testid="history-note-open">
        <mat-icon svgIcon="add" />
        {{ 'workflow.addHistoryNote' | t }}
      </button>
    }
  `,
  styles: `
    .note {
      display: flex;
      flex-direction: column;
      gap: 4px;
      padding: 16px;
      border: 1px solid var(--mat-sys-outline-variant);
      border-radius: 8px;
    }
    h3 {
      margin: 0 0 12px;
      font: var(--mat-sys-title-small);
    }
    mat-form-field:first-of-type {
      width: min(240px, 100%);
    }
    .actions {
      display: flex;
      align-items: center;
      gap: 8px;
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class HistoryNoteForm {
  private readonly workflowApi = inject(WorkflowApi);
  private readonly notifier = inject(Notifier);
  protected readonly i18n = inject(I18n);

  readonly ticketId = input.required<number>();
  readonly added = output<void>();

  protected readonly kinds = HISTORY_KINDS;
  protected readonly kindLabels = HISTORY_KIND_LABELS;
  protected readonly form = buildHistoryNoteForm(inject(NonNullableFormBuilder), true);
  protected readonly open = signal(false);
  protected readonly saving = signal(false);
  protected readonly formError = signal<Message | null>(null);

  constructor() {
    this.form.controls.text.addValidators(notBlankValidator);
  }

  protected errorText(): string {
    return validationMessage(this.form.controls.text, this.i18n);
  }

  protected addNote(): void {
    this.formError.set(null);
    clearServerErrors(this.form);
    const { kind, text } = this.form.getRawValue();
    if (this.form.invalid || kind === null) {
      this.form.markAllAsTouched();
      return;
    }
    this.saving.set(true);
    this.workflowApi.addHistoryNote(this.ticketId(), { kind, text: text.trim() }).subscribe({
      next: () => {
        this.saving.set(false);
        this.form.reset({ kind, text: '' });
        this.open.set(false);
        this.notifier.success('workflow.historyNoteAdded');
        this.added.emit();
      },
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
