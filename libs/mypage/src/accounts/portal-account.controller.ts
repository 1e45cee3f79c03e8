import { Public } from '@madoguchi/auth';
import { Body, Controller, HttpCode, Post, UseGuards } from '@nestjs/common';
import { ApiCookieAuth, ApiTags, ApiAcceptedResponse } from '@nestjs/swagger';
import { WithdrawalView } from '../threads/thread-views.dto';
import { PortalPasswordDto, PortalWithdrawalDto } from '../threads/thread.dto';
import { PortalAuthService, PortalCustomer } from './portal-auth.service';
import { PORTAL_SESSION_COOKIE } from './portal-cookies';
import { CurrentCustomer, PortalGuard } from './portal.guard';

/** The signed-in customer's account on the portal: password change and the 退会 request. */
@ApiTags('portal')
@ApiCookieAuth(PORTAL_SESSION_COOKIE)
@Public()
@UseGuards(PortalGuard)
@Controller('portal/account')
export class PortalAccountController {
  constructor(private readonly auth: PortalAuthService) {}

  /** `{currentPassword, newPassword}` → 204; other browsers are signed out. 400 PORTAL_PASSWORD_WRONG, 400 VALIDATION_FAILED (`newPassword`). */
  @Post('password')
  @HttpCode(204)
  async changePassword(@Body() dto: PortalPasswordDto, @CurrentCustomer() c: PortalCustomer) {
    await this.auth.changePassword(c, dto.currentPassword, dto.newPassword);
  }

  /** 退会 request → 202 `{requestedAt}`; staff see it on the karte (`withdrawalRequestedAt` of portal-access). */
  @Post('withdrawal')
  @HttpCode(202)
  @ApiAcceptedResponse({ type: WithdrawalView })
  withdraw(@Body() dto: PortalWithdrawalDto, @CurrentCustomer() c: PortalCustomer) {
    return this.auth.requestWithdrawal(c, dto.reason ?? null);
  }
}
