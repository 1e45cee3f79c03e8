import { ChangeDetectionStrategy, Component, inject, input } from '@angular/core';
import { FormControl, ReactiveFormsModule } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { MatMenuModule } from '@angular/material/menu';

import { TITLE_MAX } from '../api/history-api';
import { validationMessage } from '../core/form-errors';
import { I18n } from '../i18n/i18n';
import { TranslatePipe } from '../i18n/translate-pipe';

/**
 * タイトル of a history entry with its 定型文 menu: picking a phrase fills the title. Used by the
 * entry dialog and by 一括登録; `testId` prefixes the test ids (`<testId>-title`, `-phrases`, `-phrase`).
 */
@Component({
  selector: 'mg-history-title-field',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [ReactiveFormsModule, MatButtonModule, MatFormFieldModule, MatInputModule, MatMenuModule, TranslatePipe],
  template: `
    <mat-form-field class="title">
      <mat-label>{{ 'history.field.title' | t }}</mat-label>
      <input matInput [formControl]="control()" required autocomplete="off" [attr.data-testid]="testId() + '-title'" />
      <mat-hint align="end">{{ control().value.length }} / {{ titleMax }}</mat-hint>
      <mat-error>{{ errorText() }}</mat-error>
    </mat-form-field>
    <button mat-stroked-button type="button" [matMenuTriggerFor]="phraseMenu" [disabled]="phrases().length === 0" [attr.data-testid]="testId() + '-phrases'">
      {{ 'history.phrases' | t }}
    </button>
    <mat-menu #phraseMenu="matMenu">
      @for (phrase of phrases(); track $index) {
        <button mat-menu-item type="button" (click)="usePhrase(phrase)" [attr.data-testid]="testId() + '-phrase'">{{ phrase }}</button>
      }
    </mat-menu>
  `,
  styles: `
    :host {
      display: flex;
      gap: 8px;
      align-items: flex-start;
    }
    .title {
      flex: 1 1 auto;
    }
    button[mat-stroked-button] {
      margin-top: 8px;
    }
  `,
})
export class HistoryTitleField {
  private readonly i18n = inject(I18n);

  readonly control = input.required<FormControl<string>>();
  readonly phrases = input<readonly string[]>([]);
  readonly testId = input.required<string>();

  protected readonly titleMax = TITLE_MAX;

  protected errorText(): string {
    return validationMessage(this.control(), this.i18n);
  }

  protected usePhrase(phrase: string): void {
    this.control().setValue(phrase);
    this.control().markAsDirty();
  }
}
