import { IsId } from '@madoguchi/core';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsInt, IsOptional, ValidateIf } from 'class-validator';

export class MoveTicketsDto {
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(500)
  @IsInt({ each: true })
  ticketIds: number[];

  /** A folder of the tickets' mailbox, or null for the mailbox's top level. */
  @ValidateIf((_, v) => v !== null)
  @IsId()
  folderId: number | null;
}

export class ReapplyRulesDto {
  /** The folder whose tickets to re-sort; null or absent = the mailbox's top level. */
  @IsOptional()
  @ValidateIf((_, v) => v !== null)
  @IsId()
  folderId?: number | null;
}
