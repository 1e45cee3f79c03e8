import { CurrentPrincipal, Principal } from '@madoguchi/auth';
import { Body, Controller, Delete, Get, HttpCode, Param, ParseIntPipe, Post } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { SavedViewDto } from './saved-view.dto';
import { SavedViewsService } from './saved-views.service';

/** 保存した表示: the caller's own named filters of the ticket list, with live counts. */
@ApiTags('views')
@Controller('views')
export class SavedViewsController {
  constructor(private readonly views: SavedViewsService) {}

  /** The caller's views in their order, each with `count`: the tickets it selects now. */
  @Get()
  list(@CurrentPrincipal() p: Principal) {
    return this.views.list(p);
  }

  /** Saves the list's current filters under a name (at most 30 views; names unique per user). */
  @Post()
  create(@Body() dto: SavedViewDto, @CurrentPrincipal() p: Principal) {
    return this.views.create(dto, p);
  }

  /** Deletes one of the caller's views; another user's view answers 404. */
  @Delete(':id')
  @HttpCode(204)
  async remove(@Param('id', ParseIntPipe) id: number, @CurrentPrincipal() p: Principal) {
    await this.views.remove(id, p);
  }
}
