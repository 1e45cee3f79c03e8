import { APP_CONFIG, AppConfig, Unauthenticated } from '@madoguchi/core';
import { Body, Controller, Delete, Get, HttpCode, Inject, Param, ParseIntPipe, Post, Req, Res } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { AuthedRequest, CurrentPrincipal, Public, SignInOptional } from '../permissions/decorators';
import { Principal } from '../permissions/principal';
import { TokensService } from '../tokens/tokens.service';
import { AuthService, ClientInfo } from './auth.service';
import { clearSessionCookies, setSessionCookies } from './cookies';
import { ChangePasswordDto, CreateTokenDto, LoginDto } from './login.dto';
import { toMe } from './me';

function clientOf(req: Request): ClientInfo {
  return { ip: req.ip ?? req.socket.remoteAddress ?? 'unknown', userAgent: req.header('user-agent') };
}

@ApiTags('auth')
@Controller('auth')
export class AuthController {
  constructor(
    private readonly auth: AuthService,
    private readonly tokens: TokensService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Signs in a browser: sets the httpOnly session cookie and the XSRF-TOKEN cookie. */
  @Public()
  @Post('login')
  @HttpCode(200)
  async login(@Body() dto: LoginDto, @Req() req: Request, @Res({ passthrough: true }) res: Response) {
    const session = await this.auth.login(dto.email, dto.password, clientOf(req));
    setSessionCookies(res, req, this.config, session);
    return { user: toMe(session.principal) };
  }

  @Post('logout')
  @HttpCode(204)
  async logout(@Req() req: AuthedRequest, @CurrentPrincipal() p: Principal, @Res({ passthrough: true }) res: Response) {
    if (req.sessionId) await this.auth.logout(req.sessionId, p);
    clearSessionCookies(res);
  }

  /** Changes the signed-in user's own password; their other sessions end, this one stays. */
  @Post('password')
  @HttpCode(204)
  async changePassword(@Body() dto: ChangePasswordDto, @Req() req: AuthedRequest, @CurrentPrincipal() p: Principal) {
    await this.auth.changePassword(p, req.sessionId, dto.currentPassword, dto.newPassword, clientOf(req));
  }

  @Get('me')
  me(@CurrentPrincipal() p: Principal) {
    return toMe(p);
  }

  /**
   * Creates a bearer token. Scripts send `{email,password}` (rate limited like login);
   * a signed-in user may instead send just `{name}` to make one for themselves.
   */
  @SignInOptional()
  @Post('tokens')
  async createToken(@Body() dto: CreateTokenDto, @Req() req: AuthedRequest) {
    const name = dto.name ?? 'API token';
    if (dto.email !== undefined || dto.password !== undefined) {
      const user = await this.auth.verifyCredentials(dto.email ?? '', dto.password ?? '', clientOf(req));
      return this.tokens.create(user.id, name, { userId: user.id, label: user.email }, dto.expiresInDays);
    }
    if (!req.principal) throw new Unauthenticated('Send email and password, or sign in first');
    return this.tokens.create(req.principal.userId, name, req.principal, dto.expiresInDays);
  }

  @Get('tokens')
  listTokens(@CurrentPrincipal() p: Principal) {
    return this.tokens.list(p);
  }

  @Delete('tokens/:id')
  @HttpCode(204)
  async revokeToken(@Param('id', ParseIntPipe) id: number, @CurrentPrincipal() p: Principal) {
    await this.tokens.revoke(id, p);
  }
}
