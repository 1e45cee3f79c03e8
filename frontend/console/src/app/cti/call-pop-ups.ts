import { ChangeDetectionStrategy, Component, inject, signal } from '@angular/core';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import { filter } from 'rxjs';

import { EventsApi, type CallArrived } from '../api/events-api';
import { Session } from '../core/session';
import { CallCard } from './call-card';

/** Cards shown at once; an older call makes room for a newer one. */
const MAX_CARDS = 3;
/** Calls remembered after their card closed, so a later event of the call does not reopen it. */
const MAX_REMEMBERED = 200;

interface ShownCall {
  key: string;
  call: CallArrived;
}

function keyOf(call: CallArrived): string {
  return call.entryId !== null ? `entry:${call.entryId}` : `phone:${call.phone}`;
}

/**
 * Incoming-call pop-ups over every page: a ringing call opens a card (newest on top, below the
 * toolbar); its later events (answered, ended) update the card if it is still open, and never
 * open a new one.
 */
@Component({
  selector: 'mg-call-pop-ups',
  imports: [CallCard],
  template: `
    @for (shown of cards(); track shown.key) {
      <mg-call-card [call]="shown.call" (closed)="close(shown.key)" />
    }
  `,
  styles: `
    :host {
      position: fixed;
      top: 72px;
      right: 16px;
      z-index: 1000;
      display: flex;
      flex-direction: column;
      gap: 12px;
      max-height: calc(100vh - 88px);
      overflow-y: auto;
      pointer-events: none;
    }
    mg-call-card {
      flex: none;
      pointer-events: auto;
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class CallPopUps {
  private readonly session = inject(Session);
  protected readonly cards = signal<readonly ShownCall[]>([]);
  private readonly seen = new Set<string>();

  constructor() {
    inject(EventsApi)
      .calls()
      .pipe(
        filter(() => this.session.can('customers.read')),
        takeUntilDestroyed(),
      )
      .subscribe((call) => this.arrived(call));
  }

  protected close(key: string): void {
    this.cards.update((cards) => cards.filter((c) => c.key !== key));
  }

  private arrived(call: CallArrived): void {
    const key = keyOf(call);
    const open = this.cards().some((c) => c.key === key);
    if (open) {
      this.cards.update((cards) => cards.map((c) => (c.key === key ? { key, call } : c)));
      return;
    }
    if (call.event !== 'ringing' || this.seen.has(key)) {
      return;
    }
    // Without an entry (automatic history off) each ringing is a call of its own.
    if (call.entryId !== null) {
      this.remember(key);
    }
    this.cards.update((cards) => [{ key, call }, ...cards].slice(0, MAX_CARDS));
  }

  private remember(key: string): void {
    this.seen.add(key);
    if (this.seen.size > MAX_REMEMBERED) {
      this.seen.delete(this.seen.values().next().value!);
    }
  }
}
