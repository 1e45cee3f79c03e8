import { IsId } from '@madoguchi/core';
import { TEMPLATE_LIMITS } from '@madoguchi/mailboxes';
import { CurrentPrincipal, Principal } from '@madoguchi/auth';
import { Body, Controller, HttpCode, Param, ParseIntPipe, Post } from '@nestjs/common';
import { ApiBadRequestResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsOptional, IsString, MaxLength, ValidateIf } from 'class-validator';

import { ComposeService } from './compose.service';

export class RenderTemplateDto {
  /** The ticket whose customer, code and subject fill the placeholders. Left out: a 新規メール作成 (give `mailboxId`). */
  @ApiPropertyOptional()
  @ValidateIf((o: RenderTemplateDto) => o.mailboxId === undefined)
  @IsId()
  ticketId?: number;

  /** 新規メール作成: the mailbox it goes out from (the ticket has no code yet). */
  @ApiPropertyOptional()
  @ValidateIf((o: RenderTemplateDto) => o.ticketId === undefined)
  @IsId()
  mailboxId?: number;

  /** 新規メール作成: the customer it goes to, for the customer's name and code (needs customers.read). */
  @ApiPropertyOptional()
  @IsOptional()
  @IsId()
  customerId?: number;

  /** 新規メール作成: the subject typed so far, for `{{ticket.subject}}`. */
  @ApiPropertyOptional({ maxLength: 500 })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  subject?: string;
}

/** A template as it is being written (not saved yet), to fill in for a ticket. */
export class PreviewTemplateDto {
  /** The ticket whose customer, code and subject fill the placeholders. */
  @IsId() ticketId: number;

  /** The mailbox the template is for; null or left out: a shared template. */
  @ApiPropertyOptional({ nullable: true })
  @IsOptional()
  @IsId()
  mailboxId?: number | null;

  /** The body or signature text as typed. */
  @ApiPropertyOptional({ maxLength: TEMPLATE_LIMITS.body, nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(TEMPLATE_LIMITS.body)
  body?: string | null;

  /** A sender template's display name as typed. */
  @ApiPropertyOptional({ maxLength: TEMPLATE_LIMITS.fromName, nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(TEMPLATE_LIMITS.fromName)
  fromName?: string | null;
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
  /**
   * The template as it is being written, before it is saved (the templates screen's preview):
   * `{text, fromName, fromAddress: null, replyTo: null}`. The user must be able to view the
   * ticket; a template for another mailbox than the ticket's is refused. Nothing is saved.
   */
  @Post('preview')
  @HttpCode(200)
  @ApiOperation({ summary: 'Render an unsaved template against a ticket (preview while editing)' })
  @ApiOkResponse({ description: '{text, fromName, fromAddress, replyTo}' })
  @ApiBadRequestResponse({ description: 'Bad input, or the ticket belongs to another mailbox than the template' })
  @ApiNotFoundResponse({ description: 'The ticket does not exist or is hidden from the user' })
  preview(@Body() dto: PreviewTemplateDto, @CurrentPrincipal() p: Principal) {
    return this.compose.preview(dto, p);
  }

  @Post(':id/render')
  @HttpCode(200)
  @ApiOperation({ summary: 'Render a template against a ticket (preview)' })
  @ApiOkResponse({ description: '{text, fromName, fromAddress, replyTo}' })
  @ApiBadRequestResponse({ description: 'The template belongs to another mailbox than the ticket' })
  @ApiNotFoundResponse({ description: 'The template or the ticket does not exist or is hidden from the user' })
  render(@Param('id', ParseIntPipe) id: number, @Body() dto: RenderTemplateDto, @CurrentPrincipal() p: Principal) {
    if (dto.ticketId === undefined) return this.compose.renderForNewMail(id, { mailboxId: dto.mailboxId!, customerId: dto.customerId, subject: dto.subject }, p);
    return this.compose.render(id, dto.ticketId, p);
  }
}
