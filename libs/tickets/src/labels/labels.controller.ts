import { CurrentPrincipal, Principal } from '@madoguchi/auth';
import { Body, Controller, Delete, Get, HttpCode, Param, ParseIntPipe, Patch, Post } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { CreateLabelDto, UpdateLabelDto } from './label.dto';
import { LabelsService } from './labels.service';

/**
 * ラベル: each mailbox's catalogue of labels. Listing needs the mailbox's view right, adding,
 * renaming, recolouring and deleting its manage right. Labels go on tickets with
 * `PATCH /api/tickets/:id {labelIds}` (reply right) and filter the list with `label=`.
 */
@ApiTags('labels')
@Controller()
export class LabelsController {
  constructor(private readonly labels: LabelsService) {}

  /** The mailbox's labels by name, each with `ticketCount`, the tickets that carry it. */
  @Get('mailboxes/:id/labels')
  list(@Param('id', ParseIntPipe) id: number, @CurrentPrincipal() p: Principal) {
    return this.labels.list(id, p);
  }

  /** Adds a label; 409 LABEL_EXISTS when the mailbox has one of the same name (case and 全角/半角 aside). */
  @Post('mailboxes/:id/labels')
  create(@Param('id', ParseIntPipe) id: number, @Body() dto: CreateLabelDto, @CurrentPrincipal() p: Principal) {
    return this.labels.create(id, dto, p);
  }

  /** Renames or recolours a label; every ticket that carries it shows the change at once. */
  @Patch('labels/:id')
  update(@Param('id', ParseIntPipe) id: number, @Body() dto: UpdateLabelDto, @CurrentPrincipal() p: Principal) {
    return this.labels.update(id, dto, p);
  }

  /** Deletes a label: it leaves every ticket, and routing rules lose their action that added it (audited). */
  @Delete('labels/:id')
  @HttpCode(204)
  async remove(@Param('id', ParseIntPipe) id: number, @CurrentPrincipal() p: Principal) {
    await this.labels.remove(id, p);
  }
}
