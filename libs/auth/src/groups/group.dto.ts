import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsBoolean, IsIn, IsInt, IsOptional, IsString, MaxLength, Min, MinLength, ValidateNested } from 'class-validator';
import { GLOBAL_RIGHTS, GlobalRight } from '../permissions/rights';

export class MailboxRightDto {
  @IsInt()
  @Min(1)
  mailboxId: number;

  @IsBoolean()
  view: boolean;

  @IsBoolean()
  reply: boolean;

  @IsBoolean()
  approve: boolean;

  @IsBoolean()
  manage: boolean;
}

export class CreateGroupDto {
  @IsString()
  @MinLength(1, { message: 'name is required' })
  @MaxLength(100)
  name: string;

  @IsArray()
  @IsIn(GLOBAL_RIGHTS, { each: true, message: `each right must be one of: ${GLOBAL_RIGHTS.join(', ')}` })
  rights: GlobalRight[];

  @IsOptional()
  @IsArray()
  @ArrayMaxSize(1000)
  @ValidateNested({ each: true })
  @Type(() => MailboxRightDto)
  mailboxRights?: MailboxRightDto[];
}

export class UpdateGroupDto {
  @IsOptional()
  @IsString()
  @MinLength(1, { message: 'name is required' })
  @MaxLength(100)
  name?: string;

  @IsOptional()
  @IsArray()
  @IsIn(GLOBAL_RIGHTS, { each: true, message: `each right must be one of: ${GLOBAL_RIGHTS.join(', ')}` })
  rights?: GlobalRight[];

  @IsOptional()
  @IsArray()
  @ArrayMaxSize(1000)
  @ValidateNested({ each: true })
  @Type(() => MailboxRightDto)
  mailboxRights?: MailboxRightDto[];
}
