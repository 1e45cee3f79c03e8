import { CurrentPrincipal, Principal, RequireRights } from '@madoguchi/auth';
import { Body, Controller, Get, Put } from '@nestjs/common';
import { ApiTags, ApiOkResponse } from '@nestjs/swagger';
import { MypageSettingsViewDto } from '../threads/thread-views.dto';
import { MypageSettingsDto } from './mypage-settings.dto';
import { MypageSettingsService } from './mypage-settings.service';

/** MYPAGE settings: the mailbox of the threads, whether customers may start threads, who hears of posts by customers without 担当. */
@ApiTags('mypage')
@Controller('mypage/settings')
export class MypageSettingsController {
  constructor(private readonly settings: MypageSettingsService) {}

  @Get()
  @RequireRights('mypage')
  @ApiOkResponse({ type: MypageSettingsViewDto })
  view() {
    return this.settings.view();
  }

  @Put()
  @RequireRights('mypage')
  @ApiOkResponse({ type: MypageSettingsViewDto })
  update(@Body() dto: MypageSettingsDto, @CurrentPrincipal() p: Principal) {
    return this.settings.update(dto, p);
  }
}
