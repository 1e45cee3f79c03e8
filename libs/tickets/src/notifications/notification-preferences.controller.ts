import { CurrentPrincipal, Principal } from '@madoguchi/auth';
import { Body, Controller, Get, Put } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { NotificationPreferencesDto } from './notification-preferences.dto';
import { NotificationsService } from './notifications.service';

/** The signed-in user's own choice of notices by mail; anyone signed in, for themselves only. */
@ApiTags('notifications')
@Controller('me/notification-preferences')
export class NotificationPreferencesController {
  constructor(private readonly notifications: NotificationsService) {}

  @Get()
  @ApiOkResponse({ type: NotificationPreferencesDto })
  get(@CurrentPrincipal() p: Principal): Promise<NotificationPreferencesDto> {
    return this.notifications.preferences(p.userId);
  }

  @Put()
  @ApiOkResponse({ type: NotificationPreferencesDto })
  put(@Body() dto: NotificationPreferencesDto, @CurrentPrincipal() p: Principal): Promise<NotificationPreferencesDto> {
    return this.notifications.setPreferences(p.userId, dto);
  }
}
