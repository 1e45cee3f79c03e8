import { IsId } from '@madoguchi/core';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsBoolean, IsIn, IsInt, IsISO8601, IsOptional, IsString, Max, MaxLength, Min, MinLength, ValidateIf, ValidateNested } from 'class-validator';
import { AUTO_HISTORY_EVENT_NAMES, AutoHistoryEvent } from './auto-history';
import { HISTORY_KINDS, HISTORY_STATES, HistoryKind, HistoryState } from './history-entry.entity';

const trim = () => Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value));
const STATE_MESSAGE = `state must be one of ${HISTORY_STATES.join(', ')}`;
const KIND_MESSAGE = `kind must be one of ${HISTORY_KINDS.join(', ')}`;
const DATE_MESSAGE = (field: string) => `${field} must be an ISO 8601 date and time`;

/** 明細: work time, scheduled time, staff, state, content (≤ 2,000). */
export class HistoryDetailDto {
  @ApiPropertyOptional({ type: String, format: 'date-time', nullable: true })
  @IsOptional() @ValidateIf((_, v) => v !== null) @IsISO8601({ strict: true }, { message: DATE_MESSAGE('workedAt') }) workedAt?: string | null;
  @ApiPropertyOptional({ type: String, format: 'date-time', nullable: true })
  @IsOptional() @ValidateIf((_, v) => v !== null) @IsISO8601({ strict: true }, { message: DATE_MESSAGE('scheduledAt') }) scheduledAt?: string | null;
  @ApiPropertyOptional({ type: Number, nullable: true })
  @IsOptional() @ValidateIf((_, v) => v !== null) @IsId() staffId?: number | null;
  @ApiPropertyOptional({ enum: HISTORY_STATES, nullable: true })
  @IsOptional() @ValidateIf((_, v) => v !== null) @IsIn(HISTORY_STATES, { message: STATE_MESSAGE }) state?: HistoryState | null;
  @IsString({ message: 'content is required' })
  @MinLength(1, { message: 'content is required' })
  @MaxLength(2000, { message: 'content must be at most 2,000 characters' })
  @ApiProperty({ type: String, maxLength: 2000 })
  content: string;
}

export class UpdateHistoryDetailDto {
  @ApiPropertyOptional({ type: String, format: 'date-time', nullable: true })
  @IsOptional() @ValidateIf((_, v) => v !== null) @IsISO8601({ strict: true }, { message: DATE_MESSAGE('workedAt') }) workedAt?: string | null;
  @ApiPropertyOptional({ type: String, format: 'date-time', nullable: true })
  @IsOptional() @ValidateIf((_, v) => v !== null) @IsISO8601({ strict: true }, { message: DATE_MESSAGE('scheduledAt') }) scheduledAt?: string | null;
  @ApiPropertyOptional({ type: Number, nullable: true })
  @IsOptional() @ValidateIf((_, v) => v !== null) @IsId() staffId?: number | null;
  @ApiPropertyOptional({ enum: HISTORY_STATES, nullable: true })
  @IsOptional() @ValidateIf((_, v) => v !== null) @IsIn(HISTORY_STATES, { message: STATE_MESSAGE }) state?: HistoryState | null;
  @IsOptional()
  @IsString()
  @MinLength(1, { message: 'content cannot be empty' })
  @MaxLength(2000, { message: 'content must be at most 2,000 characters' })
  @ApiPropertyOptional({ type: String, maxLength: 2000 })
  content?: string;
}

export class CreateHistoryEntryDto {
  @trim()
  @IsString({ message: 'title is required' })
  @MinLength(1, { message: 'title is required' })
  @MaxLength(100, { message: 'title must be at most 100 characters' })
  @ApiProperty({ type: String, maxLength: 100 })
  title: string;

