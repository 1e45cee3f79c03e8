import { CurrentPrincipal, Principal, RequireRights } from '@madoguchi/auth';
import { Body, Controller, Delete, Get, HttpCode, Param, ParseIntPipe, Post, Query, Req, Res } from '@nestjs/common';
import { ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { CreateHistoryBatchDto, HistoryBatchQueryDto } from './history-batch.dto';
import { HistoryBatchesService } from './history-batches.service';

const NDJSON = 'application/x-ndjson';

/** 一括登録: batches of the same history entry for many customers. Needs the `history.bulk` right. */
@ApiTags('history')
@Controller('history/batches')
export class HistoryBatchesController {
  constructor(private readonly batches: HistoryBatchesService) {}

  /**
   * Writes the entry for the ticked customers (`customerIds`, at most 10,000) or for every
   * customer matching `search` → 201 `{id, count}`. One transaction: all entries or none. Asked
   * with `Accept: application/x-ndjson`, the answer streams `{"progress":{done,total}}` lines
   * (one per 1,000 entries written, before the commit) and ends with `{"result":{id,count}}`, or
   * with `{"error":{code,message}}` when it failed and nothing was written.
   */
  @Post()
  @RequireRights('history.bulk')
  @ApiProduces('application/json', NDJSON)
  async create(@Body() dto: CreateHistoryBatchDto, @CurrentPrincipal() p: Principal, @Req() req: Request, @Res() res: Response): Promise<void> {
    if (!req.headers.accept?.includes(NDJSON)) {
      res.status(201).json(await this.batches.create(dto, p));
      return;
    }
    let started = false;
    const start = () => {
      if (started) return;
      started = true;
      res.status(201).setHeader('Content-Type', `${NDJSON}; charset=utf-8`);
      res.setHeader('Cache-Control', 'no-cache');
      res.setHeader('X-Accel-Buffering', 'no');
    };
    try {
      const result = await this.batches.create(dto, p, (progress) => {
        start();
        res.write(`${JSON.stringify({ progress })}\n`);
      });
      start();
      res.end(`${JSON.stringify({ result })}\n`);
    } catch (e) {
      // Before the first line the error is an ordinary answer; after it, the stream says so and ends.
      if (!started) throw e;
      const code = (e as { code?: string }).code ?? 'INTERNAL';
      res.end(`${JSON.stringify({ error: { code, message: 'The bulk registration failed; no entry was written.' } })}\n`);
    }
  }

  /** Batches, newest first: who, when, how many, the title and where the customers came from. */
  @Get()
  @RequireRights('history.bulk')
  list(@Query() query: HistoryBatchQueryDto) {
    return this.batches.list(query);
  }

  /** Deletes the batch and exactly the entries it wrote (audited). */
  @Delete(':id')
  @HttpCode(204)
  @RequireRights('history.bulk')
  async remove(@Param('id', ParseIntPipe) id: number, @CurrentPrincipal() p: Principal): Promise<void> {
    await this.batches.remove(id, p);
  }
}
