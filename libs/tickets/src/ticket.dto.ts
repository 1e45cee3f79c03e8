import { IsId, MAX_ID } from '@madoguchi/core';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsIn, IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min, MinLength } from 'class-validator';
import { TICKET_STATES, TicketState } from './ticket.entity';

/** The list's orders (see orderTickets): newest first unless `_asc`; `customer` is A→Z, `customer_desc` Z→A. */
export const TICKET_SORTS = ['activity', 'activity_asc', 'created', 'created_asc', 'customer', 'customer_desc', 'state', 'state_asc'] as const;
export type TicketSort = (typeof TICKET_SORTS)[number];

/** `label=` as the query string gives it (one, several, comma-separated) as numbers; anything else fails validation. */
function labelList(value: unknown): unknown {
  const parts = (Array.isArray(value) ? value : [value]).flatMap((v) => (typeof v === 'string' ? v.split(',') : typeof v === 'number' ? [String(v)] : [v]));
  return parts.map((v) => (typeof v === 'string' && /^\s*\d{1,10}\s*$/.test(v) ? Number(v) : v));
}

export class TicketQueryDto {
  /** The order of the list; `activity` (last activity, newest first) unless given. */
  @IsOptional() @IsIn(TICKET_SORTS, { message: `sort must be one of: ${TICKET_SORTS.join(', ')}` }) sort?: TicketSort;
  @IsOptional() @Type(() => Number) @IsId() mailboxId?: number;
  @IsOptional() @IsIn(TICKET_STATES, { message: `state must be one of: ${TICKET_STATES.join(', ')}` }) state?: TicketState;
  @IsOptional() @Type(() => Number) @IsId() folderId?: number;
  @IsOptional() @Type(() => Number) @IsId() customerId?: number;
  @IsOptional() @IsIn(['true', 'false']) unread?: 'true' | 'false';
  /** Spam is left out unless `spam=true` (only spam) or `spam=all`. */
  @IsOptional() @IsIn(['true', 'false', 'all']) spam?: 'true' | 'false' | 'all';
  /** `me` (the caller's tickets), `none` (no user assigned) or a user's id. */
  @IsOptional() @IsString() @Matches(/^(me|none|[1-9][0-9]{0,8})$/, { message: 'assignee must be me, none or a user id' }) assignee?: string;
  /** Tickets assigned to this group. */
  @IsOptional() @Type(() => Number) @IsId() assigneeGroup?: number;
  /** Tickets that carry every one of these labels: `label=1&label=2`, `label=1,2` or both. */
  @ApiPropertyOptional({ type: [Number], description: 'Only tickets that carry every one of these labels: label=1&label=2, label=1,2 or both' })
  @IsOptional()
  @Transform(({ value }) => labelList(value))
  @IsArray({ message: 'label must be label ids' })
  @ArrayMaxSize(20, { message: 'at most 20 labels' })
  @IsInt({ each: true, message: 'label must be label ids' })
  @Min(1, { each: true, message: 'label must be label ids' })
  @Max(MAX_ID, { each: true, message: 'label must be label ids' })
  label?: number[];
  /** The same search as GET /api/search (code, subject, sender, customer, body, attachment names); every word must match. */
  @IsOptional() @IsString() @MaxLength(200) q?: string;
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(100_000) page?: number;
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(200) pageSize?: number;
}

/** What selects tickets, without order or paging: the list's filters (bulk actions take the same). */
export type TicketFilter = Omit<TicketQueryDto, 'page' | 'pageSize' | 'sort'>;

export class ArticlePageDto {
  /** How many of the newest articles the ticket view carries (default 50, at most 200). */
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(200) limit?: number;
}

export class OlderArticlesDto extends ArticlePageDto {
  /** The oldest article the caller already has. */
  @Type(() => Number) @IsId() beforeId: number;
}

/**
 * An agent's change to a ticket (`PATCH /api/tickets/:id`): only the fields given change. Today
 * the assignment; labels, subject, customer and folder are to join it here, each with its own
 * right and check in TicketsService.update.
 */
export class UpdateTicketDto {
  /** A user who may see the ticket's mailbox; `null` unassigns the user (the group stays). */
  @IsOptional() @IsId() assigneeId?: number | null;
  /** A permission group; `null` unassigns the group (the user stays). */
  @IsOptional() @IsId() assigneeGroupId?: number | null;
  /** The ticket's labels, the whole set (`[]` takes them all off): labels of the ticket's mailbox. */
  @ApiPropertyOptional({ type: [Number], description: "The ticket's labels, the whole set; each a label of the ticket's mailbox (needs the reply right)", maxItems: 50 })
  @IsOptional()
  @IsArray({ message: 'labelIds must be a list of label ids' })
  @ArrayMaxSize(50, { message: 'at most 50 labels' })
  @IsInt({ each: true, message: 'labelIds must be label ids' })
  @Min(1, { each: true, message: 'labelIds must be label ids' })
  @Max(MAX_ID, { each: true, message: 'labelIds must be label ids' })
  labelIds?: number[];
  /** A new subject (1..998 characters); the ticket code stays in replies' subjects. */
  @IsOptional()
  @IsString({ message: 'subject must be text' })
  @MinLength(1, { message: 'subject is required' })
  @MaxLength(998, { message: 'subject must be at most 998 characters' })
  subject?: string;
  /** The customer the ticket is about (顧客に紐付け); `null` unlinks. Needs customers.read too. */
  @IsOptional() @IsId() customerId?: number | null;
  /** A folder of the ticket's mailbox; `null` is the top level. */
  @IsOptional() @IsId() folderId?: number | null;
}
