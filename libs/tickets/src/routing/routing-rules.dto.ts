import { IsId } from '@madoguchi/core';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsBoolean, IsIn, IsInt, IsOptional, IsPositive, IsString, MaxLength, MinLength, ValidateNested } from 'class-validator';

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

  /** addLabel: a label of the mailbox's catalogue. */
  @IsOptional()
  @IsId()
  labelId?: number;

  /** addLabel by name, for API clients from before the catalogue: the catalogue's label of that name, made if there is none. Stored as its labelId. */
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
