import { CurrentPrincipal, Principal, RequireRights } from '@madoguchi/auth';
import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Param,
  ParseIntPipe,
  Patch,
  Post,
  Query,
} from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { CreateVisitDto, UpdateVisitDto, VisitPage, VisitQueryDto, VisitView } from './visit.dto';
import { VisitsService } from './visits.service';

/** 来店・利用金額 on the karte: reading follows customers-read, changing needs customers-write. */
@ApiTags('customers')
@Controller('customers/:id/visits')
export class VisitsController {
  constructor(private readonly visits: VisitsService) {}

  /** The customer's visits, newest first, and `summary` (最終来店日, 来店回数, 利用金額合計, 平均) over all of them. */
  @Get()
  @RequireRights('customers.read')
  @ApiOkResponse({ type: VisitPage })
  list(@Param('id', ParseIntPipe) id: number, @Query() query: VisitQueryDto) {
    return this.visits.list(id, query);
  }

  /** Records a visit; writes the automatic history entry 「来店を記録しました。」 (自動履歴保存 `visit_recorded`). */
  @Post()
  @RequireRights('customers.write')
  @ApiCreatedResponse({ type: VisitView })
  create(
    @Param('id', ParseIntPipe) id: number,
    @Body() dto: CreateVisitDto,
    @CurrentPrincipal() p: Principal,
  ) {
    return this.visits.create(id, dto, p.actor);
  }

  /** Changes the fields given; a visit of another customer answers 404 CUSTOMER_VISIT_NOT_FOUND. */
  @Patch(':visitId')
  @RequireRights('customers.write')
  @ApiOkResponse({ type: VisitView })
  update(
    @Param('id', ParseIntPipe) id: number,
    @Param('visitId', ParseIntPipe) visitId: number,
    @Body() dto: UpdateVisitDto,
    @CurrentPrincipal() p: Principal,
  ) {
    return this.visits.update(id, visitId, dto, p.actor);
  }

  @Delete(':visitId')
  @HttpCode(204)
  @RequireRights('customers.write')
  async remove(
    @Param('id', ParseIntPipe) id: number,
    @Param('visitId', ParseIntPipe) visitId: number,
    @CurrentPrincipal() p: Principal,
  ) {
    await this.visits.remove(id, visitId, p.actor);
  }
}
