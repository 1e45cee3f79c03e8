import {
  ChangeDetectionStrategy,
  Component,
  DestroyRef,
  computed,
  effect,
  inject,
  input,
  signal,
  untracked,
} from '@angular/core';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import { filter } from 'rxjs';

import { EventsApi } from '../api/events-api';
import { PresenceApi, type Presence } from '../api/presence-api';
import { TranslatePipe } from '../i18n/translate-pipe';
import { PresenceTracker } from './presence-tracker';

/** The server counts a tab gone after 15 s without a beat. */
const HEARTBEAT_MS = 5_000;

/**
 * Collision warnings on the ticket page: who else has the ticket open, and who of them is
 * writing a reply (「返信を作成中」), kept live by the SSE stream's presence events. It also
 * beats this tab's own presence while the page is open and says goodbye when it closes.
 */
@Component({
  selector: 'mg-presence-bar',
  imports: [TranslatePipe],
  template: `
    @if (others().length > 0) {
      <section
        class="presence"
        data-testid="presence-bar"
        [attr.aria-label]="'presence.label' | t"
        aria-live="polite"
      >
        <span class="lead">{{ 'presence.alsoHere' | t }}</span>
        <ul>
          @for (p of others(); track p.userId) {
            <li [class.composing]="p.composing" data-testid="presence-user">
              <span class="avatar" aria-hidden="true">{{ initial(p.name) }}</span>
              <span class="name">{{ p.name }}</span>
              @if (p.composing) {
                <span class="state" data-testid="presence-composing">{{ 'presence.composing' | t }}</span>
              }
            </li>
          }
        </ul>
      </section>
    }
  `,
  styles: `
    .presence {
      display: flex;
      flex-wrap: wrap;
      align-items: center;
      gap: 8px;
      margin: 8px 0;
      padding: 6px 12px;
      border-radius: 8px;
      background: var(--mat-sys-secondary-container, #e8eaf6);
    }
    ul {
      display: flex;
      flex-wrap: wrap;
      gap: 12px;
      margin: 0;
      padding: 0;
      list-style: none;
    }
    li {
      display: flex;
      align-items: center;
      gap: 6px;
    }
    .avatar {
      display: inline-grid;
      place-items: center;
      width: 24px;
      height: 24px;
      border-radius: 50%;
      background: var(--mat-sys-primary, #3f51b5);
      color: var(--mat-sys-on-primary, #fff);
      font-size: 12px;
    }
    .composing .avatar {
      background: var(--mat-sys-tertiary, #c2185b);
    }
    .state {
      font-weight: 600;
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class PresenceBar {
  private readonly api = inject(PresenceApi);
  private readonly tracker = inject(PresenceTracker);

  readonly ticketId = input.required<number>();

  protected readonly others = signal<readonly Presence[]>([]);
  private readonly composing = computed(() => this.tracker.composingTicket() === this.ticketId());

  constructor() {
    // Beat now and every few seconds while this ticket is open; leave when it changes or the view goes.
    effect((onCleanup) => {
      const id = this.ticketId();
      untracked(() => {
        this.others.set([]);
        this.beat(id, this.composing());
        this.fetch(id);
      });
      const timer = setInterval(
        () =>
          this.beat(
            id,
            untracked(() => this.composing()),
          ),
        HEARTBEAT_MS,
      );
      const leave = () => this.leaveByKeepalive(id);
      window.addEventListener('pagehide', leave);
      onCleanup(() => {
        clearInterval(timer);
        window.removeEventListener('pagehide', leave);
        this.api.leave(id, this.tracker.session).subscribe({ error: () => undefined });
      });
    });
    // Typing started or stopped: tell the others at once.
    let told = false;
    effect(() => {
      const composing = this.composing();
      if (composing !== told) {
        told = composing;
        untracked(() => this.beat(this.ticketId(), composing));
      }
    });
    inject(EventsApi)
      .presence()
      .pipe(
        filter((e) => e.type === 'resumed' || e.ticketId === this.ticketId()),
        takeUntilDestroyed(),
      )
      .subscribe(() => this.fetch(this.ticketId()));
    inject(DestroyRef).onDestroy(() => this.tracker.stopped());
  }

  protected initial(name: string): string {
    return [...name.trim()][0] ?? '?';
  }

  private beat(ticketId: number, composing: boolean): void {
    // A failed beat (offline, rights gone) only means the others stop seeing us; nothing to show.
    this.api.beat(ticketId, composing, this.tracker.session).subscribe({ error: () => undefined });
  }

  private fetch(ticketId: number): void {
    this.api.forTicket(ticketId).subscribe({
      next: (list) => {
        if (ticketId === this.ticketId()) this.others.set(list);
      },
      error: () => undefined,
    });
  }

  /** While the page unloads only a keepalive request still goes out; it carries the CSRF header itself. */
  private leaveByKeepalive(ticketId: number): void {
    const token = /(?:^|;\s*)XSRF-TOKEN=([^;]+)/.exec(document.cookie)?.[1];
    void fetch(`/api/tickets/${ticketId}/presence?session=${encodeURIComponent(this.tracker.session)}`, {
      method: 'DELETE',
      keepalive: true,
      credentials: 'same-origin',
      headers: token ? { 'X-XSRF-TOKEN': decodeURIComponent(token) } : {},
    }).catch(() => undefined);
  }
}
