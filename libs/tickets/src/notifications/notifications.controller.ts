import { CurrentPrincipal, Principal } from '@madoguchi/auth';
import { Controller, Get, HttpCode, Param, ParseIntPipe, Post } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { NotificationsService } from './notifications.service';

@ApiTags('notifications')
@Controller('notifications')
export class NotificationsController {
  constructor(private readonly notifications: NotificationsService) {}

  /** The caller's latest 50 notices and how many are unread. */
  @Get()
  list(@CurrentPrincipal() p: Principal) {
    return this.notifications.list(p);
  }

  @Post('read-all')
  @HttpCode(204)
  async readAll(@CurrentPrincipal() p: Principal) {
    await this.notifications.readAll(p);
  }

  @Post(':id/read')
  @HttpCode(204)
  async read(@Param('id', ParseIntPipe) id: number, @CurrentPrincipal() p: Principal) {
    await this.notifications.read(id, p);
  }
}
