import { CurrentPrincipal, Principal, RequireRights } from '@madoguchi/auth';
import { Body, Controller, Get, HttpCode, Post, Put } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import {
  MemberNotificationPreviewDto,
  MemberNotificationPreviewView,
  MemberNotificationsDto,
} from './member-notifications.dto';
import { MemberNotificationsService } from './member-notifications.service';

/**
 * 通知メール編集 (administrators, like the other customer settings): the mails to the business
 * and to the customer when a customer registers, and to the customer on withdrawal.
 */
@ApiTags('customers')
@Controller('settings/member-notifications')
export class MemberNotificationsController {
  constructor(private readonly notifications: MemberNotificationsService) {}

  /** The three templates with their on/off and the business recipients; never saved: the Japanese defaults. */
  @Get()
  @RequireRights('admin')
  @ApiOkResponse({ type: MemberNotificationsDto })
  get() {
    return this.notifications.settings();
  }

  /**
   * Saves all three. 400 VALIDATION_FAILED with `fieldCodes` per field: `UNKNOWN_PLACEHOLDER
   * {token}` (e.g. `customerOnWithdraw.body`), `EMAIL` / `ARRAY_MAX_SIZE` / `REQUIRED` for
   * `adminOnRegister.recipients`.
   */
  @Put()
  @RequireRights('admin')
  @ApiOkResponse({ type: MemberNotificationsDto })
  save(@Body() dto: MemberNotificationsDto, @CurrentPrincipal() p: Principal) {
    return this.notifications.save(dto, p.actor);
  }

  /** One template filled with a real customer's values (given `subject`/`body`: that unsaved text). 404 CUSTOMER_NOT_FOUND. */
  @Post('preview')
  @HttpCode(200)
  @RequireRights('admin')
  @ApiOkResponse({ type: MemberNotificationPreviewView })
  preview(@Body() dto: MemberNotificationPreviewDto) {
    return this.notifications.preview(dto);
  }
}
