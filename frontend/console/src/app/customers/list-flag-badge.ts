import { ChangeDetectionStrategy, Component, computed, input } from '@angular/core';
import { MatTooltipModule } from '@angular/material/tooltip';

import type { ListFlag } from '../api/customers-api';
import type { MessageKey } from '../i18n/ja';
import { TranslatePipe } from '../i18n/translate-pipe';
import { LIST_FLAG_LABELS } from './customer-labels';

const TOOLTIPS: Record<Exclude<ListFlag, 'normal'>, MessageKey> = {
  grey: 'customer.listFlagTip.grey',
  black: 'customer.listFlagTip.black',
};

/**
 * The customer's list flag (リスト区分) as a badge wherever the customer appears — ticket view,
 * thread list, call pop-up, SMS dialog: nothing for 通常, グレー or ブラック with what it means.
 */
@Component({
  selector: 'mg-list-flag-badge',
  imports: [MatTooltipModule, TranslatePipe],
  template: `
    @if (tip(); as t) {
      <span
        class="flag"
        [class]="flag()"
        [matTooltip]="t | t"
        data-testid="list-flag-badge"
        [attr.data-flag]="flag()"
        >{{ label() | t }}</span
      >
    }
  `,
  styles: `
    :host {
      display: inline-block;
    }
    .flag {
      display: inline-block;
      padding: 0 8px;
      border-radius: 10px;
      font-size: 0.8rem;
      line-height: 1.6;
      font-weight: 600;
      white-space: nowrap;
    }
    .grey {
      background: #e0e0e0;
      color: #424242;
    }
    .black {
      background: #212121;
      color: #fff;
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class ListFlagBadge {
  readonly flag = input<ListFlag | null | undefined>();
  protected readonly label = computed(() => LIST_FLAG_LABELS[this.flag() ?? 'normal']);
  protected readonly tip = computed(() => {
    const f = this.flag();
    return f === 'grey' || f === 'black' ? TOOLTIPS[f] : null;
  });
}

/** True when sending to this customer must be confirmed first (ブラック). */
export function needsSendConfirmation(flag: ListFlag | null | undefined): boolean {
  return flag === 'black';
}
