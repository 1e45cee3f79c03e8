import { ChangeDetectionStrategy, Component, inject, signal } from '@angular/core';
import { FormsModule } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MAT_DIALOG_DATA, MatDialogModule, MatDialogRef } from '@angular/material/dialog';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { forkJoin } from 'rxjs';

import { MergeSpamApi } from '../api/merge-spam-api';
import type { TicketSummary } from '../api/tickets-api';
import type { WorkflowTicket } from '../api/workflow-api';
import { I18n, type Message } from '../i18n/i18n';
import { TranslatePipe } from '../i18n/translate-pipe';
import { mergeSpamError } from './merge-spam-errors';

export interface MergeDialogData {
  id: number;
  code: string;
  mailboxId: number;
}

/** At most this many codes at a time (the server takes 20). */
const MAX_CODES = 20;

/**
 * 統合: the codes of the tickets to merge into this one are looked up in its mailbox first, and
 * the dialog says what will move before anything does ("asking first"). Closes with the survivor.
 */
@Component({
  selector: 'mg-merge-dialog',
  imports: [FormsModule, MatButtonModule, MatDialogModule, MatFormFieldModule, MatInputModule, TranslatePipe],
  template: `
    <h2 mat-dialog-title>{{ 'merge.title' | t: { code: data.code } }}</h2>
    <mat-dialog-content class="dialog-form">
      @if (found(); as tickets) {
        <p data-testid="merge-confirm-text">{{ 'merge.confirmText' | t: { codes: codesOf(tickets), target: data.code } }}</p>
        <ul class="found" data-testid="merge-found">
          @for (t of tickets; track t.id) {
            <li><strong>{{ t.code }}</strong> {{ t.subject }}</li>
          }
        </ul>
      } @else {
        <p>{{ 'merge.explanation' | t: { code: data.code } }}</p>
        <mat-form-field>
          <mat-label>{{ 'merge.codes' | t }}</mat-label>
          <input
            matInput
            [(ngModel)]="codes"
            (keydown.enter)="lookUp()"
            placeholder="IQ000123 IQ000124"
            cdkFocusInitial
            data-testid="merge-codes"
          />
        </mat-form-field>
      }
      @if (problem(); as p) {
        <p class="error-text" role="alert" data-testid="merge-error">{{ i18n.render(p) }}</p>
      }
    </mat-dialog-content>
    <mat-dialog-actions align="end">
      <button mat-button type="button" mat-dialog-close>{{ 'common.cancel' | t }}</button>
      @if (found()) {
        <button mat-button type="button" (click)="found.set(null)" data-testid="merge-back">{{ 'merge.back' | t }}</button>
        <button mat-flat-button type="button" [disabled]="busy()" (click)="merge()" data-testid="merge-confirm">
          {{ 'merge.confirm' | t }}
        </button>
      } @else {
        <button mat-flat-button type="button" [disabled]="busy()" (click)="lookUp()" data-testid="merge-look-up">
          {{ 'merge.lookUp' | t }}
        </button>
      }
    </mat-dialog-actions>
  `,
  styles: `
    .found {
      margin: 0;
      padding-left: 20px;
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class MergeDialog {
  private readonly api = inject(MergeSpamApi);
  private readonly dialogRef = inject<MatDialogRef<MergeDialog, WorkflowTicket>>(MatDialogRef);
  protected readonly data = inject<MergeDialogData>(MAT_DIALOG_DATA);
  protected readonly i18n = inject(I18n);

  protected codes = '';
  protected readonly found = signal<TicketSummary[] | null>(null);
  protected readonly busy = signal(false);
  protected readonly problem = signal<Message | null>(null);

  protected codesOf(tickets: TicketSummary[]): string {
    return tickets.map((t) => t.code).join('、');
  }

  /** Each code must name another ticket of this mailbox that is not merged already. */
  protected lookUp(): void {
    this.problem.set(null);
    const codes = [...new Set(this.codes.normalize('NFKC').toUpperCase().split(/[\s,、]+/).filter(Boolean))];
    if (!codes.length) {
      this.problem.set({ key: 'merge.noCodes' });
      return;
    }
    if (codes.length > MAX_CODES) {
      this.problem.set({ key: 'merge.tooMany', params: { max: MAX_CODES } });
      return;
    }
    if (codes.includes(this.data.code)) {
      this.problem.set({ key: 'merge.self', params: { code: this.data.code } });
      return;
    }
    this.busy.set(true);
    forkJoin(codes.map((code) => this.api.search(this.data.mailboxId, code))).subscribe({
      next: (pages) => {
        this.busy.set(false);
        const tickets = pages.map((page, i) => page.items.find((t) => t.code === codes[i]));
        const missing = codes.filter((_, i) => !tickets[i]);
        if (missing.length) {
          this.problem.set({ key: 'merge.notFound', params: { codes: missing.join('、') } });
          return;
        }
        this.found.set(tickets as TicketSummary[]);
      },
      error: (error: unknown) => {
        this.busy.set(false);
        this.problem.set(mergeSpamError(this.i18n, error));
      },
    });
  }

  protected merge(): void {
    const tickets = this.found();
    if (!tickets) return;
    this.busy.set(true);
    this.problem.set(null);
    this.api.merge(this.data.id, tickets.map((t) => t.id)).subscribe({
      next: (survivor) => this.dialogRef.close(survivor),
      error: (error: unknown) => {
        this.busy.set(false);
        this.problem.set(mergeSpamError(this.i18n, error));
      },
    });
  }
}
