import { Injectable } from '@angular/core';
import { Observable, share, timer } from 'rxjs';

/** `{"type":"thread","threadId"}`: one of the customer's threads changed (a post, a staff post reaching the portal). */
export interface PortalEvent {
  readonly threadId: number | null;
}

const RECONNECT_DELAYS_MS = [2_000, 5_000, 15_000, 30_000, 60_000];

/**
 * `GET /api/portal/events` (server-sent events; the portal cookie authenticates it). One
 * EventSource shared by the open views, closed when the last one leaves. After a break the views
 * are told too (threadId null), since events sent meanwhile were lost.
 */
@Injectable({ providedIn: 'root' })
export class PortalEvents {
  readonly changes$: Observable<PortalEvent> = new Observable<PortalEvent>((subscriber) => {
    let source: EventSource | null = null;
    let retry: ReturnType<typeof setTimeout> | undefined;
    let failures = 0;
    let connectedBefore = false;

    const onData = (data: string) => subscriber.next({ threadId: threadIdOf(data) });
    const connect = () => {
      source = new EventSource('/api/portal/events');
      source.onopen = () => {
        failures = 0;
        if (connectedBefore) subscriber.next({ threadId: null });
        connectedBefore = true;
      };
      source.onmessage = (message: MessageEvent<string>) => onData(message.data);
      source.onerror = () => {
        // CONNECTING: the browser retries by itself. CLOSED (a 401, a proxy's 502): try later, slower each time.
        if (source?.readyState === EventSource.CLOSED) {
          source.close();
          retry = setTimeout(
            connect,
            RECONNECT_DELAYS_MS[Math.min(failures++, RECONNECT_DELAYS_MS.length - 1)],
          );
        }
      };
    };

    connect();
    return () => {
      clearTimeout(retry);
      source?.close();
    };
  }).pipe(
    // Kept open a moment after the last view leaves, so going from the list to a thread reuses it.
    share({ resetOnRefCountZero: () => timer(10_000) }),
  );
}

function threadIdOf(data: string): number | null {
  try {
    const body: unknown = JSON.parse(data);
    if (typeof body === 'object' && body !== null) {
      const id = (body as Record<string, unknown>)['threadId'];
      return typeof id === 'number' ? id : null;
    }
  } catch {
    // A keep-alive or an event without JSON: treated as "something changed".
  }
  return null;
}
