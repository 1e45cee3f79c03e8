import { ChangeDetectionStrategy, Component, inject, input, output } from '@angular/core';
import { rxResource } from '@angular/core/rxjs-interop';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatSelectModule } from '@angular/material/select';
import { catchError, of } from 'rxjs';

import { LabelsApi } from '../api/labels-api';
import { VisibleControlsPipe } from '../core/visible-controls';
import { TranslatePipe } from '../i18n/translate-pipe';

/** The inbox's label filter: one or more labels of the mailbox; a ticket must carry every one chosen. */
@Component({
  selector: 'mg-label-filter',
  imports: [MatFormFieldModule, MatSelectModule, TranslatePipe, VisibleControlsPipe],
  template: `
    <mat-form-field class="label-field" subscriptSizing="dynamic">
      <mat-label>{{ 'labels.filter' | t }}</mat-label>
      <mat-select multiple [value]="selected()" (selectionChange)="selectedChange.emit($event.value)" data-testid="inbox-label-filter">
        @for (label of labels.value(); track label.id) {
          <mat-option [value]="label.id" data-testid="inbox-label-option" [attr.data-label-id]="label.id">
            <span class="swatch" [style.background]="label.color" aria-hidden="true"></span>{{ label.name | visibleControls }}
          </mat-option>
        } @empty {
          <mat-option disabled>{{ 'labels.empty' | t }}</mat-option>
        }
      </mat-select>
    </mat-form-field>
  `,
  styles: `
    .label-field {
      width: 200px;
    }
    .swatch {
      display: inline-block;
      width: 12px;
      height: 12px;
      margin-right: 8px;
      border-radius: 50%;
      vertical-align: middle;
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class LabelFilter {
  private readonly api = inject(LabelsApi);

  readonly mailboxId = input.required<number>();
  readonly selected = input<readonly number[]>([]);
  readonly selectedChange = output<number[]>();

  // A catalogue that fails to load leaves the filter empty; the list itself still loads.
  protected readonly labels = rxResource({
    params: () => this.mailboxId(),
    stream: ({ params: id }) => this.api.list(id).pipe(catchError(() => of([]))),
    defaultValue: [],
  });
}
