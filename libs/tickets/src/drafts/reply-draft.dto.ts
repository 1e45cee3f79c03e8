import { ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';

/**
 * A draft as the composer holds it. Addresses are kept as typed (a draft may hold a half-written
 * one); sending checks them. The limits are those of a reply.
 */
export class PutDraftDto {
  @IsString({ message: 'body must be text' })
  @MaxLength(100_000, { message: 'body must be at most 100,000 characters' })
  body: string;

  /** A rich text draft's HTML, kept (sanitised like a reply's) so a reload shows its formatting; left out: a plain text draft. */
  @ApiPropertyOptional({ maxLength: 200_000, nullable: true })
  @IsOptional()
  @IsString({ message: 'bodyHtml must be text' })
  @MaxLength(200_000, { message: 'bodyHtml must be at most 200,000 characters' })
  bodyHtml?: string | null;

  @IsOptional()
  @IsString({ message: 'subject must be text' })
  @MaxLength(500, { message: 'subject must be at most 500 characters' })
  subject?: string;

  @IsOptional()
  @IsArray({ message: 'to must be a list of addresses' })
  @ArrayMaxSize(50, { message: 'to may hold at most 50 addresses' })
  @IsString({ each: true, message: 'each address in to must be text' })
  @MaxLength(254, { each: true, message: 'each address in to must be at most 254 characters' })
  to?: string[];

  @IsOptional()
  @IsArray({ message: 'cc must be a list of addresses' })
  @ArrayMaxSize(50, { message: 'cc may hold at most 50 addresses' })
  @IsString({ each: true, message: 'each address in cc must be text' })
  @MaxLength(254, { each: true, message: 'each address in cc must be at most 254 characters' })
  cc?: string[];

  @IsOptional()
  @IsArray({ message: 'bcc must be a list of addresses' })
  @ArrayMaxSize(50, { message: 'bcc may hold at most 50 addresses' })
  @IsString({ each: true, message: 'each address in bcc must be text' })
  @MaxLength(254, { each: true, message: 'each address in bcc must be at most 254 characters' })
  bcc?: string[];

  /**
   * The version this save builds on (from the last GET or PUT); 0 or left out for a new draft.
   * When the draft has moved on (another device saved, or it was sent) the answer is 409
   * `DRAFT_VERSION_CONFLICT` with the current draft (or null).
   */
  @IsOptional()
  @IsInt({ message: 'version must be a whole number' })
  @Min(0, { message: 'version must be 0 or more' })
  @Max(2_147_483_647, { message: 'version is too large' })
  version?: number;
}
