import { Public } from '@madoguchi/auth';
import { Controller, HttpCode, Param, Post, Req, Res } from '@nestjs/common';
import { ApiBadRequestResponse, ApiConsumes, ApiForbiddenResponse, ApiHeader, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiParam, ApiPayloadTooLargeResponse, ApiProduces, ApiTags, ApiUnsupportedMediaTypeResponse } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { GATEWAY_SIGNATURE_HEADER, GATEWAY_TIMESTAMP_HEADER } from './gateway-signature';
import { SmsWebhooksService, WebhookKind, WebhookRequest } from './sms-webhooks.service';

/** Twilio takes TwiML back; an empty <Response/> answers nothing (no automatic reply to any SMS). */
const EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response/>';

const header = (req: Request, name: string): string | undefined => {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
};

/**
 * The SMS providers' webhooks: public (no staff session, no XSRF token — providers sign their
 * requests instead), their bodies read raw (64 KB at most, apps/server http/body-limits.ts) so
 * the signature is checked on the bytes that came.
 */
@ApiTags('sms webhooks')
@Public()
@Controller('sms/webhooks')
export class SmsWebhooksController {
  constructor(private readonly webhooks: SmsWebhooksService) {}

  private async answer(provider: string, kind: WebhookKind, req: Request, res: Response): Promise<string | { ok: true; recorded: boolean }> {
    const r: WebhookRequest = {
      contentType: header(req, 'content-type'),
      raw: Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0),
      twilioSignature: header(req, 'x-twilio-signature'),
      gatewayTimestamp: header(req, GATEWAY_TIMESTAMP_HEADER),
      gatewaySignature: header(req, GATEWAY_SIGNATURE_HEADER),
    };
    const { recorded } = await this.webhooks.handle(provider, kind, r);
    if (provider === 'twilio') {
      res.type('text/xml; charset=utf-8');
      return EMPTY_TWIML;
    }
    return { ok: true, recorded };
  }

  @Post(':provider/inbound')
  @HttpCode(200)
  @ApiOperation({ summary: 'An inbound SMS from the provider (Twilio: its form post, signed; gateway: signed JSON, see docs/sms.md)' })
  @ApiParam({ name: 'provider', enum: ['twilio', 'gateway'] })
  @ApiConsumes('application/x-www-form-urlencoded', 'application/json')
  @ApiProduces('text/xml', 'application/json')
  @ApiHeader({ name: 'X-Twilio-Signature', required: false, description: 'Twilio: the request signature (against {PUBLIC_URL}/api/sms/webhooks/twilio/inbound)' })
  @ApiHeader({ name: 'X-Sms-Timestamp', required: false, description: 'Gateway: Unix seconds when it was signed' })
  @ApiHeader({ name: 'X-Sms-Signature', required: false, description: 'Gateway: sha256=<hex HMAC-SHA256(token, timestamp + "." + raw body)>' })
  @ApiOkResponse({ description: 'Filed (or a replay, ignored). Twilio: an empty TwiML <Response/>; gateway: {ok, recorded}' })
  @ApiBadRequestResponse({ description: 'SMS_WEBHOOK_BODY: not what the provider sends' })
  @ApiForbiddenResponse({ description: 'SMS_WEBHOOK_SIGNATURE, SMS_WEBHOOK_EXPIRED, SMS_WEBHOOK_ACCOUNT: nothing recorded' })
  @ApiNotFoundResponse({ description: 'SMS_WEBHOOK_NOT_FOUND: local capture, an unknown provider, or its credentials are not set' })
  @ApiUnsupportedMediaTypeResponse({ description: 'SMS_WEBHOOK_CONTENT_TYPE' })
  @ApiPayloadTooLargeResponse({ description: 'Over 64 KB' })
  inbound(@Param('provider') provider: string, @Req() req: Request, @Res({ passthrough: true }) res: Response) {
    return this.answer(provider, 'inbound', req, res);
  }

  @Post(':provider/status')
  @HttpCode(200)
  @ApiOperation({ summary: "The provider's delivery report (Twilio's status callback; the gateway's signed JSON)" })
  @ApiParam({ name: 'provider', enum: ['twilio', 'gateway'] })
  @ApiConsumes('application/x-www-form-urlencoded', 'application/json')
  @ApiProduces('text/xml', 'application/json')
  @ApiOkResponse({ description: 'Recorded, or nothing to change (unknown message, repeated or out-of-order report)' })
  @ApiBadRequestResponse({ description: 'SMS_WEBHOOK_BODY' })
  @ApiForbiddenResponse({ description: 'SMS_WEBHOOK_SIGNATURE, SMS_WEBHOOK_EXPIRED, SMS_WEBHOOK_ACCOUNT: nothing recorded' })
  @ApiNotFoundResponse({ description: 'SMS_WEBHOOK_NOT_FOUND' })
  @ApiUnsupportedMediaTypeResponse({ description: 'SMS_WEBHOOK_CONTENT_TYPE' })
  @ApiPayloadTooLargeResponse({ description: 'Over 64 KB' })
  status(@Param('provider') provider: string, @Req() req: Request, @Res({ passthrough: true }) res: Response) {
    return this.answer(provider, 'status', req, res);
  }
}
