import { Type } from 'class-transformer';
import { IsBoolean, IsEmail, IsIn, IsInt, IsOptional, IsString, Max, MaxLength, Min, MinLength, ValidateNested } from 'class-validator';

export class ImapSettingsDto {
  @IsString() @MinLength(1, { message: 'imap.host is required' }) @MaxLength(255) host: string;
  @Type(() => Number) @IsInt() @Min(1) @Max(65535) port: number;
  /** true: implicit TLS (993); false: plain or STARTTLS when offered (143). */
  @IsBoolean() secure: boolean;
  @IsString() @MinLength(1, { message: 'imap.user is required' }) @MaxLength(255) user: string;
  /** Omit on update to keep the stored password. */
  @IsOptional() @IsString() @MaxLength(1000) password?: string;
  @IsOptional() @IsString() @MaxLength(255) folder?: string;
  @IsOptional() @IsString() @MaxLength(255) sentFolder?: string | null;
}

export class SmtpSettingsDto {
  @IsString() @MinLength(1, { message: 'smtp.host is required' }) @MaxLength(255) host: string;
  @Type(() => Number) @IsInt() @Min(1) @Max(65535) port: number;
  /** true: implicit TLS (465); false: STARTTLS when offered (587/25). */
  @IsBoolean() secure: boolean;
  @IsOptional() @IsString() @MaxLength(255) user?: string | null;
  @IsOptional() @IsString() @MaxLength(1000) password?: string;
}

export class CreateMailboxDto {
  @IsString()
  @MinLength(1, { message: 'name is required' })
  @MaxLength(100)
  name: string;

  @IsEmail({}, { message: 'address must be a valid email address' })
  @MaxLength(254)
  address: string;

  @IsOptional() @ValidateNested() @Type(() => ImapSettingsDto) imap?: ImapSettingsDto | null;
  @IsOptional() @ValidateNested() @Type(() => SmtpSettingsDto) smtp?: SmtpSettingsDto | null;

  /** Seconds between polls; IMAP IDLE brings new mail sooner where the server offers it. */
  @IsOptional() @Type(() => Number) @IsInt() @Min(10, { message: 'pollIntervalSec must be at least 10' }) @Max(86400) pollIntervalSec?: number;
  @IsOptional() @IsIn(['utf-8', 'iso-2022-jp']) outgoingCharset?: 'utf-8' | 'iso-2022-jp';
  @IsOptional() @IsBoolean() active?: boolean;
}

export class UpdateMailboxDto {
  @IsOptional() @IsString() @MinLength(1) @MaxLength(100) name?: string;
  @IsOptional() @IsEmail({}, { message: 'address must be a valid email address' }) @MaxLength(254) address?: string;
  @IsOptional() @ValidateNested() @Type(() => ImapSettingsDto) imap?: ImapSettingsDto | null;
  @IsOptional() @ValidateNested() @Type(() => SmtpSettingsDto) smtp?: SmtpSettingsDto | null;
  @IsOptional() @Type(() => Number) @IsInt() @Min(10, { message: 'pollIntervalSec must be at least 10' }) @Max(86400) pollIntervalSec?: number;
  @IsOptional() @IsIn(['utf-8', 'iso-2022-jp']) outgoingCharset?: 'utf-8' | 'iso-2022-jp';
  @IsOptional() @IsBoolean() active?: boolean;
}
