import { Transform } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  Min,
} from 'class-validator';

/** A console tab's key: any short token it made up (letters, digits, `-`, `_`). */
const SESSION = /^[A-Za-z0-9_-]{1,64}$/;
const SESSION_MESSAGE = 'session must be 1 to 64 letters, digits, - or _';

export class PresenceDto {
  /** The caller is writing a reply in the composer. */
  @IsBoolean({ message: 'composing must be true or false' })
  composing: boolean;

  /** The console tab (so two tabs of one user are two rows); one shared row when left out. */
  @IsOptional()
  @IsString()
  @Matches(SESSION, { message: SESSION_MESSAGE })
  session?: string;
}

export class LeavePresenceDto {
  @IsOptional()
  @IsString()
  @Matches(SESSION, { message: SESSION_MESSAGE })
  session?: string;
}

export class PresenceQueryDto {
  /** Comma-separated ticket ids, at most 200; tickets the caller cannot see are left out. */
  @Transform(({ value }: { value: unknown }) =>
    typeof value === 'string'
      ? value.split(',').map((s) => (/^\s*\d{1,10}\s*$/.test(s) ? Number(s) : NaN))
      : value,
  )
  @IsArray({ message: 'ticketIds must be a comma-separated list of ticket ids' })
  @ArrayMinSize(1, { message: 'ticketIds must name at least one ticket' })
  @ArrayMaxSize(200, { message: 'ticketIds may name at most 200 tickets' })
  @IsInt({ each: true, message: 'ticketIds must be a comma-separated list of ticket ids' })
  @Min(1, { each: true, message: 'ticketIds must be a comma-separated list of ticket ids' })
  @Max(2_147_483_647, { each: true, message: 'ticketIds must be a comma-separated list of ticket ids' })
  ticketIds: number[];
}
