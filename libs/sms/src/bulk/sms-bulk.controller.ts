import { CurrentPrincipal, Principal, RequireRights } from '@madoguchi/auth';
import { Body, Controller, Get, HttpCode, Param, ParseIntPipe, Post } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { BulkSmsDto, SMS_BULK_MAX } from './sms-bulk.dto';
import { SmsBulkService } from './sms-bulk.service';

/** 一斉送信 from a customer search result (the SMS-send right). */
@ApiTags('sms')
@Controller('sms/bulk')
export class SmsBulkController {
  constructor(private readonly bulk: SmsBulkService) {}

  @Post('preview')
  @HttpCode(200)
  @RequireRights('sms.send')
  @ApiOperation({ summary: 'Who a bulk send would reach and who is left out and why; writes nothing' })
  @ApiOkResponse({
    description:
      '{total, recipients: [{customerId, code, name, number}], skipped: [{customerId, reason}], counts: {recipients, skipped, reasons}, provider, ratePerSecond, estimatedSeconds, scheduledAt, warnings}; reasons: CUSTOMER_NOT_FOUND, SMS_NO_MOBILE, SMS_NO_CONSENT, SMS_OPTED_OUT',
  })
  @ApiBadRequestResponse({
    description: `SMS_BULK_TOO_LARGE (more than ${SMS_BULK_MAX} customers), neither or both of customerIds and search, a meeting template, sendAt out of range`,
  })
  @ApiNotFoundResponse({ description: 'SMS_TEMPLATE_NOT_FOUND' })
  preview(@Body() dto: BulkSmsDto) {
    return this.bulk.preview(dto);
  }

  @Post()
  @RequireRights('sms.send')
  @ApiOperation({
    summary:
      'Send one template to many customers: each recipient its own SMS, outbox row and history entry, spread at the provider rate',
  })
  @ApiCreatedResponse({ description: '{id, queued, skipped: [{customerId, reason}], warnings}' })
  @ApiBadRequestResponse({
    description: `SMS_BULK_TOO_LARGE (more than ${SMS_BULK_MAX} customers), invalid fields`,
  })
  @ApiConflictResponse({ description: 'SMS_NOT_CONFIGURED, SMS_NO_MAILBOX' })
  @ApiNotFoundResponse({ description: 'SMS_TEMPLATE_NOT_FOUND' })
  send(@Body() dto: BulkSmsDto, @CurrentPrincipal() p: Principal) {
    return this.bulk.send(dto, p);
  }

  @Get(':id')
  @RequireRights('sms.send')
  @ApiOperation({
    summary: 'Progress of a bulk send: waiting, sent, failed, cancelled, and who was left out',
  })
  @ApiNotFoundResponse({ description: 'SMS_BULK_NOT_FOUND' })
  progress(@Param('id', ParseIntPipe) id: number) {
    return this.bulk.progress(id);
  }
}
