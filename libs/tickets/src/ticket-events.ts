import { Injectable } from '@nestjs/common';
import { EventEmitter } from 'node:events';

export interface TicketChanged {
  type: 'ticket';
  ticketId: number;
  mailboxId: number;
}

/**
 * In-process notice that a ticket changed, for the console's live updates (SSE). Emitted after
 * commit. With several instances each console hears its own instance only; the list's reload
 * button and the next poll cover the rest.
 */
@Injectable()
export class TicketEvents {
  private readonly emitter = new EventEmitter().setMaxListeners(0);

  changed(ticketId: number, mailboxId: number): void {
    this.emitter.emit('changed', { type: 'ticket', ticketId, mailboxId } satisfies TicketChanged);
  }

  subscribe(listener: (e: TicketChanged) => void): () => void {
    this.emitter.on('changed', listener);
    return () => this.emitter.off('changed', listener);
  }
}
