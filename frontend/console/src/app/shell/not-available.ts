import { ChangeDetectionStrategy, Component, input } from '@angular/core';

import type { MessageKey } from '../i18n/ja';
import { TranslatePipe } from '../i18n/translate-pipe';

/** Stands in for a feature that is not built yet; the route's `data.feature` names it. */
@Component({
  selector: 'mg-not-available',
  imports: [TranslatePipe],
  template: `
    <section class="page">
      <h1>{{ feature() | t }}</h1>
      <p class="muted" data-testid="not-available">{{ 'notAvailable.message' | t }}</p>
    </section>
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class NotAvailable {
  readonly feature = input.required<MessageKey>();
}
