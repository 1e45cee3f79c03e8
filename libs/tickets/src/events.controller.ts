import { CurrentPrincipal, Principal } from '@madoguchi/auth';
import { Controller, Get, Req, Res } from '@nestjs/common';
import { ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { TicketEvents } from './ticket-events';

@ApiTags('tickets')
@Controller('events')
export class EventsController {
  constructor(private readonly events: TicketEvents) {}

  /** Server-sent events: `{"type":"ticket","ticketId","mailboxId"}` whenever a ticket the user may see changes. */
  @Get()
  @ApiProduces('text/event-stream')
  stream(@CurrentPrincipal() p: Principal, @Req() req: Request, @Res() res: Response) {
    res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache', Connection: 'keep-alive', 'X-Accel-Buffering': 'no' });
    res.write(': connected\n\n');
    const unsubscribe = this.events.subscribe((e) => {
      if (p.can(e.mailboxId, 'view')) res.write(`data: ${JSON.stringify(e)}\n\n`);
    });
    // Proxies drop idle connections; a comment every 25 s keeps this one open.
    const keepAlive = setInterval(() => res.write(': keep-alive\n\n'), 25_000);
    req.on('close', () => {
      clearInterval(keepAlive);
      unsubscribe();
    });
  }
}
