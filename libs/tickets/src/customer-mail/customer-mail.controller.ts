import { CurrentPrincipal, Principal, RequireRights } from '@madoguchi/auth';
import { Controller, Get, Param, ParseIntPipe, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { CustomerMailQueryDto } from './customer-mail.dto';
import { CustomerMailService } from './customer-mail.service';

/** The karte's 送信メール and 送信予約: mail to one customer, in the mailboxes the caller may view. */
@ApiTags('customers')
@Controller('customers/:id')
export class CustomerMailController {
  constructor(private readonly mail: CustomerMailService) {}

  /** Every mail sent to the customer (replies, thank-you mails), newest first; `kind` narrows. */
  @Get('sent-mail')
  @RequireRights('customers.read')
  sent(@Param('id', ParseIntPipe) id: number, @Query() query: CustomerMailQueryDto, @CurrentPrincipal() p: Principal) {
    return this.mail.sent(id, query, p);
  }

  /** Send-later replies to the customer not yet sent, soonest first. */
  @Get('scheduled-mail')
  @RequireRights('customers.read')
  scheduled(@Param('id', ParseIntPipe) id: number, @CurrentPrincipal() p: Principal) {
    return this.mail.scheduled(id, p);
  }
}
