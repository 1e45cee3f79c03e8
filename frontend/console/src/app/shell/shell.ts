import { BreakpointObserver, Breakpoints } from '@angular/cdk/layout';
import { ChangeDetectionStrategy, Component, computed, inject } from '@angular/core';
import { toSignal } from '@angular/core/rxjs-interop';
import { MatButtonModule } from '@angular/material/button';
import { MatIconModule } from '@angular/material/icon';
import { MatListModule } from '@angular/material/list';
import { MatSidenavModule } from '@angular/material/sidenav';
import { MatToolbarModule } from '@angular/material/toolbar';
import { Router, RouterLink, RouterLinkActive, RouterOutlet } from '@angular/router';
import { map } from 'rxjs';

import { Session } from '../core/session';
import type { MessageKey } from '../i18n/ja';
import { LanguageSwitch } from '../i18n/language-switch';
import { TranslatePipe } from '../i18n/translate-pipe';

interface NavItem {
  path: string;
  label: MessageKey;
  adminOnly?: boolean;
}

const NAV_ITEMS: readonly NavItem[] = [
  { path: 'inbox', label: 'nav.inbox' },
  { path: 'mypage', label: 'nav.mypage' },
  { path: 'customers', label: 'nav.customers' },
  { path: 'work', label: 'nav.work' },
  { path: 'sms', label: 'nav.sms' },
  { path: 'settings', label: 'nav.settings', adminOnly: true },
];

/** Toolbar and side navigation around every signed-in page. */
@Component({
  selector: 'mg-shell',
  imports: [
    RouterLink,
    RouterLinkActive,
    RouterOutlet,
    MatButtonModule,
    MatIconModule,
    MatListModule,
    MatSidenavModule,
    MatToolbarModule,
    LanguageSwitch,
    TranslatePipe,
  ],
  templateUrl: './shell.html',
  styleUrl: './shell.scss',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class Shell {
  private readonly router = inject(Router);
  protected readonly session = inject(Session);

  protected readonly handset = toSignal(
    inject(BreakpointObserver)
      .observe(Breakpoints.Handset)
      .pipe(map((state) => state.matches)),
    { initialValue: false },
  );
  protected readonly navItems = computed(() =>
    NAV_ITEMS.filter((item) => !item.adminOnly || this.session.isAdmin()),
  );

  protected logOut(): void {
    this.session.logout().subscribe({
      complete: () => void this.router.navigateByUrl('/login'),
      // Even if the server call fails, the local session is cleared; show the login page anyway.
      error: () => void this.router.navigateByUrl('/login'),
    });
  }
}
