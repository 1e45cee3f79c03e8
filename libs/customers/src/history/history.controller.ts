import { CurrentPrincipal, Principal, RequireRights } from '@madoguchi/auth';
import { APP_CONFIG, AppConfig } from '@madoguchi/core';
import { Body, Controller, Delete, Get, HttpCode, Inject, Param, ParseIntPipe, Patch, Post, Put, Query, Res } from '@nestjs/common';
import { ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { pipeline } from 'node:stream/promises';
import { historyCsv } from './history-csv';
import {
  AutoHistoryDto,
  CreateHistoryEntryDto,
  HistoryDetailDto,
  HistoryPhrasesDto,
  HistoryQueryDto,
  LinkHistoryDto,
  UpdateHistoryDetailDto,
  UpdateHistoryEntryDto,
  WorkQueryDto,
} from './history.dto';
import { HistorySettingsService } from './history-settings.service';
import { HistoryService } from './history.service';

/** 対応履歴 on the karte, its detail lines, and 作業管理. Reading follows the customer right, writing needs customers-write. */
@ApiTags('history')
@Controller()
export class HistoryController {
  constructor(
    private readonly history: HistoryService,
    private readonly settings: HistorySettingsService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** The customer's entries, newest first; `q` is any substring of the title or a detail line. */
  @Get('customers/:id/history')
  @RequireRights('customers.read')
  search(@Param('id', ParseIntPipe) id: number, @Query() query: HistoryQueryDto) {
    return this.history.search(id, query);
  }

  /** The customer's entries matching the filters as CSV (UTF-8 with BOM), one row per detail line. */
  @Get('customers/:id/history.csv')
  @RequireRights('customers.read')
  @ApiProduces('text/csv')
  async export(@Param('id', ParseIntPipe) id: number, @Query() query: HistoryQueryDto, @Res() res: Response) {
    const entries = this.history.iterate(id, query);
    // The first batch is read before the headers go out, so an unknown customer still answers 404.
    const first = await entries.next();
    res.setHeader('Content-Type', 'text/csv; charset=utf-8');
    res.setHeader('Content-Disposition', `attachment; filename="history-${id}.csv"; filename*=UTF-8''%E5%AF%BE%E5%BF%9C%E5%B1%A5%E6%AD%B4-${id}.csv`);
    async function* all() {
      if (!first.done) yield first.value;
      yield* entries;
    }
    await pipeline(historyCsv(all(), await this.history.staffNames(), this.config.company.timeZone), res);
  }

  @Post('customers/:id/history')
  @RequireRights('customers.write')
  create(@Param('id', ParseIntPipe) id: number, @Body() dto: CreateHistoryEntryDto, @CurrentPrincipal() p: Principal) {
    return this.history.create(id, dto, p);
  }

  @Get('history/:id')
  @RequireRights('customers.read')
  get(@Param('id', ParseIntPipe) id: number) {
    return this.history.get(id);
  }

  @Patch('history/:id')
  @RequireRights('customers.write')
  update(@Param('id', ParseIntPipe) id: number, @Body() dto: UpdateHistoryEntryDto, @CurrentPrincipal() p: Principal) {
    return this.history.update(id, dto, p.actor);
  }

  @Delete('history/:id')
  @HttpCode(204)
  @RequireRights('customers.write')
  async remove(@Param('id', ParseIntPipe) id: number, @CurrentPrincipal() p: Principal) {
    await this.history.remove(id, p.actor);
  }

  @Post('history/:id/details')
  @RequireRights('customers.write')
  addDetail(@Param('id', ParseIntPipe) id: number, @Body() dto: HistoryDetailDto, @CurrentPrincipal() p: Principal) {
    return this.history.addDetail(id, dto, p.actor);
  }

  @Patch('history/:id/details/:detailId')
  @RequireRights('customers.write')
  updateDetail(@Param('id', ParseIntPipe) id: number, @Param('detailId', ParseIntPipe) detailId: number, @Body() dto: UpdateHistoryDetailDto, @CurrentPrincipal() p: Principal) {
    return this.history.updateDetail(id, detailId, dto, p.actor);
  }

  @Delete('history/:id/details/:detailId')
  @RequireRights('customers.write')
  removeDetail(@Param('id', ParseIntPipe) id: number, @Param('detailId', ParseIntPipe) detailId: number, @CurrentPrincipal() p: Principal) {
    return this.history.removeDetail(id, detailId, p.actor);
  }

  /** Moves the entry onto a customer: an unknown caller found, or one of several matches chosen. */
  @Post('history/:id/link')
  @HttpCode(200)
  @RequireRights('customers.write')
  link(@Param('id', ParseIntPipe) id: number, @Body() dto: LinkHistoryDto, @CurrentPrincipal() p: Principal) {
    return this.history.link(id, dto.customerId, p.actor);
  }

  /** 作業管理: open work of one staff member (default: me) as 担当 or 依頼先, by 次回予定. */
  @Get('work')
  @RequireRights('customers.read')
  work(@Query() query: WorkQueryDto, @CurrentPrincipal() p: Principal) {
    return this.history.work(query, p);
  }

  /** 定型文: at most 10 titles to pick from. */
  @Get('settings/history-phrases')
  @RequireRights('customers.read')
  async phrases() {
    return { phrases: await this.settings.phrases() };
  }

  @Put('settings/history-phrases')
  @RequireRights('admin')
  async setPhrases(@Body() dto: HistoryPhrasesDto, @CurrentPrincipal() p: Principal) {
    return { phrases: await this.settings.setPhrases(dto, p.actor) };
  }

  /** 自動履歴保存: per event, on/off, the state to record and the title. */
  @Get('settings/auto-history')
  @RequireRights('customers.read')
  async autoHistory() {
    return { events: await this.settings.autoHistory() };
  }

  @Put('settings/auto-history')
  @RequireRights('admin')
  async setAutoHistory(@Body() dto: AutoHistoryDto, @CurrentPrincipal() p: Principal) {
    return { events: await this.settings.setAutoHistory(dto, p.actor) };
  }
}
