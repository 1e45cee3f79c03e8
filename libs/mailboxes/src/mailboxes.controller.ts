import { CurrentPrincipal, Principal, RequireRights } from '@madoguchi/auth';
import { Body, Controller, Get, Param, ParseIntPipe, Patch, Post } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { CreateMailboxDto, UpdateMailboxDto } from './mailbox.dto';
import { MailboxesService } from './mailboxes.service';

@ApiTags('mailboxes')
@Controller('mailboxes')
export class MailboxesController {
  constructor(private readonly mailboxes: MailboxesService) {}

  @Get()
  list(@CurrentPrincipal() p: Principal) {
    return this.mailboxes.list(p);
  }

  @Get(':id')
  get(@Param('id', ParseIntPipe) id: number, @CurrentPrincipal() p: Principal) {
    return this.mailboxes.get(id, p);
  }

  @Post()
  @RequireRights('admin')
  create(@Body() dto: CreateMailboxDto, @CurrentPrincipal() p: Principal) {
    return this.mailboxes.create(dto, p.actor);
  }

  /** Needs the manage right on the mailbox. Omit a password to keep the stored one. */
  @Patch(':id')
  update(@Param('id', ParseIntPipe) id: number, @Body() dto: UpdateMailboxDto, @CurrentPrincipal() p: Principal) {
    return this.mailboxes.update(id, dto, p);
  }
}
