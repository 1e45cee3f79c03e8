import { Type } from 'class-transformer';
import { IsIn, IsISO8601, IsOptional, IsString, MaxLength, MinLength, ValidateNested } from 'class-validator';

export const HISTORY_KINDS = ['phone', 'fax', 'visit', 'other'] as const;
export type HistoryKind = (typeof HISTORY_KINDS)[number];

/** 対応履歴: a response made outside email (phone, FAX, visit, other). */
export class HistoryNoteDto {
  @IsIn(HISTORY_KINDS, { message: `kind must be one of ${HISTORY_KINDS.join(', ')}` })
  kind: HistoryKind;

  @IsString()
  @MinLength(1, { message: 'text is required' })
  @MaxLength(10_000)
  text: string;
}

/** 保留: until when (ISO 8601, in the future, at most a year ahead); left out: until the customer writes. */
export class HoldDto {
  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'until must be an ISO 8601 date and time' })
  until?: string;
}

export class MarkHandledDto {
  /** Optional response-history note written with it. */
  @IsOptional()
  @ValidateNested()
  @Type(() => HistoryNoteDto)
  note?: HistoryNoteDto;
}
