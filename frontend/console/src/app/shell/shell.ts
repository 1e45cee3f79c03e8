import { BreakpointObserver, Breakpoints } from '@angular/cdk/layout';
import { ChangeDetectionStrategy, Component, computed, inject } from '@angular/core';
import { takeUntilDestroyed, toSignal } from '@angular/core/rxjs-interop';
import { MatButtonModule } from '@angular/material/button';
import { MatDialog } from '@angular/material/dialog';
import { MatIconModule } from '@angular/material/icon';
import { MatListModule } from '@angular/material/list';
import { MatMenuModule } from '@angular/material/menu';
import { MatSidenavModule } from '@angular/material/sidenav';
import { MatToolbarModule } from '@angular/material/toolbar';
import { NavigationEnd, Router, RouterLink, RouterLinkActive, RouterOutlet } from '@angular/router';
import { debounceTime, filter, map, merge, timer } from 'rxjs';

import { EventsApi } from '../api/events-api';
import { PendingApprovals } from '../approvals/pending-approvals';
import { Session } from '../core/session';
import type { MessageKey } from '../i18n/ja';
import { I18n, type Lang } from '../i18n/i18n';
import { LanguageSwitch } from '../i18n/language-switch';
import { TranslatePipe } from '../i18n/translate-pipe';
import { Shortcuts } from '../core/shortcuts';
import { CallPopUps } from '../cti/call-pop-ups';
import { SearchBox } from '../search/search-box';
import { ChangePasswordDialog } from './change-password-dialog';
import { NotificationBell } from './notification-bell';

/** The pending-approval badge follows ticket events, and this poll for anything they miss. */
const APPROVALS_POLL_MS = 30_000;
const LIVE_UPDATE_DEBOUNCE_MS = 500;

interface NavItem {
  path: string;
  label: MessageKey;
  adminOnly?: boolean;
  /** Pages outside the item's path that belong to it (a ticket belongs to the inbox). */
  alsoActiveUnder?: string;
  /** Shows the number of replies waiting for the user's approval. */
  pendingCount?: boolean;
  /** Only on a phone, where the toolbar has no room for the search box. */
  handsetOnly?: boolean;
}

const NAV_ITEMS: readonly NavItem[] = [
  { path: 'search', label: 'search.title', handsetOnly: true },
  { path: 'inbox', label: 'nav.inbox', alsoActiveUnder: '/tickets/' },
  { path: 'approvals', label: 'approvals.nav', pendingCount: true },
  { path: 'messages', label: 'nav.mypage' },
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
    MatMenuModule,
    MatSidenavModule,
    MatToolbarModule,
    LanguageSwitch,
    NotificationBell,
    CallPopUps,
    SearchBox,
    TranslatePipe,
  ],
  templateUrl: './shell.html',
  styleUrl: './shell.scss',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class Shell {
  private readonly router = inject(Router);
  protected readonly session = inject(Session);
  protected readonly pendingApprovals = inject(PendingApprovals);
  private readonly dialog = inject(MatDialog);
  protected readonly i18n = inject(I18n);

  protected readonly handset = toSignal(
    inject(BreakpointObserver)
      .observe(Breakpoints.Handset)
      .pipe(map((state) => state.matches)),
    { initialValue: false },
  );
  private readonly url = toSignal(
    this.router.events.pipe(
      filter((event) => event instanceof NavigationEnd),
      map(() => this.router.url),
    ),
    { initialValue: this.router.url },
  );
  /** The search page has its own box (with the query in it): the toolbar's would be a second one. */
  protected readonly onSearchPage = computed(() => this.url().startsWith('/search'));
  protected readonly navItems = computed(() =>
    NAV_ITEMS.filter((item) => (!item.adminOnly || this.session.isAdmin()) && (!item.handsetOnly || this.handset())),
  );

  constructor() {
    inject(Shortcuts).start();
    const pending = this.pendingApprovals;
    merge(timer(0, APPROVALS_POLL_MS), inject(EventsApi).events().pipe(debounceTime(LIVE_UPDATE_DEBOUNCE_MS)))
      .pipe(takeUntilDestroyed())
      .subscribe(() => pending.refresh());
  }

  protected isActive(item: NavItem, linkActive: boolean): boolean {
    return linkActive || (item.alsoActiveUnder !== undefined && this.url().startsWith(item.alsoActiveUnder));
  }

  protected useLanguage(lang: Lang): void {
    this.i18n.use(lang);
  }

  protected changePassword(): void {
    this.dialog.open(ChangePasswordDialog, { maxWidth: '95vw' });
  }

  protected logOut(): void {
    this.session.logout().subscribe({
      complete: () => void this.router.navigateByUrl('/login'),
      // Even if the server call fails, the local session is cleared; show the login page anyway.
      error: () => void this.router.navigateByUrl('/login'),
    });
  }
}
