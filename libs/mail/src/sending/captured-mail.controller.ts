import { CurrentPrincipal, Principal } from '@madoguchi/auth';
import { BLOB_STORAGE, BlobStorage, NotFound } from '@madoguchi/core';
import { MailboxesService } from '@madoguchi/mailboxes';
import { Controller, Get, Inject, Param, ParseIntPipe, Query, Res } from '@nestjs/common';
import { ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiProduces, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { InjectDataSource } from '@nestjs/typeorm';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';
import type { Response } from 'express';
import { pipeline } from 'node:stream/promises';
import { DataSource } from 'typeorm';
import { Address, parseMessage } from '../parsing';
import { CapturedMail } from './captured-mail.entity';

const PAGE_SIZE = 50;

export class CapturedMailQueryDto {
  @ApiPropertyOptional({ minimum: 1, default: 1 })
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(100_000) page?: number;
}

export interface CapturedMailItem {
  id: number;
  outboxId: number;
  mailboxId: number;
  messageId: string;
  from: string;
  to: Address[];
  subject: string;
  size: number;
  createdAt: Date;
}

function item(row: CapturedMail): CapturedMailItem {
  return {
    id: row.id,
    outboxId: row.outboxId,
    mailboxId: row.mailboxId,
    messageId: row.messageId,
    from: row.fromAddress,
    to: JSON.parse(row.toJson) as Address[],
    subject: row.subject,
    size: row.size,
    createdAt: row.createdAt,
  };
}

/**
 * Mail a mailbox without an SMTP account kept instead of sending (mail.capture): the list, the
 * message as a reader shows it, and the original. Hidden to those who may not view the mailbox.
 */
@ApiTags('mailboxes')
@Controller()
export class CapturedMailController {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(BLOB_STORAGE) private readonly blobs: BlobStorage,
    private readonly mailboxes: MailboxesService,
  ) {}

  @Get('mailboxes/:id/captured')
  @ApiOperation({ summary: 'Mail kept locally instead of sent (no SMTP account), newest first, 50 a page' })
  @ApiOkResponse({ description: '{items, total, page, pageSize}' })
  @ApiNotFoundResponse({ description: 'The mailbox does not exist or the user may not view it' })
  async list(@Param('id', ParseIntPipe) id: number, @Query() query: CapturedMailQueryDto, @CurrentPrincipal() p: Principal) {
    await this.mailboxes.get(id, p);
    const page = query.page ?? 1;
    const [rows, total] = await this.dataSource
      .getRepository(CapturedMail)
      .findAndCount({ where: { mailboxId: id }, order: { id: 'DESC' }, skip: (page - 1) * PAGE_SIZE, take: PAGE_SIZE });
    return { items: rows.map(item), total, page, pageSize: PAGE_SIZE };
  }

  @Get('captured-mail/:id')
  @ApiOperation({ summary: 'One kept message, parsed: headers, text, sanitised HTML, attachments' })
  @ApiNotFoundResponse({ description: 'No such message, or its mailbox is hidden from the user' })
  async read(@Param('id', ParseIntPipe) id: number, @CurrentPrincipal() p: Principal) {
    const row = await this.row(id, p);
    const m = await parseMessage(await this.blobs.read(row.blobKey));
    return {
      ...item(row),
      message: {
        messageId: m.messageId,
        from: m.from,
        to: m.to,
        cc: m.cc,
        subject: m.subject,
        date: m.date,
        text: m.text,
        // parseMessage sanitises HTML for display (sanitizeEmailHtml) before it returns it.
        html: m.html,
        attachments: m.attachments.map((a) => ({ filename: a.filename, contentType: a.contentType, size: a.size })),
      },
    };
  }

  @Get('captured-mail/:id/raw')
  @ApiOperation({ summary: 'The kept message as it would have been sent (.eml)' })
  @ApiProduces('message/rfc822')
  @ApiNotFoundResponse({ description: 'No such message, or its mailbox is hidden from the user' })
  async raw(@Param('id', ParseIntPipe) id: number, @CurrentPrincipal() p: Principal, @Res() res: Response) {
    const row = await this.row(id, p);
    const body = await this.blobs.get(row.blobKey);
    res.setHeader('Content-Type', 'message/rfc822');
    res.setHeader('Content-Disposition', `attachment; filename="captured-${id}.eml"`);
    await pipeline(body, res);
  }

  /** The same 404 for a message of a hidden mailbox as for one that does not exist. */
  private async row(id: number, p: Principal): Promise<CapturedMail> {
    const row = await this.dataSource.getRepository(CapturedMail).findOneBy({ id });
    if (!row || !p.can(row.mailboxId, 'view')) throw new NotFound('captured mail', id);
    return row;
  }
}
