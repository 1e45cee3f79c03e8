import { Body, Controller, Delete, Get, HttpCode, Param, ParseIntPipe, Patch, Post } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, RequireRights } from '../permissions/decorators';
import { Principal } from '../permissions/principal';
import { GLOBAL_RIGHTS } from '../permissions/rights';
import { CreateGroupDto, UpdateGroupDto } from './group.dto';
import { GroupsService } from './groups.service';

@ApiTags('groups')
@Controller('groups')
@RequireRights('admin')
export class GroupsController {
  constructor(private readonly groups: GroupsService) {}

  @Get()
  list() {
    return this.groups.list();
  }

  /** The global rights a group can grant. */
  @Get('rights')
  rights() {
    return GLOBAL_RIGHTS;
  }

  @Get(':id')
  get(@Param('id', ParseIntPipe) id: number) {
    return this.groups.get(id);
  }

  @Post()
  create(@Body() dto: CreateGroupDto, @CurrentPrincipal() p: Principal) {
    return this.groups.create(dto, p.actor);
  }

  @Patch(':id')
  update(@Param('id', ParseIntPipe) id: number, @Body() dto: UpdateGroupDto, @CurrentPrincipal() p: Principal) {
    return this.groups.update(id, dto, p.actor);
  }

  @Delete(':id')
  @HttpCode(204)
  async remove(@Param('id', ParseIntPipe) id: number, @CurrentPrincipal() p: Principal) {
    await this.groups.remove(id, p.actor);
  }
}
