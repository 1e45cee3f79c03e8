import { IsId, MAX_ID } from '@madoguchi/core';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsInt, Max, Min } from 'class-validator';

/** At most this many tickets are merged into one at a time. */
export const MAX_MERGE_SOURCES = 20;

/** `POST /api/tickets/merge`: the tickets `sourceIds` (1–20, same mailbox) move into `targetId`, which survives. */
export class MergeTicketsDto {
  @IsId() targetId: number;

  @IsArray({ message: 'sourceIds must be a list of ticket ids' })
  @ArrayMinSize(1, { message: 'name at least one ticket to merge' })
  @ArrayMaxSize(MAX_MERGE_SOURCES, { message: `merge at most ${MAX_MERGE_SOURCES} tickets at a time` })
  @IsInt({ each: true, message: 'sourceIds must be ticket ids' })
  @Min(1, { each: true, message: 'sourceIds must be ticket ids' })
  @Max(MAX_ID, { each: true, message: 'sourceIds must be ticket ids' })
  sourceIds: number[];
}
