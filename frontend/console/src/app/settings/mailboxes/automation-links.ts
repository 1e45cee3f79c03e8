import { ChangeDetectionStrategy, Component, input } from '@angular/core';
import { RouterLink } from '@angular/router';

import { TranslatePipe } from '../../i18n/translate-pipe';
import { AUTOMATION_TABS, AUTOMATION_TAB_LABELS } from './automation-tabs';

/** The mailbox settings' way to its folders, routing rules, journal mail and customer link. */
@Component({
  selector: 'mg-automation-links',
  imports: [RouterLink, TranslatePipe],
  template: `
    <section class="panel" data-testid="automation-links">
      <h3>{{ 'automation.links.title' | t }}</h3>
      <ul>
        @for (tab of tabs; track tab) {
          <li>
            <a
              [routerLink]="['/settings/mailboxes', mailboxId(), 'automation']"
              [queryParams]="{ tab }"
              [attr.data-testid]="'automation-link-' + tab"
              >{{ labels[tab] | t }}</a
            >
          </li>
        }
      </ul>
    </section>
  `,
  styles: `
    .panel {
      padding: 12px 16px;
      border: 1px solid var(--mat-sys-outline-variant);
      border-radius: 8px;
    }
    h3 {
      margin: 0 0 4px;
      font: var(--mat-sys-title-small);
    }
    ul {
      margin: 0;
      padding-left: 20px;
    }
    li {
      line-height: 28px;
    }
    a {
      color: var(--mat-sys-primary);
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class AutomationLinks {
  readonly mailboxId = input.required<number>();

  protected readonly tabs = AUTOMATION_TABS;
  protected readonly labels = AUTOMATION_TAB_LABELS;
}
