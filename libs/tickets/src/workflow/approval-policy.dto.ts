import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsBoolean, IsIn, IsInt, IsOptional, IsPositive, ValidateNested } from 'class-validator';

export class ApprovalStepDto {
  @IsArray()
  @ArrayMaxSize(20)
  @IsInt({ each: true })
  @IsPositive({ each: true })
  approverGroupIds: number[];
}

export class ApprovalPolicyDto {
  @IsIn(['off', 'all', 'groups'], { message: 'mode must be off, all or groups' })
  mode: 'off' | 'all' | 'groups';

  /** With mode `groups`: replies by members of these groups need approval. */
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  @IsInt({ each: true })
  @IsPositive({ each: true })
  groupIds?: number[];

  /** 1–3 steps; each is decided by any member of its approver groups. */
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(3, { message: 'at most 3 approval steps' })
  @ValidateNested({ each: true })
  @Type(() => ApprovalStepDto)
  steps?: ApprovalStepDto[];

  @IsOptional()
  @IsBoolean()
  notifyByMail?: boolean;
}
