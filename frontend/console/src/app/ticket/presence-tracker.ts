import { Injectable, signal } from '@angular/core';

/** Typing stops counting as 「返信を作成中」 after this long without a keystroke. */
const COMPOSING_IDLE_MS = 20_000;

/**
 * This tab's part in collision warnings: a key for the tab (so two tabs of one person are two
 * presences on the server) and whether the composer is being written in, which the presence bar
 * beats to the server at once when it changes.
 */
@Injectable({ providedIn: 'root' })
export class PresenceTracker {
  readonly session = randomKey();
  private readonly composingOn = signal<number | null>(null);
  private idle: ReturnType<typeof setTimeout> | undefined;

  /** The ticket whose reply is being written in this tab, or null. */
  readonly composingTicket = this.composingOn.asReadonly();

  /** A keystroke in the composer of this ticket. */
  typing(ticketId: number): void {
    this.composingOn.set(ticketId);
    clearTimeout(this.idle);
    this.idle = setTimeout(() => this.composingOn.set(null), COMPOSING_IDLE_MS);
  }

  /** Sent, emptied, or left: no longer writing. */
  stopped(): void {
    clearTimeout(this.idle);
    this.composingOn.set(null);
  }
}

function randomKey(): string {
  const bytes = new Uint8Array(12);
  crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}
