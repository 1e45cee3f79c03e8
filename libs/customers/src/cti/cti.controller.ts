import { CtiOnly, CurrentPrincipal, Principal, RequireRights, TokensService } from '@madoguchi/auth';
import { Body, Controller, Delete, Get, HttpCode, Param, ParseIntPipe, Post, Res } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiForbiddenResponse,
  ApiOkResponse,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import type { Response } from 'express';
import { CreateCtiTokenDto, CtiCallDto } from './cti.dto';
import { CtiService } from './cti.service';

/** Incoming calls from the phone system (CTI), and the tokens it posts them with. */
@ApiTags('cti')
@Controller()
export class CtiController {
  constructor(
    private readonly cti: CtiService,
    private readonly tokens: TokensService,
  ) {}

  /**
   * One event of a call, posted by the phone system with `Authorization: Bearer <CTI token>`.
   * The first event of a `callId` writes the 「電話着信あり」 entry (201); the same `callId` again
   * answers 200 with the same `entryId` (`answered` / `ended` add who answered and the duration).
   */
  @Post('cti/calls')
  @CtiOnly()
  @ApiBearerAuth()
  @ApiCreatedResponse({ description: '{entryId, customerIds}: the first event of this callId' })
  @ApiOkResponse({ description: '{entryId, customerIds}: a later event of a callId already seen' })
  @ApiUnauthorizedResponse({ description: 'No CTI token, or an unknown or deleted one' })
  @ApiForbiddenResponse({
    description: 'CTI_TOKEN_REQUIRED: an API token or a session instead of a CTI token',
  })
  async call(@Body() dto: CtiCallDto, @Res({ passthrough: true }) res: Response) {
    const r = await this.cti.receive(dto);
    if (!r.created) res.status(200);
    return { entryId: r.entryId, customerIds: r.customerIds };
  }

  /** CTI tokens (without their text). */
  @Get('settings/cti-tokens')
  @RequireRights('admin')
  listTokens() {
    return this.tokens.listCti();
  }

  /** A new CTI token: `{id, token}`; the token's text is shown this once. */
  @Post('settings/cti-tokens')
  @RequireRights('admin')
  @ApiCreatedResponse({ description: '{id, name, token}' })
  createToken(@Body() dto: CreateCtiTokenDto, @CurrentPrincipal() p: Principal) {
    return this.tokens.createCti(dto.name, p);
  }

  /** Deletes a CTI token: the phone system's next post with it answers 401. */
  @Delete('settings/cti-tokens/:id')
  @RequireRights('admin')
  @HttpCode(204)
  async deleteToken(@Param('id', ParseIntPipe) id: number, @CurrentPrincipal() p: Principal) {
    await this.tokens.revokeCti(id, p);
  }
}
