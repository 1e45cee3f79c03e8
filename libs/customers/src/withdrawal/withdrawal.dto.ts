import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsOptional, IsString, MaxLength, ValidateIf } from 'class-validator';

export const WITHDRAWAL_REASON_MAX = 500;

export class WithdrawCustomerDto {
  @ApiPropertyOptional({
    type: String,
    maxLength: WITHDRAWAL_REASON_MAX,
    nullable: true,
    description: '退会理由: kept on the history entry and in the audit log',
  })
  @IsOptional()
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() || null : value))
  @ValidateIf((_, v) => v !== null)
  @IsString()
  @MaxLength(WITHDRAWAL_REASON_MAX, { message: `reason must be at most ${WITHDRAWAL_REASON_MAX} characters` })
  reason?: string | null;
}
