import { Public } from '@madoguchi/auth';
import { APP_CONFIG, AppConfig } from '@madoguchi/core';
import { Body, Controller, Get, HttpCode, Inject, Post, Req, Res, UseGuards } from '@nestjs/common';
import { ApiCookieAuth, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { PortalCustomer, PortalAuthService } from './portal-auth.service';
import { PortalLoginDto, PortalResetDto, PortalSetPasswordDto, PortalSignupDto } from './portal-auth.dto';
import { clearPortalCookies, PORTAL_SESSION_COOKIE, setPortalCookies } from './portal-cookies';
import { CurrentCustomer, PortalAnonymous, PortalGuard } from './portal.guard';

function clientOf(req: Request) {
  return { ip: req.ip ?? req.socket.remoteAddress ?? 'unknown', userAgent: req.header('user-agent') };
}

/** The same answer to sign-up and reset whatever the address: nothing tells whether it has an account. */
const MAIL_ACCEPTED = {
  accepted: true,
  message: 'If the address can use MYPAGE, a mail with a link is on its way',
};

/**
 * The customer realm's sign-in (MYPAGE). @Public() to the staff guard, which never looks at these
 * routes; PortalGuard admits the portal cookie only.
 */
@ApiTags('portal')
@ApiCookieAuth(PORTAL_SESSION_COOKIE)
@Public()
@UseGuards(PortalGuard)
@Controller('portal/auth')
export class PortalAuthController {
  constructor(
    private readonly auth: PortalAuthService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Signs a customer in: sets the httpOnly `madoguchi_portal_session` cookie and the readable `PORTAL-XSRF-TOKEN`. */
  @PortalAnonymous()
  @Post('login')
  @HttpCode(200)
  async login(@Body() dto: PortalLoginDto, @Req() req: Request, @Res({ passthrough: true }) res: Response) {
    const session = await this.auth.login(dto.email, dto.password, clientOf(req));
    setPortalCookies(res, req, this.config, session);
    return session.me;
  }

  @Post('logout')
  @HttpCode(204)
  async logout(@CurrentCustomer() c: PortalCustomer, @Res({ passthrough: true }) res: Response) {
    await this.auth.logout(c);
    clearPortalCookies(res);
  }

  /** Sign-up by email: a verification mail whose link (`/mypage/set-password?token=…`, 24 h) sets the password. Always 202. */
  @PortalAnonymous()
  @Post('signup')
  @HttpCode(202)
  async signup(@Body() dto: PortalSignupDto, @Req() req: Request) {
    await this.auth.signup(dto.email, dto.name ?? null, clientOf(req));
    return MAIL_ACCEPTED;
  }

  /** A reset link (`/mypage/set-password?token=…`, 1 h) to the address when it has an account. Always 202. */
  @PortalAnonymous()
  @Post('password-reset')
  @HttpCode(202)
  async requestReset(@Body() dto: PortalResetDto, @Req() req: Request) {
    await this.auth.requestReset(dto.email, clientOf(req));
    return MAIL_ACCEPTED;
  }

  /** Follows an invitation, sign-up or reset link: sets the password (then sign in). */
  @PortalAnonymous()
  @Post('set-password')
  @HttpCode(200)
  setPassword(@Body() dto: PortalSetPasswordDto) {
    return this.auth.setPassword(dto.token, dto.password);
  }

  @Get('me')
  me(@CurrentCustomer() c: PortalCustomer) {
    return this.auth.me(c);
  }
}
