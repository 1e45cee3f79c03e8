import { IsId } from '@madoguchi/core';
import { ApiProperty, ApiPropertyOptional, OmitType } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsDefined,
  IsIn,
  IsInt,
  IsISO8601,
  IsOptional,
  IsString,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { CustomerQueryDto } from '../customer.dto';
import { HISTORY_STATES, HistoryState } from './history-entry.entity';

/** Most ticked customers one request may name; more are given as the search. */
export const MAX_BATCH_IDS = 10_000;
/** Most customers one search may register at once; the caller narrows the search for more. */
export const MAX_BATCH_SEARCH = 50_000;

const trim = () => Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value));

/** The customer list's search, without its paging (and order, which does not change who matches). */
export class HistoryBatchSearchDto extends OmitType(CustomerQueryDto, ['page', 'pageSize', 'sort', 'order'] as const) {}

/** 担当 of the entries: one fixed staff member, or each customer's own 担当 (the first by user id; none → no 担当). */
export class HistoryBatchStaffDto {
  @IsIn(['fixed', 'assignee'], { message: 'staff.mode must be fixed or assignee' })
  @ApiProperty({ enum: ['fixed', 'assignee'] })
  mode: 'fixed' | 'assignee';

  @ValidateIf((o: HistoryBatchStaffDto) => o.mode === 'fixed')
  @IsId()
  @ApiPropertyOptional({ type: Number })
  staffId?: number;
}

/**
 * `POST /api/history/batches` (一括登録): the customers by `customerIds` (at most 10,000) or by
 * `search` (every customer it matches, at most 50,000), and the entry written for each.
 */
export class CreateHistoryBatchDto {
  @IsOptional()
  @IsArray({ message: 'customerIds must be a list of customer ids' })
  @ArrayMinSize(1, { message: 'tick at least one customer' })
  @ArrayMaxSize(MAX_BATCH_IDS, { message: `at most ${MAX_BATCH_IDS} customer ids per batch: give the search instead` })
  @IsInt({ each: true, message: 'customerIds must be customer ids' })
  @Min(1, { each: true, message: 'customerIds must be customer ids' })
  @ApiPropertyOptional({ type: [Number] })
  customerIds?: number[];

  @ApiPropertyOptional({ type: () => HistoryBatchSearchDto })
  @IsOptional() @ValidateNested() @Type(() => HistoryBatchSearchDto) search?: HistoryBatchSearchDto;

  @trim()
  @IsString({ message: 'title is required' })
  @MinLength(1, { message: 'title is required' })
  @MaxLength(100, { message: 'title must be at most 100 characters' })
  @ApiProperty({ type: String, maxLength: 100 })
  title: string;

  @IsDefined({ message: 'state is required' })
  @IsIn(HISTORY_STATES, { message: `state must be one of ${HISTORY_STATES.join(', ')}` })
  @ApiProperty({ enum: HISTORY_STATES })
  state: HistoryState;

  @IsDefined({ message: 'createdAt is required' })
  @IsISO8601({ strict: true }, { message: 'createdAt must be an ISO 8601 date and time' })
  @ApiProperty({ type: String, format: 'date-time' })
  createdAt: string;

  @ApiProperty({ type: () => HistoryBatchStaffDto })
  @IsDefined({ message: 'staff is required' }) @ValidateNested() @Type(() => HistoryBatchStaffDto) staff: HistoryBatchStaffDto;
}

export class HistoryBatchQueryDto {
  @ApiPropertyOptional({ type: Number })
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(100_000) page?: number;
  @ApiPropertyOptional({ type: Number })
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(200) pageSize?: number;
}
