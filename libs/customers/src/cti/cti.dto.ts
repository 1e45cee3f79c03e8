import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsIn, IsISO8601, IsOptional, IsString, Matches, MaxLength, MinLength } from 'class-validator';

export const CALL_EVENTS = ['ringing', 'answered', 'ended'] as const;
export type CallEvent = (typeof CALL_EVENTS)[number];

const trim = () =>
  Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value));

/** One event of a phone call, as the phone system (PBX) posts it. */
export class CtiCallDto {
  /** The phone system's id of the call (≤ 100 visible ASCII characters): every event of one call carries the same. */
  @trim()
  @IsString({ message: 'callId is required' })
  @MinLength(1, { message: 'callId is required' })
  @MaxLength(100, { message: 'callId must be at most 100 characters' })
  @Matches(/^[\x21-\x7e]+$/, {
    message: 'callId must be visible ASCII characters (letters, digits, - _ . : …)',
  })
  @ApiProperty({ type: String, maxLength: 100 })
  callId: string;

  /** The caller's number, as the phone system has it: 090-4169-1658, 09041691658, +81 90 4169 1658. */
  @trim()
  @IsString({ message: 'from is required' })
  @MinLength(1, { message: 'from is required' })
  @MaxLength(30, { message: 'from must be at most 30 characters' })
  @ApiProperty({ type: String, maxLength: 30 })
  from: string;

  /** The number or extension that was called. */
  @IsOptional()
  @trim()
  @IsString()
  @MaxLength(30, { message: 'to must be at most 30 characters' })
  @ApiPropertyOptional({ type: String, maxLength: 30 })
  to?: string;

  /** `ringing` writes the history entry and pops up the console's card; `answered` and `ended` update it. */
  @IsIn(CALL_EVENTS, { message: `event must be one of ${CALL_EVENTS.join(', ')}` })
  @ApiProperty({ enum: CALL_EVENTS })
  event: CallEvent;

  /** With `answered`: who took the call (an extension, a name), as the phone system knows them. */
  @IsOptional()
  @trim()
  @IsString()
  @MaxLength(100, { message: 'answeredBy must be at most 100 characters' })
  @ApiPropertyOptional({ type: String, maxLength: 100 })
  answeredBy?: string;

  /** When the event happened (ISO 8601); the time it arrived if left out. */
  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'at must be an ISO 8601 date and time' })
  @ApiPropertyOptional({ type: String, format: 'date-time' })
  at?: string;
}

export class CreateCtiTokenDto {
  /** What the token is for, e.g. the phone system's name (≤ 100). */
  @trim()
  @IsString({ message: 'name is required' })
  @MinLength(1, { message: 'name is required' })
  @MaxLength(100, { message: 'name must be at most 100 characters' })
  @ApiProperty({ type: String, maxLength: 100 })
  name: string;
}
