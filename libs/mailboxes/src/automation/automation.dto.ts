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

export class RuleConditionDto {
  @IsString()
  @MaxLength(60)
  field: string;

  @IsString()
  op: string;

  @IsString()
  @MaxLength(1000)
  value: string;
}

export class RuleActionDto {
  @IsIn(['moveToFolder', 'addLabel', 'assign', 'markSpam', 'stop'], { message: 'action type must be moveToFolder, addLabel, assign, markSpam or stop' })
  type: string;

  @IsOptional()
  @IsId()
  folderId?: number;

  @IsOptional()
  @IsString()
  @MaxLength(50)
  label?: string;

  @IsOptional()
  @IsId()
  userId?: number;

  @IsOptional()
  @IsId()
  groupId?: number;
}

export class CreateRuleDto {
  @IsString()
  @MinLength(1, { message: 'name is required' })
  @MaxLength(100)
  name: string;

  @IsIn(['all', 'any'], { message: 'match must be all or any' })
  match: 'all' | 'any';

  @IsArray()
  @ArrayMaxSize(20)
  @ValidateNested({ each: true })
  @Type(() => RuleConditionDto)
  conditions: RuleConditionDto[];

  @IsArray()
  @ArrayMaxSize(10)
  @ValidateNested({ each: true })
  @Type(() => RuleActionDto)
  actions: RuleActionDto[];

  /** 1-based place in the order; default: last. */
  @IsOptional()
  @IsInt()
  @IsPositive()
  position?: number;

  @IsOptional()
  @IsBoolean()
  active?: boolean;
}

export class UpdateRuleDto {
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  name?: string;

  @IsOptional()
  @IsIn(['all', 'any'], { message: 'match must be all or any' })
  match?: 'all' | 'any';

  @IsOptional()
  @IsArray()
  @ArrayMaxSize(20)
  @ValidateNested({ each: true })
  @Type(() => RuleConditionDto)
  conditions?: RuleConditionDto[];

  @IsOptional()
  @IsArray()
  @ArrayMaxSize(10)
  @ValidateNested({ each: true })
  @Type(() => RuleActionDto)
  actions?: RuleActionDto[];

  @IsOptional()
  @IsInt()
  @IsPositive()
  position?: number;

  @IsOptional()
  @IsBoolean()
  active?: boolean;
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
