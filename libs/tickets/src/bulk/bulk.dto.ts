import { IsId } from '@madoguchi/core';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsDefined, IsIn, IsInt, IsOptional, Min, ValidateIf, ValidateNested } from 'class-validator';
import { TicketFilterDto } from '../views/saved-view.dto';
import { HistoryNoteDto } from '../workflow/ticket-workflow.dto';

export const BULK_ACTIONS = ['assign', 'label', 'unlabel', 'move', 'handle', 'spam', 'notSpam', 'read', 'unread'] as const;
export type BulkActionType = (typeof BULK_ACTIONS)[number];

/** Most ids one request may name; a larger selection is given as the list's filter. */
export const MAX_BULK_IDS = 10_000;

/**
 * What a bulk action does. Each type reads its own fields: `assign` {assigneeId?, assigneeGroupId?}
 * (null unassigns), `label`/`unlabel` {labelIds}, `move` {folderId} (null: the top level),
 * `handle` {note?} (one response-history note written on every ticket), `spam` {block?}
 * (`address`/`domain`: also block each sender for its mailbox), `notSpam`, `read`, `unread`.
 */
export class BulkActionDto {
  @IsIn(BULK_ACTIONS, { message: `type must be one of: ${BULK_ACTIONS.join(', ')}` })
  type: BulkActionType;

  @IsOptional() @IsId() assigneeId?: number | null;
  @IsOptional() @IsId() assigneeGroupId?: number | null;

  @IsOptional()
  @IsArray({ message: 'labelIds must be a list of label ids' })
  @ArrayMinSize(1, { message: 'name at least one label' })
  @ArrayMaxSize(50, { message: 'at most 50 labels at a time' })
  @IsInt({ each: true, message: 'labelIds must be label ids' })
  @Min(1, { each: true, message: 'labelIds must be label ids' })
  labelIds?: number[];

  /** A folder of the tickets' mailbox, or null for the top level. */
  @ValidateIf((o: BulkActionDto) => o.folderId !== null && o.folderId !== undefined)
  @IsId()
  folderId?: number | null;

  @IsOptional() @ValidateNested() @Type(() => HistoryNoteDto) note?: HistoryNoteDto;

  @IsOptional() @IsIn(['address', 'domain'], { message: 'block must be address or domain' }) block?: 'address' | 'domain';
}

/**
 * `POST /api/tickets/bulk`: the tickets by `ids` (at most 10,000) or by the list's `filter`
 * (everything it selects among the tickets the caller may see), and the action.
 */
export class BulkTicketsDto {
  @IsOptional()
  @IsArray({ message: 'ids must be a list of ticket ids' })
  @ArrayMinSize(1, { message: 'select at least one ticket' })
  @ArrayMaxSize(MAX_BULK_IDS, { message: `at most ${MAX_BULK_IDS} ids per request: give the list's filter instead` })
  @IsInt({ each: true, message: 'ids must be ticket ids' })
  @Min(1, { each: true, message: 'ids must be ticket ids' })
  ids?: number[];

  @IsOptional() @ValidateNested() @Type(() => TicketFilterDto) filter?: TicketFilterDto;

  @IsDefined({ message: 'action is required' }) @ValidateNested() @Type(() => BulkActionDto) action: BulkActionDto;
}
