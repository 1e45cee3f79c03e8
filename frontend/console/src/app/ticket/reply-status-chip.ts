import { ChangeDetectionStrategy, Component, computed, input } from '@angular/core';

import { TranslatePipe } from '../i18n/translate-pipe';
import { replyStatusLabel } from './workflow-labels';

/** 承認待ち / 非承認 / 送信待ち / … of one reply, as a small coloured label. */
@Component({
  selector: 'mg-reply-status-chip',
  imports: [TranslatePipe],
  template: `
    @if (label(); as key) {
      {{ key | t }}
    } @else {
      {{ status() }}
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
    :host(.awaiting_approval),
    :host(.queued) {
      background: var(--mat-sys-tertiary-container);
      color: var(--mat-sys-on-tertiary-container);
    }
    :host(.rejected),
    :host(.retrying),
    :host(.failed) {
      background: var(--mat-sys-error-container);
      color: var(--mat-sys-on-error-container);
    }
    :host(.sent) {
      background: var(--mat-sys-primary-container);
      color: var(--mat-sys-on-primary-container);
    }
  `,
  host: { '[class]': 'status()', '[attr.data-status]': 'status()' },
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class ReplyStatusChip {
  readonly status = input.required<string>();
  protected readonly label = computed(() => replyStatusLabel(this.status()));
}
