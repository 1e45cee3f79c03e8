import { Transform } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsEmail, IsOptional, IsString, MaxLength, MinLength } from 'class-validator';

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
}
