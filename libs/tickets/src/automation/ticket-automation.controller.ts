import { CurrentPrincipal, Principal } from '@madoguchi/auth';
import { Body, Controller, HttpCode, Param, ParseIntPipe, Post } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { MoveTicketsDto, ReapplyRulesDto } from './ticket-automation.dto';
import { TicketAutomationService } from './ticket-automation.service';

@ApiTags('mailbox automation')
@Controller()
export class TicketAutomationController {
  constructor(private readonly service: TicketAutomationService) {}

  /** Moves tickets of one mailbox into a folder (`folderId`) or to the top level (null). */
  @Post('tickets/move')
  @HttpCode(200)
  move(@Body() dto: MoveTicketsDto, @CurrentPrincipal() p: Principal) {
    return this.service.move(dto, p);
  }

  /** Applies the routing rules again to the tickets of a folder (or the top level): `{folderId}`. */
  @Post('mailboxes/:id/rules/reapply')
  @HttpCode(200)
  reapply(@Param('id', ParseIntPipe) id: number, @Body() dto: ReapplyRulesDto, @CurrentPrincipal() p: Principal) {
    return this.service.reapply(id, dto.folderId ?? null, p);
  }
}
