import { RequireRights } from '@madoguchi/auth';
import { APP_CONFIG, AppConfig } from '@madoguchi/core';
import { Controller, Get, Inject, Param, ParseIntPipe, Res } from '@nestjs/common';
import { ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { pipeline } from 'node:stream/promises';
import { CustomersService } from '../customers.service';
import { HistoryService } from '../history/history.service';
import { VisitView } from '../visits/visit.dto';
import { VisitsService } from '../visits/visits.service';
import { karteCsv } from './karte-csv';

/** カルテCSV: one customer's fields, visits and history in one file. */
@ApiTags('customers')
@Controller('customers')
export class KarteCsvController {
  constructor(
    private readonly customers: CustomersService,
    private readonly visits: VisitsService,
    private readonly history: HistoryService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** The karte as CSV (UTF-8 with BOM): 【顧客情報】, 【来店・利用金額】 and 【対応履歴】 sections. */
  @Get(':id/karte.csv')
  @RequireRights('customers.read')
  @ApiProduces('text/csv')
  async karte(@Param('id', ParseIntPipe) id: number, @Res() res: Response) {
    // Read before the headers go out, so an unknown customer answers 404.
    const customer = await this.customers.get(id);
    const first = await this.visits.list(id, { page: 1, pageSize: 200 });
    const visits = this.visits;
    async function* allVisits(): AsyncGenerator<VisitView[]> {
      yield first.items;
      for (let page = 2; (page - 1) * 200 < first.total; page++)
        yield (await visits.list(id, { page, pageSize: 200 })).items;
    }
    res.setHeader('Content-Type', 'text/csv; charset=utf-8');
    res.setHeader(
      'Content-Disposition',
      `attachment; filename="karte-${customer.code}.csv"; filename*=UTF-8''%E3%82%AB%E3%83%AB%E3%83%86-${customer.code}.csv`,
    );
    await pipeline(
      karteCsv({
        customer,
        visitSummary: first.summary,
        visits: allVisits(),
        history: this.history.iterate(id, {}),
        staffNames: await this.customers.staffNames(),
        timeZone: this.config.company.timeZone,
      }),
      res,
    );
  }
}
