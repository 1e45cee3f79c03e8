import { AuthedRequest, AuthService, CurrentPrincipal, Principal } from '@madoguchi/auth';
import { Controller, Get, Req, Res } from '@nestjs/common';
import { ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { TicketChanged, TicketEvents } from './ticket-events.service';

@ApiTags('tickets')
@Controller('events')
export class EventsController {
  constructor(
    private readonly events: TicketEvents,
    private readonly auth: AuthService,
  ) {}

  /**
   * Server-sent events: `{"type":"ticket","ticketId","mailboxId"}` whenever a ticket the user may
   * see changes. Rights are those of now, not of when the stream opened: when the user's access
   * changes, events are held until it has been read again, and the stream ends with the session.
   */
  @Get()
  @ApiProduces('text/event-stream')
  stream(@CurrentPrincipal() p: Principal, @Req() req: AuthedRequest, @Res() res: Response) {
    res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache', Connection: 'keep-alive', 'X-Accel-Buffering': 'no' });
    res.write(': connected\n\n');
    let principal = p;
    let held: TicketChanged[] | null = null;
    const send = (e: TicketChanged) => {
      if (principal.can(e.mailboxId, 'view')) res.write(`data: ${JSON.stringify(e)}\n\n`);
    };
    const unsubscribe = this.events.subscribe((e) => (held ? held.push(e) : send(e)));
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
      unsubscribe();
      stopWatching();
    };
    const end = () => {
      cleanUp();
      res.end();
    };
    req.on('close', cleanUp);
  }
}
