import { RequireRights } from '@madoguchi/auth';
import { AuditService } from '@madoguchi/core';
import { Controller, Get, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { IsInt, IsOptional, IsString, Max, Min } from 'class-validator';
import { Type } from 'class-transformer';

class AuditQueryDto {
  @IsOptional() @IsString() entity?: string;
  @IsOptional() @IsString() entityId?: string;
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(500) limit?: number;
}

@ApiTags('audit')
@Controller('audit')
@RequireRights('admin')
export class AuditController {
  constructor(private readonly audit: AuditService) {}

  /** Newest first: who changed what, when, before and after. */
  @Get()
  async list(@Query() q: AuditQueryDto) {
    const rows = await this.audit.list(q);
    return rows.map((r) => ({
      id: r.id,
      at: r.at,
      actorUserId: r.actorUserId,
      actor: r.actorLabel,
      entity: r.entity,
      entityId: r.entityId,
      action: r.action,
      before: r.beforeJson ? JSON.parse(r.beforeJson) : null,
      after: r.afterJson ? JSON.parse(r.afterJson) : null,
    }));
  }
}
