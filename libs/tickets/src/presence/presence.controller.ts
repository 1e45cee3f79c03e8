import { CurrentPrincipal, Principal } from '@madoguchi/auth';
import { Body, Controller, Delete, Get, HttpCode, Param, ParseIntPipe, Post, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { LeavePresenceDto, PresenceDto, PresenceQueryDto } from './presence.dto';
import { PresenceService } from './presence.service';

/**
 * Collision warnings: who else has a ticket open and who is writing a reply. The console beats
 * every ~5 s while the ticket is open and at once when typing starts or stops; a tab silent for
 * 15 s counts as gone. Changes are pushed on `GET /api/events` as `{type: 'presence'}`. Needs
 * `view` on the ticket's mailbox; a hidden ticket answers 404 like an unknown one.
 */
@ApiTags('presence')
@Controller()
export class PresenceController {
  constructor(private readonly presence: PresenceService) {}

  /** The heartbeat: the caller has the ticket open, composing or not. */
  @Post('tickets/:id/presence')
  @HttpCode(204)
  async beat(
    @Param('id', ParseIntPipe) id: number,
    @Body() dto: PresenceDto,
    @CurrentPrincipal() p: Principal,
  ) {
    await this.presence.beat(id, dto.composing, dto.session, p);
  }

  /** Leaving the ticket (also from `fetch(…, {keepalive: true})` while the page unloads). */
  @Delete('tickets/:id/presence')
  @HttpCode(204)
  async leave(
    @Param('id', ParseIntPipe) id: number,
    @Query() q: LeavePresenceDto,
    @CurrentPrincipal() p: Principal,
  ) {
    await this.presence.leave(id, q.session, p);
  }

  /** Everyone but the caller who has the ticket open: `[{userId, name, composing, since}]`. */
  @Get('tickets/:id/presence')
  forTicket(@Param('id', ParseIntPipe) id: number, @CurrentPrincipal() p: Principal) {
    return this.presence.forTicket(id, p);
  }

  /** For the list's 対応中 badge: `?ticketIds=1,2,…` (≤ 200); only tickets someone else has open, of those the caller may see. */
  @Get('presence')
  forTickets(@Query() q: PresenceQueryDto, @CurrentPrincipal() p: Principal) {
    return this.presence.forTickets(q.ticketIds, p);
  }
}