  @ApiProperty({ enum: HISTORY_STATES })
  @IsIn(HISTORY_STATES, { message: STATE_MESSAGE }) state: HistoryState;
  @ApiPropertyOptional({ enum: HISTORY_KINDS })
  @IsOptional() @IsIn(HISTORY_KINDS, { message: KIND_MESSAGE }) kind?: HistoryKind;
  @ApiPropertyOptional({ type: String, format: 'date-time' })
  @IsOptional() @IsISO8601({ strict: true }, { message: DATE_MESSAGE('createdAt') }) createdAt?: string;
  @ApiPropertyOptional({ type: Number, nullable: true })
  @IsOptional() @ValidateIf((_, v) => v !== null) @IsId() staffId?: number | null;
  @ApiPropertyOptional({ type: Number, nullable: true })
  @IsOptional() @ValidateIf((_, v) => v !== null) @IsId() requestedToId?: number | null;
  @ApiPropertyOptional({ type: String, format: 'date-time', nullable: true })
  @IsOptional() @ValidateIf((_, v) => v !== null) @IsISO8601({ strict: true }, { message: DATE_MESSAGE('nextScheduledAt') }) nextScheduledAt?: string | null;
  @ApiPropertyOptional({ type: Number, nullable: true })
  @IsOptional() @ValidateIf((_, v) => v !== null) @IsId() ticketId?: number | null;

  @IsOptional()
  @IsArray()
  @ArrayMaxSize(100, { message: 'at most 100 detail lines' })
  @ValidateNested({ each: true })
  @Type(() => HistoryDetailDto)
  @ApiPropertyOptional({ type: () => [HistoryDetailDto] })
  details?: HistoryDetailDto[];
}

export class UpdateHistoryEntryDto {
  @IsOptional()
  @trim()
  @IsString()
  @MinLength(1, { message: 'title cannot be empty' })
  @MaxLength(100, { message: 'title must be at most 100 characters' })
  @ApiPropertyOptional({ type: String, maxLength: 100 })
  title?: string;

  @ApiPropertyOptional({ enum: HISTORY_STATES })
  @IsOptional() @IsIn(HISTORY_STATES, { message: STATE_MESSAGE }) state?: HistoryState;
  @ApiPropertyOptional({ enum: HISTORY_KINDS })
  @IsOptional() @IsIn(HISTORY_KINDS, { message: KIND_MESSAGE }) kind?: HistoryKind;
  @ApiPropertyOptional({ type: String, format: 'date-time' })
  @IsOptional() @IsISO8601({ strict: true }, { message: DATE_MESSAGE('createdAt') }) createdAt?: string;
  @ApiPropertyOptional({ type: Number, nullable: true })
  @IsOptional() @ValidateIf((_, v) => v !== null) @IsId() staffId?: number | null;
  @ApiPropertyOptional({ type: Number, nullable: true })
  @IsOptional() @ValidateIf((_, v) => v !== null) @IsId() requestedToId?: number | null;
  @ApiPropertyOptional({ type: String, format: 'date-time', nullable: true })
  @IsOptional() @ValidateIf((_, v) => v !== null) @IsISO8601({ strict: true }, { message: DATE_MESSAGE('nextScheduledAt') }) nextScheduledAt?: string | null;
}

const bool = () => Transform(({ value }: { value: unknown }) => (value === 'true' || value === '1' || value === true ? true : value === 'false' || value === '0' || value === false ? false : value));

/** GET /api/customers/:id/history: every filter narrows; `q` is any substring of title or details. */
export class HistoryQueryDto {
  @ApiPropertyOptional({ type: String, format: 'date-time' })
  @IsOptional() @IsISO8601({ strict: true }, { message: DATE_MESSAGE('createdFrom') }) createdFrom?: string;
  @ApiPropertyOptional({ type: String, format: 'date-time' })
  @IsOptional() @IsISO8601({ strict: true }, { message: DATE_MESSAGE('createdTo') }) createdTo?: string;
  @ApiPropertyOptional({ type: String, format: 'date-time' })
  @IsOptional() @IsISO8601({ strict: true }, { message: DATE_MESSAGE('nextFrom') }) nextFrom?: string;
  @ApiPropertyOptional({ type: String, format: 'date-time' })
  @IsOptional() @IsISO8601({ strict: true }, { message: DATE_MESSAGE('nextTo') }) nextTo?: string;
  @ApiPropertyOptional({ type: Number })
  @IsOptional() @Type(() => Number) @IsId() staffId?: number;
  @ApiPropertyOptional({ enum: HISTORY_STATES })
  @IsOptional() @IsIn(HISTORY_STATES, { message: STATE_MESSAGE }) state?: HistoryState;
  @ApiPropertyOptional({ enum: HISTORY_KINDS })
  @IsOptional() @IsIn(HISTORY_KINDS, { message: KIND_MESSAGE }) kind?: HistoryKind;
  @ApiPropertyOptional({ type: String, maxLength: 200 })
  @IsOptional() @IsString() @MaxLength(200) q?: string;
  @ApiPropertyOptional({ type: Boolean })
  @IsOptional() @bool() @IsBoolean({ message: 'openOnly must be true or false' }) openOnly?: boolean;
  @ApiPropertyOptional({ type: Number })
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(100_000) page?: number;
  @ApiPropertyOptional({ type: Number })
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(200) pageSize?: number;
}

