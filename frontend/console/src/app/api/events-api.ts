import { Injectable } from '@angular/core';
import { Observable, filter, share } from 'rxjs';

/** A ticket the user may see changed: new mail, a reply queued or sent, a state change. */
export interface TicketChanged {
  type: 'ticket';
  ticketId: number;
  mailboxId: number;
}

/** The stream came back after a break: events sent meanwhile were lost, so views should re-fetch. */
export interface StreamResumed {
  type: 'resumed';
}

/** Who has a ticket open, or writes a reply there, changed. */
export interface PresenceChanged {
  type: 'presence';
  ticketId: number;
  mailboxId: number;
}

/** An incoming call (CTI) the user may see: pop up, or update, its card. */
export interface CallArrived {
  type: 'call';
  /** Null when automatic history of incoming calls is switched off (nothing to link). */
  entryId: number | null;
  /** One matched customer, several candidates, or none (an unknown number). */
  customerIds: number[];
  /** The caller's number, digits only. */
  phone: string;
  event: 'ringing' | 'answered' | 'ended';
}

export type ServerEvent = TicketChanged | StreamResumed;

/** After EventSource gives up (it only retries by itself after network errors, not after an HTTP error). */
const RECONNECT_DELAYS_MS = [2_000, 5_000, 15_000, 30_000, 60_000];

/**
 * `GET /api/events` (server-sent events; the session cookie authenticates it). One EventSource is
 * shared by every subscriber and closed when the last one leaves.
 */
@Injectable({ providedIn: 'root' })
export class EventsApi {
  private readonly events$ = new Observable<ServerEvent | PresenceChanged | CallArrived>((subscriber) => {
    let source: EventSource | null = null;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let failures = 0;
    let connectedBefore = false;

    const connect = () => {
      source = new EventSource('/api/events');
      source.onopen = () => {
        failures = 0;
        if (connectedBefore) {
          subscriber.next({ type: 'resumed' });
        }
        connectedBefore = true;
      };
      source.onmessage = (message: MessageEvent<string>) => {
        const event = parseTicketChanged(message.data);
        if (event) {
          subscriber.next(event);
        }
      };
      source.onerror = () => {
        // CONNECTING: the browser retries by itself. CLOSED: it gave up (e.g. a 401 or a 502 from
        // a proxy), so try again later, more slowly each time.
        if (source?.readyState === EventSource.CLOSED) {
          source.close();
          const delay = RECONNECT_DELAYS_MS[Math.min(failures, RECONNECT_DELAYS_MS.length - 1)];
          failures++;
          timer = setTimeout(connect, delay);
        }
      };
    };

    connect();
    return () => {
      clearTimeout(timer);
      source?.close();
    };
  }).pipe(share());

  /** Ticket changes (and resumption), not presence or calls: views re-fetch on these. */
  events(): Observable<ServerEvent> {
    return this.events$.pipe(filter((e): e is ServerEvent => e.type === 'ticket' || e.type === 'resumed'));
  }

  /** Who has a ticket open changed (and resumption, after which presence should be fetched again). */
  presence(): Observable<PresenceChanged | StreamResumed> {
    return this.events$.pipe(filter((e): e is PresenceChanged | StreamResumed => e.type === 'presence' || e.type === 'resumed'));
  }

  /** Incoming calls, for the pop-up card. */
  calls(): Observable<CallArrived> {
    return this.events$.pipe(filter((e): e is CallArrived => e.type === 'call'));
  }
}

const CALL_EVENTS: readonly string[] = ['ringing', 'answered', 'ended'];

function parseCall(value: Record<string, unknown>): CallArrived | null {
  const { entryId, customerIds, phone, event } = value;
  const idsOk = Array.isArray(customerIds) && customerIds.every((id) => typeof id === 'number');
  return (entryId === null || typeof entryId === 'number') && idsOk && typeof phone === 'string' && typeof event === 'string' && CALL_EVENTS.includes(event)
    ? { type: 'call', entryId, customerIds: customerIds as number[], phone, event: event as CallArrived['event'] }
    : null;
}

function parseTicketChanged(data: string): TicketChanged | PresenceChanged | CallArrived | null {
  try {
    const value: unknown = JSON.parse(data);
    if (typeof value !== 'object' || value === null) {
      return null;
    }
    if ((value as Record<string, unknown>)['type'] === 'call') {
      return parseCall(value as Record<string, unknown>);
    }
    const { type, ticketId, mailboxId } = value as Record<string, unknown>;
    return (type === 'ticket' || type === 'presence') && typeof ticketId === 'number' && typeof mailboxId === 'number'
      ? { type, ticketId, mailboxId }
      : null;
  } catch {
    return null;
  }
}
