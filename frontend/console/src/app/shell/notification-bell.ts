import { ChangeDetectionStrategy, Component, computed, inject, signal } from '@angular/core';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import { MatBadgeModule } from '@angular/material/badge';
import { MatButtonModule } from '@angular/material/button';
import { MatIconModule } from '@angular/material/icon';
import { MatMenuModule } from '@angular/material/menu';
import { Router, RouterLink } from '@angular/router';
import { debounceTime, merge, timer } from 'rxjs';

import { EventsApi } from '../api/events-api';
import { NotificationsApi, type AppNotification, type NotificationList } from '../api/notifications-api';
import { Notifier } from '../core/notifier';
import { DateTimePipe } from '../i18n/date-time-pipe';
import type { MessageKey } from '../i18n/ja';
import { TranslatePipe } from '../i18n/translate-pipe';

/** Notifications are not pushed over the event stream; they are fetched this often and on ticket events. */
const POLL_INTERVAL_MS = 30_000;
const LIVE_UPDATE_DEBOUNCE_MS = 500;

const KIND_LABELS: Record<string, MessageKey> = {
  approval_requested: 'notifications.kind.approval_requested',
  reply_rejected: 'notifications.kind.reply_rejected',
  reply_approved: 'notifications.kind.reply_approved',
  reply_approval_undone: 'notifications.kind.reply_approval_undone',
  reply_send_failed: 'notifications.kind.reply_send_failed',
  ticket_assigned: 'notifications.kind.ticket_assigned',
  comment_mention: 'notifications.kind.comment_mention',
};

/** The bell in the toolbar: unread count, the list, each linking to its ticket. */
@Component({
  selector: 'mg-notification-bell',
  imports: [MatBadgeModule, MatButtonModule, MatIconModule, MatMenuModule, RouterLink, DateTimePipe, TranslatePipe],
  template: `
    <button
      mat-icon-button
      type="button"
      [matMenuTriggerFor]="menu"
      [matBadge]="unread() > 0 ? unread() : null"
      matBadgeColor="warn"
      matBadgeSize="small"
      [attr.aria-label]="'notifications.title' | t"
      [attr.data-unread]="unread()"
      data-testid="notifications-bell"
    >
      <!-- Material Icons "notifications" (Apache-2.0), inline like the rest of the console's icons. -->
      <mat-icon>
        <svg viewBox="0 0 24 24" fill="currentColor" aria-hidden="true">
          <path
            d="M12 22c1.1 0 2-.9 2-2h-4c0 1.1.89 2 2 2zm6-6v-5c0-3.07-1.64-5.64-4.5-6.32V4c0-.83-.67-1.5-1.5-1.5s-1.5.67-1.5 1.5v.68C7.63 5.36 6 7.92 6 11v5l-2 2v1h16v-1l-2-2z"
          />
        </svg>
      </mat-icon>
    </button>
    <mat-menu #menu="matMenu" class="notifications-menu" xPosition="before">
      <div class="menu-head" (click)="$event.stopPropagation()" (keydown)="$event.stopPropagation()">
        <strong>{{ 'notifications.title' | t }}</strong>
        <span class="spacer"></span>
        <a mat-button routerLink="/settings/notifications" data-testid="notifications-settings-link">
          {{ 'notificationSettings.link' | t }}
        </a>
        @if (unread() > 0) {
          <button mat-button type="button" (click)="markAllRead()" data-testid="notifications-read-all">
            {{ 'notifications.markAllRead' | t }}
          </button>
        }
      </div>
      @for (item of items(); track item.id) {
        <button
          mat-menu-item
          type="button"
          class="item"
          [class.unread]="item.readAt === null"
          (click)="open(item)"
          data-testid="notification-item"
          [attr.data-kind]="item.kind"
          [attr.data-read]="item.readAt !== null"
        >
          <span class="item-kind">{{ kindLabel(item) | t }}</span>
          <span class="item-text">{{ item.text }}</span>
          <span class="item-date muted">{{ item.createdAt | dateTime }}</span>
        </button>
      } @empty {
        <p class="empty muted" data-testid="notifications-empty">{{ 'notifications.empty' | t }}</p>
      }
    </mat-menu>
  `,
  styles: `
    .menu-head {
      display: flex;
      align-items: center;
      gap: 8px;
      min-width: 280px;
      padding: 4px 8px 4px 16px;
    }
    .item {
      height: auto;
      min-height: 48px;
      padding-top: 6px;
      padding-bottom: 6px;
    }
    .item.unread {
      background: var(--mat-sys-secondary-container);
    }
    .item-kind,
    .item-date {
      display: block;
      font: var(--mat-sys-label-small);
    }
    .item-text {
      display: block;
      white-space: normal;
      overflow-wrap: anywhere;
    }
    .empty {
      margin: 0;
      padding: 8px 16px;
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class NotificationBell {
  private readonly api = inject(NotificationsApi);
  private readonly router = inject(Router);
  private readonly notifier = inject(Notifier);

  private readonly list = signal<NotificationList>({ items: [], unread: 0 });
  protected readonly items = computed(() => this.list().items);
  protected readonly unread = computed(() => this.list().unread);
  private loading = false;
  private again = false;

  constructor() {
    merge(timer(0, POLL_INTERVAL_MS), inject(EventsApi).events().pipe(debounceTime(LIVE_UPDATE_DEBOUNCE_MS)))
      .pipe(takeUntilDestroyed())
      .subscribe(() => this.refresh());
  }

  protected kindLabel(item: AppNotification): MessageKey {
    return KIND_LABELS[item.kind] ?? 'notifications.kind.other';
  }

  protected open(item: AppNotification): void {
    if (item.readAt === null) {
      this.api.markRead(item.id).subscribe({ next: () => this.refresh(), error: () => undefined });
    }
    void this.router.navigate(['/tickets', item.ticketId]);
  }

  protected markAllRead(): void {
    this.api.markAllRead().subscribe({
      next: () => this.refresh(),
      error: (error: unknown) => this.notifier.error(error),
    });
  }

  /** One request at a time; a change noticed meanwhile asks once more afterwards. */
  private refresh(): void {
    if (this.loading) {
      this.again = true;
      return;
    }
    this.loading = true;
    const done = () => {
      this.loading = false;
      if (this.again) {
        this.again = false;
        this.refresh();
      }
    };
    this.api.list().subscribe({
      next: (list) => {
        this.list.set(list);
        done();
      },
      // The bell is a convenience: an error keeps what it showed.
      error: done,
    });
  }
}
