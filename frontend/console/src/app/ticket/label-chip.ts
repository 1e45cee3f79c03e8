import { ChangeDetectionStrategy, Component, computed, input, output } from '@angular/core';

import { labelTextColor, type TicketLabel } from '../api/labels-api';
import { VisibleControlsPipe } from '../core/visible-controls';
import { TranslatePipe } from '../i18n/translate-pipe';

/**
 * A label in its colour (text black or white, whichever reads), with a × button to take it off
 * when `removable`: a real button, so Tab reaches it and Enter or Space presses it.
 */
@Component({
  selector: 'mg-label-chip',
  imports: [TranslatePipe, VisibleControlsPipe],
  template: `
    <span
      class="chip"
      data-testid="ticket-label"
      [attr.data-label-id]="label().id"
      [style.background]="label().color"
      [style.color]="text()"
      >{{ label().name | visibleControls }}@if (removable()) {
        <button
          type="button"
          class="remove"
          [style.color]="text()"
          [disabled]="disabled()"
          (click)="removed.emit(label())"
          [attr.aria-label]="'labels.remove' | t: { name: label().name }"
          data-testid="ticket-label-remove"
        >
          ×
        </button>
      }</span
    >
  `,
  styles: `
    :host {
      display: inline-flex;
    }
    .chip {
      display: inline-flex;
      align-items: center;
      gap: 2px;
      max-width: 16em;
      padding: 0 8px;
      border-radius: 12px;
      font: var(--mat-sys-label-medium);
      line-height: 22px;
      white-space: nowrap;
      overflow: hidden;
      text-overflow: ellipsis;
    }
    .remove {
      margin: 0 -4px 0 2px;
      padding: 0 4px;
      border: 0;
      border-radius: 50%;
      background: transparent;
      font: inherit;
      line-height: 18px;
      cursor: pointer;
    }
    .remove:focus-visible {
      outline: 2px solid currentColor;
      outline-offset: 1px;
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class LabelChip {
  readonly label = input.required<TicketLabel>();
  readonly removable = input(false);
  readonly disabled = input(false);
  readonly removed = output<TicketLabel>();

  protected readonly text = computed(() => labelTextColor(this.label().color));
}
