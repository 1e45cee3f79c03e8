import { CurrentPrincipal, Principal } from '@madoguchi/auth';
import { Body, Controller, Delete, Get, HttpCode, Param, ParseIntPipe, Post } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { BlockedSendersService } from './blocked-senders.service';
import { BlockedSenderDto, MarkSpamDto } from './spam.dto';
import { SpamService } from './spam.service';

/**
 * 迷惑メール on a ticket (reply right; blocking its sender needs manage) and the mailbox's blocked
 * senders (manage), whose new mail is filed straight to spam. Nothing is deleted by marking spam.
 */
@ApiTags('spam')
@Controller()
export class SpamController {
  constructor(
    private readonly spam: SpamService,
    private readonly blocked: BlockedSendersService,
  ) {}

  /** Moves the ticket to 迷惑メール; `{block: address|domain}` also blocks its sender for the mailbox. Answers the ticket. */
  @Post('tickets/:id/spam')
  @HttpCode(200)
  markSpam(@Param('id', ParseIntPipe) id: number, @Body() dto: MarkSpamDto, @CurrentPrincipal() p: Principal) {
    return this.spam.markOne(id, dto.block, p);
  }

  /** 迷惑メールではない: back to the inbox; lifts the sender's block where the caller has manage. Answers the ticket. */
  @Post('tickets/:id/not-spam')
  @HttpCode(200)
  markNotSpam(@Param('id', ParseIntPipe) id: number, @CurrentPrincipal() p: Principal) {
    return this.spam.unmarkOne(id, p);
  }

  /** The mailbox's blocked senders, by pattern. */
  @Get('mailboxes/:id/blocked-senders')
  list(@Param('id', ParseIntPipe) id: number, @CurrentPrincipal() p: Principal) {
    return this.blocked.list(id, p);
  }

  /** Blocks `{pattern}`: an address (`taro@example.jp`) or a domain (`@example.jp`). */
  @Post('mailboxes/:id/blocked-senders')
  add(@Param('id', ParseIntPipe) id: number, @Body() dto: BlockedSenderDto, @CurrentPrincipal() p: Principal) {
    return this.blocked.add(id, dto.pattern, p);
  }

  /** Removes one entry of the list (its id from the list). */
  @Delete('mailboxes/:id/blocked-senders/:senderId')
  @HttpCode(204)
  async remove(@Param('id', ParseIntPipe) id: number, @Param('senderId', ParseIntPipe) senderId: number, @CurrentPrincipal() p: Principal) {
    await this.blocked.remove(id, senderId, p);
  }
}
