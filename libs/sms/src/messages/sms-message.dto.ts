import { IsId } from '@madoguchi/core';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsISO8601, IsOptional, IsString, IsUrl, Max, MaxLength, Min, MinLength, ValidateNested } from 'class-validator';
import { SMS_PURPOSES, SMS_STATUSES, SmsPurpose, SmsStatus } from './sms-message.entity';

const DATE = (f: string) => ({ message: `${f} must be a date and time in ISO 8601 (2026-12-03T15:10:00+09:00)` });

export class MeetingDto {
  @ApiProperty({ maxLength: 500 })
  @IsString() @MaxLength(500) @IsUrl({ require_protocol: true, protocols: ['http', 'https'] }, { message: 'meeting.url must be an http(s) URL' })
  url: string;

  @ApiPropertyOptional({ maxLength: 50 })
  @IsOptional() @IsString() @MaxLength(50)
  id?: string;

  @ApiPropertyOptional({ maxLength: 50 })
  @IsOptional() @IsString() @MaxLength(50)
  password?: string;
}

export class SendSmsDto {
  @ApiProperty({ type: Number }) @IsId() customerId: number;

  /** The ticket it is sent from (the dialog on a ticket). */
  @ApiPropertyOptional({ type: Number }) @IsOptional() @IsId() ticketId?: number;

  @ApiPropertyOptional({ type: Number }) @IsOptional() @IsId() templateId?: number;

  /** Default: the template's subject, else the send time as YYYYMMDDHHmmss. */
  @ApiPropertyOptional({ maxLength: 100 }) @IsOptional() @IsString() @MaxLength(100) subject?: string;

  /** Up to 660 characters after the placeholders are filled. */
  @ApiProperty({ maxLength: 660 }) @IsString() @MinLength(1, { message: 'body is required' }) @MaxLength(2000) body: string;

  /** Absent: now. Rounded up to the provider's 10-minute slot; at most one year ahead. */
  @ApiPropertyOptional({ format: 'date-time' }) @IsOptional() @IsISO8601({ strict: true }, DATE('sendAt')) sendAt?: string;

  /** Click counting: the first two URLs of the body go out as short links `{PUBLIC_URL}/s/<code>` that count each click. */
  @ApiPropertyOptional() @IsOptional() @IsBoolean() clickCount?: boolean;

  @ApiProperty({ enum: SMS_PURPOSES }) @IsIn(SMS_PURPOSES, { message: `purpose must be one of: ${SMS_PURPOSES.join(', ')}` }) purpose: SmsPurpose;

  /** The online-meeting placeholders' values, needed when the body uses them. */
  @ApiPropertyOptional({ type: MeetingDto }) @IsOptional() @ValidateNested() @Type(() => MeetingDto) meeting?: MeetingDto;
}

export class SmsMessageQueryDto {
  @ApiPropertyOptional({ type: Number }) @IsOptional() @Type(() => Number) @IsId() customerId?: number;
  @ApiPropertyOptional({ enum: SMS_STATUSES }) @IsOptional() @IsIn(SMS_STATUSES, { message: `status must be one of: ${SMS_STATUSES.join(', ')}` }) status?: SmsStatus;
  /** Sent by this staff member. */
  @ApiPropertyOptional({ type: Number }) @IsOptional() @Type(() => Number) @IsId() staffId?: number;
  /** Written at or after. */
  @ApiPropertyOptional({ format: 'date-time' }) @IsOptional() @IsISO8601({ strict: true }, DATE('from')) from?: string;
  /** Written before. */
  @ApiPropertyOptional({ format: 'date-time' }) @IsOptional() @IsISO8601({ strict: true }, DATE('to')) to?: string;
  @ApiPropertyOptional({ type: Number, minimum: 1, maximum: 100000 }) @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(100_000) page?: number;
  @ApiPropertyOptional({ type: Number, minimum: 1, maximum: 200 }) @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(200) pageSize?: number;
}

export class SegmentsDto {
  @ApiProperty({ maxLength: 10000 }) @IsString() @MaxLength(10_000) body: string;

  /** Given: the answer carries `warnings` too (SMS_NO_OPT_OUT_TEXT for a marketing body without an opt-out instruction), so the dialog warns before sending. */
  @ApiPropertyOptional({ enum: SMS_PURPOSES }) @IsOptional() @IsIn(SMS_PURPOSES, { message: `purpose must be one of: ${SMS_PURPOSES.join(', ')}` }) purpose?: SmsPurpose;
}
