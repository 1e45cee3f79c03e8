import { IsId } from '@madoguchi/core';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { IsDateString, IsInt, IsOptional, IsString, Max, MaxLength, Min, ValidateIf } from 'class-validator';

/** The most one visit may be: ¥100,000,000 (a typo with extra zeros is refused, the sum stays exact). */
export const MAX_VISIT_AMOUNT = 100_000_000;
export const VISIT_MEMO_MAX = 2000;
export const VISIT_BRANCH_MAX = 100;

/** Empty strings clear an optional field. */
const emptyToNull = () =>
  Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() || null : value));
const DATE_MESSAGE = 'visitedAt must be an ISO 8601 date and time (e.g. 2026-04-01T15:30:00+09:00)';
const AMOUNT_MESSAGE = `amount must be a whole number of yen from 0 to ${MAX_VISIT_AMOUNT}`;

class VisitFieldsDto {
  @ApiPropertyOptional({ type: String, maxLength: VISIT_BRANCH_MAX, nullable: true, description: '店舗' })
  @IsOptional()
  @emptyToNull()
  @ValidateIf((_, v) => v !== null)
  @IsString()
  @MaxLength(VISIT_BRANCH_MAX, { message: `branch must be at most ${VISIT_BRANCH_MAX} characters` })
  branch?: string | null;

  @ApiPropertyOptional({ type: Number, nullable: true, description: '担当スタッフ (staff user id)' })
  @IsOptional()
  @ValidateIf((_, v) => v !== null)
  @IsId()
  staffId?: number | null;

  @ApiPropertyOptional({ type: String, maxLength: VISIT_MEMO_MAX, nullable: true, description: '接客メモ' })
  @IsOptional()
  @emptyToNull()
  @ValidateIf((_, v) => v !== null)
  @IsString()
  @MaxLength(VISIT_MEMO_MAX, { message: `serviceMemo must be at most ${VISIT_MEMO_MAX} characters` })
  serviceMemo?: string | null;

  @ApiPropertyOptional({ type: String, maxLength: VISIT_MEMO_MAX, nullable: true, description: '提案メモ' })
  @IsOptional()
  @emptyToNull()
  @ValidateIf((_, v) => v !== null)
  @IsString()
  @MaxLength(VISIT_MEMO_MAX, { message: `proposalMemo must be at most ${VISIT_MEMO_MAX} characters` })
  proposalMemo?: string | null;
}

export class CreateVisitDto extends VisitFieldsDto {
  @ApiProperty({ type: String, format: 'date-time', description: 'ご利用日時' })
  @IsDateString({ strict: true }, { message: DATE_MESSAGE })
  visitedAt: string;

  @ApiPropertyOptional({
    type: Number,
    minimum: 0,
    maximum: MAX_VISIT_AMOUNT,
    default: 0,
    description: 'ご利用金額 (yen)',
  })
  @IsOptional()
  @IsInt({ message: AMOUNT_MESSAGE })
  @Min(0, { message: AMOUNT_MESSAGE })
  @Max(MAX_VISIT_AMOUNT, { message: AMOUNT_MESSAGE })
  amount?: number;
}

export class UpdateVisitDto extends VisitFieldsDto {
  @ApiPropertyOptional({ type: String, format: 'date-time', description: 'ご利用日時' })
  @IsOptional()
  @IsDateString({ strict: true }, { message: DATE_MESSAGE })
  visitedAt?: string;

  @ApiPropertyOptional({
    type: Number,
    minimum: 0,
    maximum: MAX_VISIT_AMOUNT,
    description: 'ご利用金額 (yen)',
  })
  @IsOptional()
  @IsInt({ message: AMOUNT_MESSAGE })
  @Min(0, { message: AMOUNT_MESSAGE })
  @Max(MAX_VISIT_AMOUNT, { message: AMOUNT_MESSAGE })
  amount?: number;
}

export class VisitQueryDto {
  @ApiPropertyOptional({ type: Number, minimum: 1, maximum: 100_000 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100_000)
  page?: number;
  @ApiPropertyOptional({ type: Number, minimum: 1, maximum: 200 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(200)
  pageSize?: number;
}

export class VisitView {
  @ApiProperty({ type: Number }) id: number;
  @ApiProperty({ type: Number }) customerId: number;
  @ApiProperty({ type: String, format: 'date-time' }) visitedAt: Date;
  @ApiProperty({ type: String, nullable: true }) branch: string | null;
  @ApiProperty({ type: Number, nullable: true }) staffId: number | null;
  @ApiProperty({ type: Number }) amount: number;
  @ApiProperty({ type: String, nullable: true }) serviceMemo: string | null;
  @ApiProperty({ type: String, nullable: true }) proposalMemo: string | null;
  @ApiProperty({ type: Number, nullable: true }) createdById: number | null;
  @ApiProperty({ type: String, format: 'date-time' }) createdAt: Date;
  @ApiProperty({ type: String, format: 'date-time' }) updatedAt: Date;
}

/** 最終来店日, 来店回数, 利用金額合計 and 平均, computed from every visit record of the customer. */
export class VisitSummary {
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) lastVisitAt: Date | null;
  @ApiProperty({ type: Number }) count: number;
  @ApiProperty({ type: Number, description: 'yen' }) totalAmount: number;
  @ApiProperty({ type: Number, description: 'yen, rounded to the nearest yen; 0 without visits' })
  averageAmount: number;
}

export class VisitPage {
  @ApiProperty({ type: [VisitView] }) items: VisitView[];
  @ApiProperty({ type: Number }) total: number;
  @ApiProperty({ type: Number }) page: number;
  @ApiProperty({ type: Number }) pageSize: number;
  @ApiProperty({ type: VisitSummary }) summary: VisitSummary;
}
