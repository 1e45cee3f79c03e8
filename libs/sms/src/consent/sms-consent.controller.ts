import { CurrentPrincipal, Principal, RequireRights } from '@madoguchi/auth';
import { Body, Controller, Get, Param, ParseIntPipe, Put } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiForbiddenResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { PutSmsConsentDto } from './sms-consent.dto';
import { SmsConsentService } from './sms-consent.service';

/** A customer's SMS consent on the karte: read with the customer, changed by those who edit customers. */
@ApiTags('sms')
@Controller('customers/:id/sms-consent')
export class SmsConsentController {
  constructor(private readonly consent: SmsConsentService) {}

  @Get()
  @RequireRights('customers.read')
  @ApiOperation({ summary: "A customer's SMS consent (特定電子メール法) now and its history, newest first" })
  @ApiOkResponse({
    description:
      '{customerId, current: {optIn: true|false|null, method, at, byUserId, by}, history: [{id, optIn, method, note, byUserId, by, createdAt}]}',
  })
  @ApiNotFoundResponse({ description: 'CUSTOMER_NOT_FOUND' })
  get(@Param('id', ParseIntPipe) id: number) {
    return this.consent.view(id);
  }

  @Put()
  @RequireRights('customers.write')
  @ApiOperation({ summary: "Record a customer's SMS opt-in or opt-out (when, how, by whom)" })
  @ApiOkResponse({ description: 'The consent now and its history, as GET' })
  @ApiBadRequestResponse({
    description: 'optIn not a boolean, an unknown method, a note over 500 characters',
  })
  @ApiNotFoundResponse({ description: 'CUSTOMER_NOT_FOUND' })
  @ApiForbiddenResponse({ description: 'No customers.write right' })
  put(
    @Param('id', ParseIntPipe) id: number,
    @Body() dto: PutSmsConsentDto,
    @CurrentPrincipal() p: Principal,
  ) {
    return this.consent.put(id, { optIn: dto.optIn, method: dto.method, note: dto.note ?? null }, p.actor);
  }
}
