import { Public } from '@madoguchi/auth';
import { DatabaseHealth } from '@madoguchi/core';
import { Controller, Get, Res } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(private readonly db: DatabaseHealth) {}

  /** 200 `{"status":"ok","db":"up"}`; 503 when the database does not answer. */
  @Public()
  @Get()
  async health(@Res({ passthrough: true }) res: Response) {
    if (await this.db.isUp()) return { status: 'ok', db: 'up' };
    res.status(503);
    return { status: 'error', db: 'down' };
  }
}
