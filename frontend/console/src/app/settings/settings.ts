import { ChangeDetectionStrategy, Component } from '@angular/core';
import { MatTabsModule } from '@angular/material/tabs';
import { RouterLink, RouterLinkActive, RouterOutlet } from '@angular/router';

import type { MessageKey } from '../i18n/ja';
import { TranslatePipe } from '../i18n/translate-pipe';

const TABS: readonly { path: string; label: MessageKey }[] = [
  { path: 'users', label: 'settings.users' },
  { path: 'groups', label: 'settings.groups' },
  { path: 'mailboxes', label: 'settings.mailboxes' },
  { path: 'templates', label: 'templates.title' },
  { path: 'forms', label: 'forms.title' },
  { path: 'history', label: 'settings.history.title' },
  { path: 'member-notifications', label: 'memberNotifications.title' },
  { path: 'mypage', label: 'settings.mypage.title' },
  { path: 'tokens', label: 'settings.tokens' },
  { path: 'cti-tokens', label: 'cti.tokens.title' },
];

/** Administration: one tab per sub-route. */
@Component({
  selector: 'mg-settings',
  imports: [MatTabsModule, RouterLink, RouterLinkActive, RouterOutlet, TranslatePipe],
  template: `
    <section class="page">
      <h1>{{ 'nav.settings' | t }}</h1>
      <nav mat-tab-nav-bar mat-stretch-tabs="false" [tabPanel]="panel">
        @for (tab of tabs; track tab.path) {
          <a
            mat-tab-link
            [routerLink]="tab.path"
            routerLinkActive
            #link="routerLinkActive"
            [active]="link.isActive"
            [attr.data-testid]="'settings-tab-' + tab.path"
          >
            {{ tab.label | t }}
          </a>
        }
      </nav>
      <mat-tab-nav-panel #panel>
        <router-outlet />
      </mat-tab-nav-panel>
    </section>
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class Settings {
  protected readonly tabs = TABS;
}
