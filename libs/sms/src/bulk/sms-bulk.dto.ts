import { IsId } from '@madoguchi/core';
import { CustomerQueryDto } from '@madoguchi/customers';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsISO8601,
  IsOptional,
  Max,
  Min,
  ValidateNested,
} from 'class-validator';
import { SMS_PURPOSES, SmsPurpose } from '../messages/sms-message.entity';

/** How many customers one bulk send may reach (the body may name up to twice as many: the rest is SMS_BULK_TOO_LARGE). */
export const SMS_BULK_MAX = 5000;

export class BulkSmsDto {
  /** The customers chosen in a search result; or `search`. */
  @ApiPropertyOptional({
    type: [Number],
    maxItems: SMS_BULK_MAX * 2,
    description: `At most ${SMS_BULK_MAX} distinct customers`,
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(SMS_BULK_MAX * 2)
  @IsInt({ each: true })
  @Min(1, { each: true })
  @Max(2_147_483_647, { each: true })
  customerIds?: number[];

  /** Every customer matching this customer search (GET /api/customers' query; page and pageSize are ignored). */
  @ApiPropertyOptional({ type: CustomerQueryDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => CustomerQueryDto)
  search?: CustomerQueryDto;

  @ApiProperty({ type: Number }) @IsId() templateId: number;

  @ApiProperty({ enum: SMS_PURPOSES })
  @IsIn(SMS_PURPOSES, { message: `purpose must be one of: ${SMS_PURPOSES.join(', ')}` })
  purpose: SmsPurpose;

  /** Absent: now. Rounded up to the 10-minute slot; the SMS then go out from the slot at the provider's rate. */
  @ApiPropertyOptional({ format: 'date-time' })
  @IsOptional()
  @IsISO8601(
    { strict: true },
    { message: 'sendAt must be a date and time in ISO 8601 (2026-12-03T15:10:00+09:00)' },
  )
  sendAt?: string;

  @ApiPropertyOptional() @IsOptional() @IsBoolean() clickCount?: boolean;
}
