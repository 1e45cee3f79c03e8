import { CurrentPrincipal, Principal } from '@madoguchi/auth';
import { Body, Controller, Delete, Get, HttpCode, Param, ParseIntPipe, Put, Res } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { PutDraftDto } from './reply-draft.dto';
import { DraftsService } from './drafts.service';

/**
 * The caller's own draft reply on a ticket, kept on the server (a reload or another device finds
 * it). Deleted when the caller's reply to the ticket is written. Needs `reply` on the mailbox.
 */
@ApiTags('drafts')
@Controller('tickets/:id/draft')
export class DraftsController {
  constructor(private readonly drafts: DraftsService) {}

  /** The draft, or 204 when there is none. */
  @Get()
  async get(
    @Param('id', ParseIntPipe) id: number,
    @CurrentPrincipal() p: Principal,
    @Res({ passthrough: true }) res: Response,
  ) {
    const draft = await this.drafts.get(id, p);
    if (!draft) res.status(204);
    return draft ?? undefined;
  }

  /** Saves the draft on the version it builds on (`version`, 0 for a new one); 409 `DRAFT_VERSION_CONFLICT` with `current` when it moved on. */
  @Put()
  put(@Param('id', ParseIntPipe) id: number, @Body() dto: PutDraftDto, @CurrentPrincipal() p: Principal) {
    return this.drafts.put(id, dto, p);
  }

  @Delete()
  @HttpCode(204)
  async remove(@Param('id', ParseIntPipe) id: number, @CurrentPrincipal() p: Principal) {
    await this.drafts.remove(id, p);
  }
}
