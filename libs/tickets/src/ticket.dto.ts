import { IsId } from '@madoguchi/core';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { TICKET_STATES, TicketState } from './ticket.entity';

export class TicketQueryDto {
  @IsOptional() @Type(() => Number) @IsId() mailboxId?: number;
  @IsOptional() @IsIn(TICKET_STATES, { message: `state must be one of: ${TICKET_STATES.join(', ')}` }) state?: TicketState;
  @IsOptional() @Type(() => Number) @IsId() folderId?: number;
  @IsOptional() @Type(() => Number) @IsId() customerId?: number;
  @IsOptional() @IsIn(['true', 'false']) unread?: 'true' | 'false';
  /** Spam is left out unless `spam=true` (only spam) or `spam=all`. */
  @IsOptional() @IsIn(['true', 'false', 'all']) spam?: 'true' | 'false' | 'all';
  /** Code, subject, sender or body; every word must match. */
  @IsOptional() @IsString() @MaxLength(200) q?: string;
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(100_000) page?: number;
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(200) pageSize?: number;
}

export class ArticlePageDto {
  /** How many of the newest articles the ticket view carries (default 50, at most 200). */
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(200) limit?: number;
}

export class OlderArticlesDto extends ArticlePageDto {
  /** The oldest article the caller already has. */
  @Type(() => Number) @IsId() beforeId: number;
}
