import { IsId } from '@madoguchi/core';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import { TICKET_STATES, TicketState } from './ticket.entity';

/** The list's orders (see orderTickets): newest first unless `_asc`; `customer` is A→Z, `customer_desc` Z→A. */
export const TICKET_SORTS = ['activity', 'activity_asc', 'created', 'created_asc', 'customer', 'customer_desc', 'state', 'state_asc'] as const;
export type TicketSort = (typeof TICKET_SORTS)[number];

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
  /** Code, subject, sender or body; every word must match. */
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
}
