import { AuthedRequest, AuthService, CurrentPrincipal, Principal } from '@madoguchi/auth';
import { CallPopUp, CtiEvents } from '@madoguchi/customers';
import { Controller, Get, Req, Res } from '@nestjs/common';
import { ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { PresenceChanged, PresenceEvents } from './presence/presence-events.service';
import { TicketChanged, TicketEvents } from './ticket-events.service';

@ApiTags('tickets')
@Controller('events')
export class EventsController {
  constructor(
    private readonly events: TicketEvents,
    private readonly auth: AuthService,
    private readonly presence: PresenceEvents,
    private readonly calls: CtiEvents,
  ) {}

  /**
   * Server-sent events: `{"type":"ticket","ticketId","mailboxId"}` whenever a ticket the user may
   * see changes, `{"type":"presence",…}` when who has it open (or writes a reply there) changes,
   * `{"type":"call","entryId","customerIds","phone","event"}` for an incoming call (to those who may read customers).
   * Rights are those of now, not of when the stream opened: when the user's access
   * changes, events are held until it has been read again, and the stream ends with the session.
   */
  @Get()
  @ApiProduces('text/event-stream')
  stream(@CurrentPrincipal() p: Principal, @Req() req: AuthedRequest, @Res() res: Response) {
    res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache', Connection: 'keep-alive', 'X-Accel-Buffering': 'no' });
    res.write(': connected\n\n');
    let principal = p;
    let held: (TicketChanged | PresenceChanged | CallPopUp)[] | null = null;
    const send = (e: TicketChanged | PresenceChanged | CallPopUp) => {
      const allowed = e.type === 'call' ? principal.has('customers.read') : principal.can(e.mailboxId, 'view');
      if (allowed) res.write(`data: ${JSON.stringify(e)}\n\n`);
    };
    const unsubscribeTickets = this.events.subscribe((e) => (held ? held.push(e) : send(e)));
    const unsubscribePresence = this.presence.subscribe((e) => (held ? held.push(e) : send(e)));
    const unsubscribeCalls = this.calls.subscribe((e) => (held ? held.push(e) : send(e)));
    const stopWatching = this.auth.watch(req, {
      stale: () => (held ??= []),
      fresh: (next) => {
        const waiting = held ?? [];
        held = null;
        if (!next) return end();
        principal = next;
        waiting.forEach(send);
      },
    });
    // Proxies drop idle connections; a comment every 25 s keeps this one open.
    const keepAlive = setInterval(() => res.write(': keep-alive\n\n'), 25_000);
    let ended = false;
    const cleanUp = () => {
      if (ended) return;
      ended = true;
      clearInterval(keepAlive);
      unsubscribeTickets();
      unsubscribePresence();
      unsubscribeCalls();
      stopWatching();
    };
    const end = () => {
      cleanUp();
      res.end();
    };
    req.on('close', cleanUp);
  }
}
