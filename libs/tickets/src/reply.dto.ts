import { Transform } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsEmail, IsISO8601, IsOptional, IsString, MaxLength, MinLength } from 'class-validator';

/** Accepts a list, or one string of comma-separated addresses. */
const addressList = () =>
  Transform(({ value }: { value: unknown }) =>
    typeof value === 'string' ? value.split(/[,;、]/).map((s) => s.trim()).filter(Boolean) : value,
  );

export class CreateReplyDto {
  @addressList()
  @IsArray()
  @ArrayMaxSize(50)
  @IsEmail({}, { each: true, message: 'each address in to must be a valid email address' })
  to: string[];

  @IsOptional()
  @addressList()
  @IsArray()
  @ArrayMaxSize(50)
  @IsEmail({}, { each: true, message: 'each address in cc must be a valid email address' })
  cc?: string[];

  @IsOptional()
  @addressList()
  @IsArray()
  @ArrayMaxSize(50)
  @IsEmail({}, { each: true, message: 'each address in bcc must be a valid email address' })
  bcc?: string[];

  @IsOptional()
  @IsString()
  @MaxLength(500)
  subject?: string;

  @IsString()
  @MinLength(1, { message: 'text is required' })
  @MaxLength(100_000)
  text: string;

  /**
   * Send later: an ISO time up to a year ahead. The reply waits in the outbox and is cancelled
   * automatically if the customer writes before then.
   */
  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'sendAt must be an ISO 8601 date and time' })
  sendAt?: string;
}
