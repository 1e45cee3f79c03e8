import { IsId } from '@madoguchi/core';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsBoolean, IsEmail, IsIn, IsInt, IsObject, IsOptional, IsPositive, IsString, MaxLength, MinLength, ValidateNested } from 'class-validator';

export class CreateFolderDto {
  @IsString()
  @MinLength(1, { message: 'name is required' })
  @MaxLength(100)
  name: string;

  @IsOptional()
  @IsId()
  parentId?: number | null;
}

export class UpdateFolderDto {
  @IsOptional()
  @IsString()
  @MinLength(1, { message: 'name must not be empty' })
  @MaxLength(100)
  name?: string;

  /** Move under another folder of the mailbox, or null for the top level. */
  @IsOptional()
  @IsId()
  parentId?: number | null;
}

export class DeleteFolderQueryDto {
  /** Where the folder's tickets go: another folder's id, or `root` for the mailbox's top level. */
  @IsOptional()
  @IsString()
  moveTo?: string;
}

export class JournalDto {
  @IsBoolean()
  enabled: boolean;

  @IsArray()
  @ArrayMaxSize(20)
  @IsEmail({}, { each: true, message: 'each journal recipient must be a valid email address' })
  recipients: string[];

  /** Only inquiries filed in these folders; empty or absent = all. */
  @IsOptional()
  @IsArray()
  @IsInt({ each: true })
  folderIds?: number[];
}

export class CustomerLinkDto {
  @IsBoolean()
  enabled: boolean;

  /** How the inquiry's customer is found: by the sender's email, or by a phone number (normalised). */
  @IsIn(['email', 'phone'], { message: 'matchBy must be email or phone' })
  matchBy: 'email' | 'phone';

  /** Form field key → customer field (lastName, firstName, lastNameKana, firstNameKana, email, tel, mobile, postalCode, address, comment). */
  @IsOptional()
  @IsObject()
  fieldMap?: Record<string, string>;
}
