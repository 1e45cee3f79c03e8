import { CurrentPrincipal, Principal } from '@madoguchi/auth';
import { Body, Controller, HttpCode, Post, Req, Res } from '@nestjs/common';
import { ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { BulkTicketsDto } from './bulk.dto';
import { BulkResult, BulkTicketsService } from './bulk-tickets.service';

const NDJSON = 'application/x-ndjson';

/** 一括操作 on the ticket list. */
@ApiTags('tickets')
@Controller('tickets')
export class BulkController {
  constructor(private readonly bulk: BulkTicketsService) {}

  /**
   * One action on many tickets: `{ids?:[…] | filter?:{…the list's query…}, action:{type, …}}` →
   * `{done, failed:[{id, code, error}]}` (`code` is the ticket's code, null for a hidden one;
   * `error` why, by code). Needs `manage` on each ticket's mailbox. Asked with
   * `Accept: application/x-ndjson`, the answer streams one `{"progress":{done, failed, total}}`
   * line per batch of 500 and ends with `{"result":{done, failed}}`.
   */
  @Post('bulk')
  @HttpCode(200)
  @ApiProduces('application/json', NDJSON)
  async run(@Body() dto: BulkTicketsDto, @CurrentPrincipal() p: Principal, @Req() req: Request, @Res() res: Response): Promise<void> {
    if (!req.headers.accept?.includes(NDJSON)) {
      const result: BulkResult = await this.bulk.run(dto, p);
      res.status(200).json(result);
      return;
    }
    let started = false;
    const start = () => {
      if (started) return;
      started = true;
      res.status(200).setHeader('Content-Type', `${NDJSON}; charset=utf-8`);
      res.setHeader('Cache-Control', 'no-cache');
      res.setHeader('X-Accel-Buffering', 'no');
    };
    try {
      const result = await this.bulk.run(dto, p, (progress) => {
        start();
        res.write(`${JSON.stringify({ progress })}\n`);
      });
      start();
      res.end(`${JSON.stringify({ result })}\n`);
    } catch (e) {
      // Before the first line the error is an ordinary answer; after it, the stream says so and ends.
      if (!started) throw e;
      const code = (e as { code?: string }).code ?? 'INTERNAL';
      res.end(`${JSON.stringify({ error: { code, message: 'The bulk action stopped; what was done before stays done.' } })}\n`);
    }
  }
}
