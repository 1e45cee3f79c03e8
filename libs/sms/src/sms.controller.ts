import { CurrentPrincipal, Principal, RequireRights } from '@madoguchi/auth';
import { MissingRight } from '@madoguchi/core';
import { MailboxesService } from '@madoguchi/mailboxes';
import { Body, Controller, Delete, Get, HttpCode, Param, ParseIntPipe, Patch, Post, Put, Query } from '@nestjs/common';
import { ApiBadRequestResponse, ApiConflictResponse, ApiCreatedResponse, ApiForbiddenResponse, ApiNoContentResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { SegmentsDto, SendSmsDto, SmsMessageQueryDto } from './messages/sms-message.dto';
import { SmsMessagesService } from './messages/sms-messages.service';
import { smsWarnings } from './opt-out';
import { segments } from './segments';
import { SmsSettingsDto } from './settings/sms-settings.dto';
import { SmsSettingsService } from './settings/sms-settings.service';
import { CreateSmsTemplateDto, UpdateSmsTemplateDto } from './templates/sms-template.dto';
import { SmsTemplatesService } from './templates/sms-templates.service';

/** The SMS history is read by those who send SMS and by those who read the karte. */
function assertCanRead(p: Principal): void {
  if (!p.has('sms.send') && !p.has('customers.read')) throw new MissingRight(['sms.send', 'customers.read'], 'global', 'to read the SMS history');
}

@ApiTags('sms')
@Controller('sms')
export class SmsController {
  constructor(
    private readonly settings: SmsSettingsService,
    private readonly templates: SmsTemplatesService,
    private readonly messages: SmsMessagesService,
    private readonly mailboxes: MailboxesService,
  ) {}

  // ---- settings (SMS送信設定) ---------------------------------------------------------------

  @Get('settings')
  @RequireRights('sms.settings')
  @ApiOperation({ summary: 'SMS settings (secrets only as whether they are set)' })
  getSettings() {
    return this.settings.view();
  }

  @Put('settings')
  @RequireRights('sms.settings')
  @ApiOperation({ summary: 'Change the SMS settings; fields left out keep their value' })
  @ApiBadRequestResponse({ description: 'Invalid fields: a provider without its credentials, more than 5 notify addresses, an unknown mailbox' })
  putSettings(@Body() dto: SmsSettingsDto, @CurrentPrincipal() p: Principal) {
    return this.settings.update(dto, p.actor, async (id) => !!(await this.mailboxes.ref(id)));
  }

  @Get('options')
  @RequireRights('sms.send')
  @ApiOperation({ summary: 'What the send dialog needs: {provider, captured, confirmBeforeSend, showResultAfterSend}' })
  sendOptions() {
    return this.settings.sendOptions();
  }

  @Post('settings/test')
  @HttpCode(200)
  @RequireRights('sms.settings')
  @ApiOperation({ summary: 'Test the saved provider settings (signs in, sends nothing)' })
  @ApiOkResponse({ description: '{ok, provider, code?, error?}: code is SMS_AUTH_FAILED, SMS_PROVIDER_UNREACHABLE, …' })
  testSettings() {
    return this.settings.test();
  }

  // ---- templates (雛形) -----------------------------------------------------------------------

  @Get('templates')
  @ApiOperation({ summary: 'List SMS templates' })
  listTemplates() {
    return this.templates.list();
  }

  @Post('templates')
  @RequireRights('sms.settings')
  @ApiOperation({ summary: 'Create an SMS template' })
  @ApiBadRequestResponse({ description: 'Invalid fields, e.g. fields.body: ["unknown placeholder [[%名前%]] — known: …"] (code UNKNOWN_PLACEHOLDER)' })
  createTemplate(@Body() dto: CreateSmsTemplateDto, @CurrentPrincipal() p: Principal) {
    return this.templates.create(dto, p.actor);
  }

  @Get('templates/:id')
  @ApiOperation({ summary: 'Get one SMS template' })
  @ApiNotFoundResponse({ description: 'SMS_TEMPLATE_NOT_FOUND' })
  getTemplate(@Param('id', ParseIntPipe) id: number) {
    return this.templates.get(id);
  }

  @Patch('templates/:id')
  @RequireRights('sms.settings')
  @ApiOperation({ summary: 'Change an SMS template' })
  @ApiBadRequestResponse({ description: 'Invalid fields, unknown or unclosed placeholders' })
  @ApiNotFoundResponse({ description: 'SMS_TEMPLATE_NOT_FOUND' })
  updateTemplate(@Param('id', ParseIntPipe) id: number, @Body() dto: UpdateSmsTemplateDto, @CurrentPrincipal() p: Principal) {
    return this.templates.update(id, dto, p.actor);
  }

  @Delete('templates/:id')
  @HttpCode(204)
  @RequireRights('sms.settings')
  @ApiOperation({ summary: 'Delete an SMS template' })
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiNotFoundResponse({ description: 'SMS_TEMPLATE_NOT_FOUND' })
  async removeTemplate(@Param('id', ParseIntPipe) id: number, @CurrentPrincipal() p: Principal) {
    await this.templates.remove(id, p.actor);
  }

  // ---- segments ---------------------------------------------------------------------------

  /** The same function the console uses (libs/sms/src/segments.ts). */
  @Post('segments')
  @HttpCode(200)
  @ApiOperation({ summary: 'Character count and per-carrier segments of a body; with purpose, also the warnings a send would get' })
  @ApiOkResponse({ description: '{length, segments: {docomo, au, softbank}, tooLong} and, when purpose is given, warnings: ["SMS_NO_OPT_OUT_TEXT"] or []' })
  segments(@Body() dto: SegmentsDto) {
    return dto.purpose ? { ...segments(dto.body), warnings: smsWarnings(dto.purpose, dto.body) } : segments(dto.body);
  }

  // ---- messages ---------------------------------------------------------------------------

  @Post('messages')
  @RequireRights('sms.send')
  @ApiOperation({ summary: 'Send an SMS now or schedule it (rounded up to a 10-minute slot)' })
  @ApiCreatedResponse({ description: '{id, status: queued|scheduled, scheduledAt, segments, links (click counting), warnings: ["SMS_NO_OPT_OUT_TEXT"] for a marketing body without an opt-out instruction, …}' })
  @ApiBadRequestResponse({ description: 'Invalid fields: unknown placeholders, a body over 660 characters, sendAt in the past or over a year ahead' })
  @ApiConflictResponse({ description: 'SMS_NO_MOBILE, SMS_NO_CONSENT, SMS_OPTED_OUT (marketing), SMS_NOT_CONFIGURED, SMS_NO_MAILBOX' })
  @ApiForbiddenResponse({ description: 'No sms.send right' })
  send(@Body() dto: SendSmsDto, @CurrentPrincipal() p: Principal) {
    return this.messages.send(dto, p);
  }

  @Get('messages')
  @ApiOperation({ summary: 'SMS history (送信履歴), newest first' })
  list(@Query() q: SmsMessageQueryDto, @CurrentPrincipal() p: Principal) {
    assertCanRead(p);
    return this.messages.list(q);
  }

  @Get('messages/:id')
  @ApiOperation({ summary: 'One SMS' })
  @ApiNotFoundResponse({ description: 'SMS_MESSAGE_NOT_FOUND' })
  get(@Param('id', ParseIntPipe) id: number, @CurrentPrincipal() p: Principal) {
    assertCanRead(p);
    return this.messages.get(id);
  }

  @Post('messages/:id/cancel')
  @HttpCode(200)
  @RequireRights('sms.send')
  @ApiOperation({ summary: 'Cancel a queued or scheduled SMS before it is sent (配信取消)' })
  @ApiConflictResponse({ description: 'SMS_NOT_CANCELLABLE: already sent, being sent, failed or cancelled' })
  @ApiNotFoundResponse({ description: 'SMS_MESSAGE_NOT_FOUND' })
  cancel(@Param('id', ParseIntPipe) id: number, @CurrentPrincipal() p: Principal) {
    return this.messages.cancel(id, p);
  }

  @Post('messages/:id/retry')
  @HttpCode(200)
  @RequireRights('sms.send')
  @ApiOperation({ summary: 'Send a failed SMS again (a new attempt through its outbox row, same idempotency key)' })
  @ApiOkResponse({ description: 'The SMS, queued again' })
  @ApiConflictResponse({ description: 'SMS_NOT_RETRYABLE: not failed (queued, scheduled, sent, cancelled …); SMS_OPTED_OUT / SMS_NO_CONSENT for a marketing SMS' })
  @ApiNotFoundResponse({ description: 'SMS_MESSAGE_NOT_FOUND' })
  retry(@Param('id', ParseIntPipe) id: number, @CurrentPrincipal() p: Principal) {
    return this.messages.retry(id, p);
  }
}
