import { IsId } from '@madoguchi/core';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsBoolean, IsIn, IsOptional, IsString, IsUrl, Matches, MaxLength, ValidateNested } from 'class-validator';
import { SMS_PROVIDERS, SmsProviderKind } from './sms-settings.entity';

const url = { require_protocol: true, protocols: ['http', 'https'], require_tld: false };
const urlMessage = { message: '$property must be an http(s) URL' };

export class TwilioSettingsDto {
  @ApiPropertyOptional({ maxLength: 64, example: 'AC0123456789abcdef0123456789abcdef' })
  @IsOptional() @IsString() @Matches(/^[A-Za-z0-9]{2,64}$/, { message: 'accountSid must be letters and digits (AC…)' })
  accountSid?: string;

  /** Write-only: absent or empty keeps the stored token. */
  @ApiPropertyOptional({ maxLength: 128, writeOnly: true })
  @IsOptional() @IsString() @MaxLength(128)
  authToken?: string;

  /** The sender number (E.164) or alphanumeric sender; or use messagingServiceSid. */
  @ApiPropertyOptional({ maxLength: 20, nullable: true, example: '+815012345678' })
  @IsOptional() @IsString() @Matches(/^(\+[1-9][0-9]{6,14}|[A-Za-z0-9 ]{1,11})$/, { message: 'from must be a number in E.164 (+81…) or an alphanumeric sender of at most 11 characters' })
  from?: string | null;

  @ApiPropertyOptional({ maxLength: 64, nullable: true })
  @IsOptional() @IsString() @Matches(/^[A-Za-z0-9]{2,64}$/, { message: 'messagingServiceSid must be letters and digits (MG…)' })
  messagingServiceSid?: string | null;

  /** Twilio's API; a test or a staging setup points it at a local server. */
  @ApiPropertyOptional({ maxLength: 255, default: 'https://api.twilio.com' })
  @IsOptional() @IsString() @MaxLength(255) @IsUrl(url, urlMessage)
  baseUrl?: string;
}

export class GatewaySettingsDto {
  @ApiPropertyOptional({ maxLength: 255, example: 'https://api.sms-gateway.example.jp' })
  @IsOptional() @IsString() @MaxLength(255) @IsUrl(url, urlMessage)
  baseUrl?: string;

  /** Write-only: absent or empty keeps the stored token. */
  @ApiPropertyOptional({ maxLength: 512, writeOnly: true })
  @IsOptional() @IsString() @MaxLength(512)
  token?: string;

  @ApiPropertyOptional({ maxLength: 20, description: 'The sender name or number the gateway shows' })
  @IsOptional() @IsString() @MaxLength(20)
  sender?: string;
}

/** PUT /api/sms/settings: fields left out keep their value; secrets are never returned. */
export class SmsSettingsDto {
  @ApiPropertyOptional({ enum: SMS_PROVIDERS })
  @IsOptional() @IsIn(SMS_PROVIDERS, { message: `provider must be one of: ${SMS_PROVIDERS.join(', ')}` })
  provider?: SmsProviderKind;

  @ApiPropertyOptional({ type: TwilioSettingsDto })
  @IsOptional() @ValidateNested() @Type(() => TwilioSettingsDto)
  twilio?: TwilioSettingsDto;

  @ApiPropertyOptional({ type: GatewaySettingsDto })
  @IsOptional() @ValidateNested() @Type(() => GatewaySettingsDto)
  gateway?: GatewaySettingsDto;

  /** 「SMS送信後に送信結果を表示する」 */
  @ApiPropertyOptional() @IsOptional() @IsBoolean() showResultAfterSend?: boolean;

  /** 「SMS送信前に確認メッセージを表示する」 */
  @ApiPropertyOptional() @IsOptional() @IsBoolean() confirmBeforeSend?: boolean;

  /** Up to 5 addresses separated by `;`, told after each send. */
  @ApiPropertyOptional({ maxLength: 1300, example: 'a@example.jp;b@example.jp' })
  @IsOptional() @IsString() @MaxLength(1300)
  notifyAddresses?: string;

  /** The mailbox SMS belong to; null: the first mailbox. */
  @ApiPropertyOptional({ type: Number, nullable: true })
  @IsOptional() @IsId()
  mailboxId?: number | null;
}