/** GET /api/work: staffId defaults to me (as 担当 or 依頼先), state to "not done". */
export class WorkQueryDto {
  @ApiPropertyOptional({ type: Number })
  @IsOptional() @Type(() => Number) @IsId() staffId?: number;
  /** Work nobody has: neither 担当 nor 依頼先 (an unknown caller's call, an inquiry of an unassigned customer). */
  @ApiPropertyOptional({ type: Boolean })
  @IsOptional() @bool() @IsBoolean({ message: 'unassigned must be true or false' }) unassigned?: boolean;
  @ApiPropertyOptional({ enum: [...HISTORY_STATES, 'open', 'all'] })
  @IsOptional() @IsIn([...HISTORY_STATES, 'open', 'all'], { message: `state must be one of ${[...HISTORY_STATES, 'open', 'all'].join(', ')}` }) state?: HistoryState | 'open' | 'all';
  @ApiPropertyOptional({ type: String, format: 'date-time' })
  @IsOptional() @IsISO8601({ strict: true }, { message: DATE_MESSAGE('nextFrom') }) nextFrom?: string;
  @ApiPropertyOptional({ type: String, format: 'date-time' })
  @IsOptional() @IsISO8601({ strict: true }, { message: DATE_MESSAGE('nextTo') }) nextTo?: string;
  @ApiPropertyOptional({ type: Boolean })
  @IsOptional() @bool() @IsBoolean({ message: 'overdue must be true or false' }) overdue?: boolean;
  @ApiPropertyOptional({ type: Number })
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(100_000) page?: number;
  @ApiPropertyOptional({ type: Number })
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(200) pageSize?: number;
}

export class LinkHistoryDto {
  @ApiProperty({ type: Number })
  @IsId() customerId: number;
}

export class HistoryPhrasesDto {
  @IsArray()
  @ArrayMaxSize(10, { message: 'at most 10 fixed phrases' })
  @IsString({ each: true })
  @MinLength(1, { each: true, message: 'a fixed phrase cannot be empty' })
  @MaxLength(100, { each: true, message: 'a fixed phrase must be at most 100 characters' })
  @ApiProperty({ type: [String] })
  phrases: string[];
}

export class AutoHistoryEventDto {
  @ApiProperty({ enum: AUTO_HISTORY_EVENT_NAMES })
  @IsIn(AUTO_HISTORY_EVENT_NAMES, { message: `event must be one of ${AUTO_HISTORY_EVENT_NAMES.join(', ')}` }) event: AutoHistoryEvent;
  @ApiProperty({ type: Boolean })
  @IsBoolean() enabled: boolean;
  @ApiProperty({ enum: HISTORY_STATES })
  @IsIn(HISTORY_STATES, { message: STATE_MESSAGE }) state: HistoryState;
  @trim()
  @IsString()
  @MinLength(1, { message: 'title is required' })
  @MaxLength(100, { message: 'title must be at most 100 characters' })
  @ApiProperty({ type: String, maxLength: 100 })
  title: string;
}

export class AutoHistoryDto {
  @IsArray()
  @ArrayMaxSize(AUTO_HISTORY_EVENT_NAMES.length)
  @ValidateNested({ each: true })
  @Type(() => AutoHistoryEventDto)
  @ApiProperty({ enum: AUTO_HISTORY_EVENT_NAMES })
  events: AutoHistoryEventDto[];
}
