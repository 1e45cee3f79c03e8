import { ImapSettingsDto, SmtpSettingsDto } from '@madoguchi/mailboxes';
import { Type } from 'class-transformer';
import { IsOptional, ValidateNested } from 'class-validator';

/**
 * Settings to try in the connection test, with the limits of the mailbox form itself. For a new
 * mailbox both are what the form holds; for a saved one a section left out is the stored one,
 * `null` is not tested, and a missing password is the stored one as long as host and user are
 * unchanged (the stored password goes only where it is already sent).
 */
export class ConnectionTestDto {
  @IsOptional() @ValidateNested() @Type(() => ImapSettingsDto) imap?: ImapSettingsDto | null;
  @IsOptional() @ValidateNested() @Type(() => SmtpSettingsDto) smtp?: SmtpSettingsDto | null;
}
