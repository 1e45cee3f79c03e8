import { IsId, MAX_ID } from '@madoguchi/core';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsIn, IsInt, IsISO8601, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import { TICKET_STATES, TicketState } from '../ticket.entity';
import { SEARCH_QUERY_MAX } from './search-text';

export const SEARCH_SORTS = ['relevance', 'activity'] as const;
export type SearchSort = (typeof SEARCH_SORTS)[number];

function labelList(value: unknown): unknown {
  const parts = (Array.isArray(value) ? value : [value]).flatMap((v) => (typeof v === 'string' ? v.split(',') : typeof v === 'number' ? [String(v)] : [v]));
  return parts.map((v) => (typeof v === 'string' && /^\s*\d{1,10}\s*$/.test(v) ? Number(v) : v));
}

/** `GET /api/search`: one search over every mailbox the caller may view and every state, unless narrowed. */
export class SearchQueryDto {
  @ApiProperty({ description: 'Words to find (every word must match): a code, a Message-ID, an address, a name, any part of a subject, body or attachment name', maxLength: SEARCH_QUERY_MAX })
  @IsString({ message: 'q is required' })
  @MaxLength(SEARCH_QUERY_MAX, { message: `q must be at most ${SEARCH_QUERY_MAX} characters` })
  q: string;
  @ApiPropertyOptional({ description: 'Only this mailbox' })
  @IsOptional() @Type(() => Number) @IsId() mailboxId?: number;
  @ApiPropertyOptional({ enum: TICKET_STATES, description: 'Only this state (counts still cover every state)' })
  @IsOptional() @IsIn(TICKET_STATES, { message: `state must be one of: ${TICKET_STATES.join(', ')}` }) state?: TicketState;
  @ApiPropertyOptional({ description: '`me`, `none` or a user id' })
  @IsOptional() @IsString() @Matches(/^(me|none|[1-9][0-9]{0,8})$/, { message: 'assignee must be me, none or a user id' }) assignee?: string;
  @ApiPropertyOptional({ type: [Number], description: 'Only tickets that carry every one of these labels: label=1&label=2, label=1,2 or both' })
  @IsOptional()
  @Transform(({ value }) => labelList(value))
  @IsArray({ message: 'label must be label ids' })
  @ArrayMaxSize(20, { message: 'at most 20 labels' })
  @IsInt({ each: true, message: 'label must be label ids' })
  @Min(1, { each: true, message: 'label must be label ids' })
  @Max(MAX_ID, { each: true, message: 'label must be label ids' })
  label?: number[];
  @ApiPropertyOptional({ description: 'Tickets created at or after this time (ISO 8601; a bare date is midnight UTC)' })
  @IsOptional() @IsISO8601({ strict: true }, { message: 'from must be an ISO 8601 date or time' }) from?: string;
  @ApiPropertyOptional({ description: 'Tickets created before this time (ISO 8601; a bare date means the end of that day, UTC)' })
  @IsOptional() @IsISO8601({ strict: true }, { message: 'to must be an ISO 8601 date or time' }) to?: string;
  @ApiPropertyOptional({ minimum: 1, maximum: 500 })
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(500) page?: number;
  @ApiPropertyOptional({ minimum: 1, maximum: 100, description: 'Default 20' })
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(100) pageSize?: number;
  @ApiPropertyOptional({ enum: SEARCH_SORTS, description: '`relevance` (the default; by last activity where the engine does not rank) or `activity`' })
  @IsOptional() @IsIn(SEARCH_SORTS, { message: `sort must be one of: ${SEARCH_SORTS.join(', ')}` }) sort?: SearchSort;
}
