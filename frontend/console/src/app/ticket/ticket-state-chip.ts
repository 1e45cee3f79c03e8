import { ChangeDetectionStrategy, Component, computed, input } from '@angular/core';

import type { TicketState } from '../api/tickets-api';
import { TranslatePipe } from '../i18n/translate-pipe';
import { TICKET_STATE_LABELS } from './ticket-labels';

/** 未対応 / 承認待ち / 非承認 / 対応済 as a small coloured label. */
@Component({
  selector: 'mg-ticket-state-chip',
  imports: [TranslatePipe],
  template: `
    @if (label(); as key) {
      {{ key | t }}
    } @else {
      {{ state() }}
    }
  `,
  styles: `
    :host {
      display: inline-block;
      padding: 2px 10px;
      border-radius: 12px;
      font: var(--mat-sys-label-medium);
      white-space: nowrap;
      background: var(--mat-sys-surface-container-highest);
      color: var(--mat-sys-on-surface-variant);
    }
    :host(.unhandled) {
      background: var(--mat-sys-primary-container);
      color: var(--mat-sys-on-primary-container);
    }
    :host(.awaiting_approval) {
      background: var(--mat-sys-tertiary-container);
      color: var(--mat-sys-on-tertiary-container);
    }
    :host(.on_hold) {
      background: var(--mat-sys-secondary-container);
      color: var(--mat-sys-on-secondary-container);
    }
    :host(.rejected) {
      background: var(--mat-sys-error-container);
      color: var(--mat-sys-on-error-container);
    }
  `,
  host: { '[class]': 'state()', '[attr.data-state]': 'state()' },
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class TicketStateChip {
  readonly state = input.required<TicketState>();
  protected readonly label = computed(() => TICKET_STATE_LABELS[this.state()] ?? null);
}
