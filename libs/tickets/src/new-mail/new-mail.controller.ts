import { CurrentPrincipal, Principal } from '@madoguchi/auth';
import { Body, Controller, Post } from '@nestjs/common';
import { ApiBadRequestResponse, ApiCreatedResponse, ApiForbiddenResponse, ApiNotFoundResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CreateNewMailDto, NewMailCreatedDto } from './new-mail.dto';
import { NewMailService } from './new-mail.service';

/** 新規メール作成: a ticket that starts with our mail to a customer. */
@ApiTags('replies')
@Controller('tickets/outbound')
export class NewMailController {
  constructor(private readonly newMail: NewMailService) {}

  /**
   * Opens a ticket whose first article is this mail, written as a reply is: `queued` (sent after
   * the undo window, or at `sendAt`) or `awaiting_approval` under the mailbox's approval policy.
   */
  @Post()
  @ApiOperation({ summary: 'Write a new mail to a customer (a ticket born outbound)' })
  @ApiCreatedResponse({ type: NewMailCreatedDto })
  @ApiBadRequestResponse({ description: 'VALIDATION_FAILED (to, subject, text, customerId, …) or MAILBOX_CANNOT_SEND' })
  @ApiForbiddenResponse({ description: 'RIGHT_REQUIRED: the reply right on the mailbox (customers.read to name a customer)' })
  @ApiNotFoundResponse({ description: 'MAILBOX_NOT_FOUND: no such mailbox, or hidden from the user' })
  create(@Body() dto: CreateNewMailDto, @CurrentPrincipal() p: Principal) {
    return this.newMail.create(dto, p);
  }
}
