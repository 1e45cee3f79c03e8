import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, Max, Min } from 'class-validator';

export const CUSTOMER_MAIL_KINDS = ['reply', 'form_thanks'] as const;
export type CustomerMailKind = (typeof CUSTOMER_MAIL_KINDS)[number];

export class CustomerMailQueryDto {
  @ApiPropertyOptional({ enum: CUSTOMER_MAIL_KINDS })
  @IsOptional() @IsIn(CUSTOMER_MAIL_KINDS, { message: `kind must be one of ${CUSTOMER_MAIL_KINDS.join(', ')}` }) kind?: CustomerMailKind;
  @ApiPropertyOptional({ type: Number })
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(100_000) page?: number;
  @ApiPropertyOptional({ type: Number })
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(200) pageSize?: number;
}
