import { CurrentPrincipal, Principal } from '@madoguchi/auth';
import { Body, Controller, HttpCode, Param, ParseIntPipe, Post } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { MergeTicketsDto } from './merge.dto';
import { MergeService } from './merge.service';

/** 統合 (merge tickets of one mailbox; manage) and 分割 (an inbound article into a new ticket; reply). */
@ApiTags('merge')
@Controller()
export class MergeController {
  constructor(private readonly merges: MergeService) {}

  /** Moves everything of `sourceIds` into `targetId`; the merged tickets stay as pointers. Answers the survivor. */
  @Post('tickets/merge')
  @HttpCode(200)
  merge(@Body() dto: MergeTicketsDto, @CurrentPrincipal() p: Principal) {
    return this.merges.merge(dto, p);
  }

  /** Takes a customer's message out into a new ticket (same customer, new code). Answers the new ticket. */
  @Post('articles/:id/split')
  split(@Param('id', ParseIntPipe) id: number, @CurrentPrincipal() p: Principal) {
    return this.merges.split(id, p);
  }
}
