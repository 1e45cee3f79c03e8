import { CurrentPrincipal, Principal, RequireRights } from '@madoguchi/auth';
import { APP_CONFIG, AppConfig } from '@madoguchi/core';
import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Inject,
  Param,
  ParseIntPipe,
  Patch,
  Post,
  Query,
  Res,
} from '@nestjs/common';
import { ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { pipeline } from 'node:stream/promises';
import {
  CreateCustomerDto,
  CustomerExportQueryDto,
  CustomerQueryDto,
  UpdateCustomerDto,
} from './customer.dto';
import { CustomersService } from './customers.service';
import { customersCsv } from './csv/customers-csv';

@ApiTags('customers')
@Controller('customers')
export class CustomersController {
  constructor(
    private readonly customers: CustomersService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Search: `q` matches any field by any substring (one kanji is enough); phone numbers match whatever their hyphens. */
  @Get()
  @RequireRights('customers.read')
  search(@Query() query: CustomerQueryDto) {
    return this.customers.search(query);
  }

  /** The search result as CSV (UTF-8 with BOM), all pages; `columns` chooses which columns (all by default). */
  @Get('export.csv')
  @RequireRights('customers.read')
  @ApiProduces('text/csv')
  async export(@Query() query: CustomerExportQueryDto, @Res() res: Response) {
    const stamp = new Date().toISOString().slice(0, 10).replace(/-/g, '');
    res.setHeader('Content-Type', 'text/csv; charset=utf-8');
    res.setHeader(
      'Content-Disposition',
      `attachment; filename="customers-${stamp}.csv"; filename*=UTF-8''%E9%A1%A7%E5%AE%A2-${stamp}.csv`,
    );
    const { page: _page, pageSize: _size, columns, ...filter } = query;
    await pipeline(
      customersCsv(
        this.customers.iterate(filter),
        await this.customers.staffNames(),
        this.config.company.timeZone,
        columns,
      ),
      res,
    );
  }

  @Get(':id')
  @RequireRights('customers.read')
  get(@Param('id', ParseIntPipe) id: number) {
    return this.customers.get(id);
  }

  @Post()
  @RequireRights('customers.write')
  create(@Body() dto: CreateCustomerDto, @CurrentPrincipal() p: Principal) {
    return this.customers.create(dto, p.actor);
  }

  @Patch(':id')
  @RequireRights('customers.write')
  update(
    @Param('id', ParseIntPipe) id: number,
    @Body() dto: UpdateCustomerDto,
    @CurrentPrincipal() p: Principal,
  ) {
    return this.customers.update(id, dto, p.actor);
  }

  @Delete(':id')
  @HttpCode(204)
  @RequireRights('customers.write')
  async remove(@Param('id', ParseIntPipe) id: number, @CurrentPrincipal() p: Principal) {
    await this.customers.remove(id, p.actor);
  }
}
