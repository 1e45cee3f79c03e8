import { ChangeDetectionStrategy, Component, computed, inject, input, signal } from '@angular/core';
import { rxResource } from '@angular/core/rxjs-interop';
import { FormsModule } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatDialog } from '@angular/material/dialog';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { MatSelectModule } from '@angular/material/select';

import { readApiError } from '../../api/api-error';
import { LABEL_NAME_MAX, LABEL_PALETTE, LabelsApi, type CatalogueLabel } from '../../api/labels-api';
import { confirmAction } from '../../core/confirm-dialog';
import { Notifier } from '../../core/notifier';
import { errorMessage, fieldErrorMessage } from '../../i18n/error-text';
import { I18n, type Message } from '../../i18n/i18n';
import { TranslatePipe } from '../../i18n/translate-pipe';
import { LabelChip } from '../../ticket/label-chip';

/**
 * ラベル: the mailbox's label catalogue — add, rename, recolour, delete (the confirmation says how
 * many tickets carry the label). Managing it takes the mailbox's manage right, as the server checks.
 */
@Component({
  selector: 'mg-label-settings',
  imports: [FormsModule, MatButtonModule, MatFormFieldModule, MatInputModule, MatProgressBarModule, MatSelectModule, LabelChip, TranslatePipe],
  template: `
    <p class="muted">{{ 'labels.hint' | t }}</p>
    <form class="add" (ngSubmit)="add()" data-testid="label-add-form">
      <mat-form-field>
        <mat-label>{{ 'labels.name' | t }}</mat-label>
        <input matInput name="name" [(ngModel)]="name" [maxlength]="nameMax" required data-testid="label-name" />
      </mat-form-field>
      <mat-form-field class="color">
        <mat-label>{{ 'labels.color' | t }}</mat-label>
        <mat-select name="color" [(ngModel)]="color" data-testid="label-color">
          @for (c of palette; track c) {
            <mat-option [value]="c" [attr.data-testid]="'label-color-' + c.slice(1)">
              <span class="swatch" [style.background]="c" aria-hidden="true"></span>{{ c }}
            </mat-option>
          }
        </mat-select>
      </mat-form-field>
      <button mat-flat-button type="submit" [disabled]="saving()" data-testid="label-add">{{ 'labels.add' | t }}</button>
    </form>
    @if (problem(); as p) {
      <p class="error-text" role="alert" data-testid="label-error">{{ i18n.render(p) }}</p>
    }
    @if (labels.isLoading()) {
      <mat-progress-bar mode="indeterminate" />
    }
    <ul class="list" data-testid="label-list">
      @for (label of list(); track label.id) {
        <li data-testid="label-row" [attr.data-label-id]="label.id">
          @if (editing() === label.id) {
            <form class="edit" (ngSubmit)="save(label)">
              <mat-form-field subscriptSizing="dynamic">
                <mat-label>{{ 'labels.name' | t }}</mat-label>
                <input matInput name="editName" [(ngModel)]="editName" [maxlength]="nameMax" required data-testid="label-edit-name" />
              </mat-form-field>
              <mat-form-field class="color" subscriptSizing="dynamic">
                <mat-label>{{ 'labels.color' | t }}</mat-label>
                <mat-select name="editColor" [(ngModel)]="editColor" data-testid="label-edit-color">
                  @for (c of colorsFor(label); track c) {
                    <mat-option [value]="c"><span class="swatch" [style.background]="c" aria-hidden="true"></span>{{ c }}</mat-option>
                  }
                </mat-select>
              </mat-form-field>
              <button mat-flat-button type="submit" [disabled]="saving()" data-testid="label-save">{{ 'common.save' | t }}</button>
              <button mat-button type="button" (click)="editing.set(null)" data-testid="label-cancel">{{ 'common.cancel' | t }}</button>
            </form>
          } @else {
            <mg-label-chip [label]="label" />
            <span class="muted count" data-testid="label-count">{{ 'labels.ticketCount' | t: { count: label.ticketCount } }}</span>
            <button mat-button type="button" (click)="edit(label)" [attr.aria-label]="('labels.edit' | t) + ' ' + label.name" data-testid="label-edit">
              {{ 'labels.edit' | t }}
            </button>
            <button mat-button type="button" (click)="remove(label)" [attr.aria-label]="('common.delete' | t) + ' ' + label.name" data-testid="label-delete">
              {{ 'common.delete' | t }}
            </button>
          }
        </li>
      } @empty {
        <li class="muted" data-testid="labels-empty">{{ 'labels.empty' | t }}</li>
      }
    </ul>
  `,
  styles: `
    .add,
    .edit {
      display: flex;
      flex-wrap: wrap;
      gap: 8px;
      align-items: baseline;
    }
    .add mat-form-field {
      width: 280px;
    }
    .add mat-form-field.color,
    .edit mat-form-field.color {
      width: 160px;
    }
    .swatch {
      display: inline-block;
      width: 12px;
      height: 12px;
      margin-right: 6px;
      border-radius: 50%;
      vertical-align: middle;
    }
    .list {
      list-style: none;
      padding: 0;
      max-width: 720px;
    }
    .list li {
      display: flex;
      gap: 12px;
      align-items: center;
      padding: 4px 0;
      border-bottom: 1px solid var(--mat-sys-outline-variant);
    }
    .count {
      flex: 1;
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class LabelSettings {
  private readonly api = inject(LabelsApi);
  private readonly notifier = inject(Notifier);
  private readonly dialog = inject(MatDialog);
  protected readonly i18n = inject(I18n);

  readonly mailboxId = input.required<number>();

  protected readonly palette = LABEL_PALETTE;
  protected readonly nameMax = LABEL_NAME_MAX;
  protected name = '';
  protected color: string = LABEL_PALETTE[0];
  protected editName = '';
  protected editColor = '';
  protected readonly editing = signal<number | null>(null);
  protected readonly saving = signal(false);
  protected readonly problem = signal<Message | null>(null);
  protected readonly labels = rxResource({
    params: () => this.mailboxId(),
    stream: ({ params: id }) => this.api.list(id),
  });
  protected readonly list = computed<CatalogueLabel[]>(() => (this.labels.hasValue() ? this.labels.value() : []));

  /** The palette, with the label's own colour first when it is not one of them. */
  protected colorsFor(label: CatalogueLabel): string[] {
    return (LABEL_PALETTE as readonly string[]).includes(label.color) ? [...LABEL_PALETTE] : [label.color, ...LABEL_PALETTE];
  }

  protected add(): void {
    const name = this.name.trim();
    this.problem.set(null);
    if (!name) {
      this.problem.set({ key: 'fieldError.REQUIRED' });
      return;
    }
    this.saving.set(true);
    this.api.create(this.mailboxId(), { name, color: this.color }).subscribe({
      next: (added) => {
        this.saving.set(false);
        this.name = '';
        this.color = LABEL_PALETTE[(this.list().length + 1) % LABEL_PALETTE.length];
        this.notifier.success('labels.added', { name: added.name });
        this.labels.reload();
      },
      error: (error: unknown) => this.failed(error),
    });
  }

  protected edit(label: CatalogueLabel): void {
    this.problem.set(null);
    this.editName = label.name;
    this.editColor = label.color;
    this.editing.set(label.id);
  }

  protected save(label: CatalogueLabel): void {
    const name = this.editName.trim();
    this.problem.set(null);
    if (!name) {
      this.problem.set({ key: 'fieldError.REQUIRED' });
      return;
    }
    this.saving.set(true);
    this.api.update(label.id, { name, color: this.editColor }).subscribe({
      next: (saved) => {
        this.saving.set(false);
        this.editing.set(null);
        this.notifier.success('labels.saved', { name: saved.name });
        this.labels.reload();
      },
      error: (error: unknown) => this.failed(error),
    });
  }

  protected remove(label: CatalogueLabel): void {
    confirmAction(this.dialog, {
      title: 'labels.deleteTitle',
      message: 'labels.deleteConfirm',
      params: { name: label.name, count: label.ticketCount },
      confirm: 'common.delete',
    }).subscribe((ok) => {
      if (!ok) {
        return;
      }
      this.api.delete(label.id).subscribe({
        next: () => {
          this.notifier.success('labels.deleted', { name: label.name });
          this.labels.reload();
        },
        error: (error: unknown) => {
          this.notifier.error(error);
          this.labels.reload();
        },
      });
    });
  }

  /** The first field problem, worded by its code (LABEL_EXISTS, MAX_LENGTH, …), else the error's text by code. */
  private failed(error: unknown): void {
    this.saving.set(false);
    const apiError = readApiError(error);
    const [field, problems] = Object.entries(apiError.fields)[0] ?? [];
    this.problem.set(field && problems?.length ? fieldErrorMessage(this.i18n, field, problems[0]) : errorMessage(this.i18n, apiError));
  }
}
