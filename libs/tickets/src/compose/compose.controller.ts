import { IsId } from '@madoguchi/core';
import { CurrentPrincipal, Principal } from '@madoguchi/auth';
import { Body, Controller, HttpCode, Param, ParseIntPipe, Post } from '@nestjs/common';
import { ApiBadRequestResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';

import { ComposeService } from './compose.service';

export class RenderTemplateDto {
  /** The ticket whose customer, code and subject fill the placeholders. */
  @IsId() ticketId: number;
}

@ApiTags('templates')
@Controller('templates')
export class ComposeController {
  constructor(private readonly compose: ComposeService) {}

  /**
   * The template filled in for a ticket: `{text, fromName, fromAddress, replyTo}`. `text` is the
   * rendered body or signature ('' for a sender template); the sender fields are null when unset.
   * Nothing is saved; the user must be able to view the template and the ticket.
   */
  @Post(':id/render')
  @HttpCode(200)
  @ApiOperation({ summary: 'Render a template against a ticket (preview)' })
  @ApiOkResponse({ description: '{text, fromName, fromAddress, replyTo}' })
  @ApiBadRequestResponse({ description: 'The template belongs to another mailbox than the ticket' })
  @ApiNotFoundResponse({ description: 'The template or the ticket does not exist or is hidden from the user' })
  render(@Param('id', ParseIntPipe) id: number, @Body() dto: RenderTemplateDto, @CurrentPrincipal() p: Principal) {
    return this.compose.render(id, dto.ticketId, p);
  }
}
