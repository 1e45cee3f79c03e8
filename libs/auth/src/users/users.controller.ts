import { Body, Controller, Get, Param, ParseIntPipe, Patch, Post, Req } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { AuthedRequest, CurrentPrincipal, RequireRights } from '../permissions/decorators';
import { Principal } from '../permissions/principal';
import { CreateUserDto, UpdateUserDto } from './user.dto';
import { UsersService } from './users.service';

@ApiTags('users')
@Controller('users')
@RequireRights('admin')
export class UsersController {
  constructor(private readonly users: UsersService) {}

  @Get()
  list() {
    return this.users.list();
  }

  @Get(':id')
  get(@Param('id', ParseIntPipe) id: number) {
    return this.users.get(id);
  }

  @Post()
  create(@Body() dto: CreateUserDto, @CurrentPrincipal() p: Principal) {
    return this.users.create(dto, p.actor);
  }

  @Patch(':id')
  update(@Param('id', ParseIntPipe) id: number, @Body() dto: UpdateUserDto, @CurrentPrincipal() p: Principal, @Req() req: AuthedRequest) {
    return this.users.update(id, dto, p.actor, req.sessionId);
  }
}

/** Any signed-in staff member may list colleagues (for assignee pickers). */
@ApiTags('users')
@Controller('staff')
export class StaffController {
  constructor(private readonly users: UsersService) {}

  @Get()
  list() {
    return this.users.directory();
  }
}
