import { CurrentPrincipal, Principal, RequireRights } from '@madoguchi/auth';
import { APP_CONFIG, AppConfig, createCsvWriter } from '@madoguchi/core';
import {
  Body,
  Controller,
  Get,
  HttpCode,
  Inject,
  Param,
  ParseIntPipe,
  Patch,
  Post,
  Query,
  Res,
} from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiProduces, ApiTags } from '@nestjs/swagger';
import {
  CreatedThreadView,
  DeletedThreadsView,
  StaffPostViewDto,
  StaffThreadViewDto,
  ThreadListPageView,
} from './thread-views.dto';
import type { Response } from 'express';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  CreateThreadDto,
  DeleteThreadsDto,
  StaffPostDto,
  ThreadFilterDto,
  ThreadQueryDto,
  UpdateThreadDto,
} from './thread.dto';
import { PostDownload, ThreadsService } from './threads.service';

const CSV_COLUMNS = [
  'コード',
  'タイトル',
  '顧客コード',
  'お客様',
  'ラベル',
  '最新投稿日',
  '作成日',
  '作成者',
  'NEW',
];

/** 2026/01/10 10:48 in the company's time zone, as the list shows it. */
function formatDateTime(d: Date, timeZone: string): string {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-CA', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    })
      .formatToParts(d)
      .map((p) => [p.type, p.value]),
  );
  return `${parts.year}/${parts.month}/${parts.day} ${parts.hour}:${parts.minute}`;
}

/** A post's file: images inline (they are JPEG/PNG/GIF by their bytes), everything else as a download; never sniffed by the browser. */
export async function sendDownload(res: Response, d: PostDownload): Promise<void> {
  const ascii = d.filename.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  res.setHeader('Content-Type', d.contentType);
  res.setHeader('Content-Length', String(d.size));
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Content-Security-Policy', "default-src 'none'; sandbox");
  res.setHeader('Cache-Control', 'private, no-store');
  res.setHeader(
    'Content-Disposition',
    `${d.inline ? 'inline' : 'attachment'}; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(d.filename)}`,
  );
  await pipeline(d.stream, res);
}

/**
 * メッセージ管理 (§5): the staff side of MYPAGE threads. Every route needs the `mypage` right;
 * a thread of a mailbox the caller cannot view answers 404, as an unknown one does.
 */
@ApiTags('mypage')
@Controller('mypage/threads')
export class ThreadsController {
  constructor(
    private readonly threads: ThreadsService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** The list: newest last post first, 50 a page (10/20/50/100); `isNew` while the customer's latest post is unread. */
  @Get()
  @RequireRights('mypage')
  @ApiOkResponse({ type: ThreadListPageView })
  list(@Query() q: ThreadQueryDto, @CurrentPrincipal() p: Principal) {
    return this.threads.list(q, p);
  }

  /** The listed threads' metadata as CSV (UTF-8 with BOM), all pages; never the posts. */
  @Get('export.csv')
  @RequireRights('mypage')
  @ApiProduces('text/csv')
  async export(@Query() q: ThreadFilterDto, @CurrentPrincipal() p: Principal, @Res() res: Response) {
    const stamp = new Date().toISOString().slice(0, 10).replace(/-/g, '');
    res.setHeader('Content-Type', 'text/csv; charset=utf-8');
    res.setHeader('Content-Disposition', `attachment; filename="mypage-threads-${stamp}.csv"`);
    const tz = this.config.company.timeZone;
    const threads = this.threads;
    const rows = async function* () {
      for await (const batch of threads.iterate(q, p)) {
        for (const t of batch)
          yield [
            t.code,
            t.title,
            t.customer.code,
            t.customer.name,
            t.label ?? '',
            formatDateTime(t.lastPostAt, tz),
            formatDateTime(t.createdAt, tz),
            t.createdBy,
            t.isNew ? 'NEW' : '',
          ];
      }
    };
    await pipeline(Readable.from(rows()), createCsvWriter({ columns: CSV_COLUMNS }), res);
  }

  /** Bulk delete (asked first in the console): the threads, their posts and files; audited. */
  @Post('delete')
  @HttpCode(200)
  @RequireRights('mypage')
  @ApiOkResponse({ type: DeletedThreadsView })
  remove(@Body() dto: DeleteThreadsDto, @CurrentPrincipal() p: Principal) {
    return this.threads.delete(dto.ids, p);
  }

  /** A new thread with its first post (a reply on the thread's new ticket, under the mailbox's approval policy). */
  @Post()
  @RequireRights('mypage')
  @ApiCreatedResponse({ type: CreatedThreadView })
  create(@Body() dto: CreateThreadDto, @CurrentPrincipal() p: Principal) {
    return this.threads.create(dto, p);
  }

  /** The labels in use, for the list's ラベル choice. */
  @Get('labels')
  @RequireRights('mypage')
  labels(@CurrentPrincipal() p: Principal) {
    return this.threads.labels(p);
  }

  /** One thread with its posts (label and memo included); opening it clears NEW for all staff. */
  @Get(':id')
  @RequireRights('mypage')
  @ApiOkResponse({ type: StaffThreadViewDto })
  get(@Param('id', ParseIntPipe) id: number, @CurrentPrincipal() p: Principal) {
    return this.threads.get(id, p);
  }

  /** Edits title, label or memo (「更新」 on the detail screen); audited. */
  @Patch(':id')
  @RequireRights('mypage')
  @ApiOkResponse({ type: StaffThreadViewDto })
  update(
    @Param('id', ParseIntPipe) id: number,
    @Body() dto: UpdateThreadDto,
    @CurrentPrincipal() p: Principal,
  ) {
    return this.threads.update(id, dto, p);
  }

  /** A staff post: `{text}` or `{uploadId}`; it reaches the portal after the final approval. */
  @Post(':id/posts')
  @RequireRights('mypage')
  @ApiCreatedResponse({ type: StaffPostViewDto })
  post(@Param('id', ParseIntPipe) id: number, @Body() dto: StaffPostDto, @CurrentPrincipal() p: Principal) {
    return this.threads.postAsStaff(id, dto, p);
  }

  @Get(':id/posts/:postId/file')
  @RequireRights('mypage')
  @ApiProduces('application/octet-stream')
  async file(
    @Param('id', ParseIntPipe) id: number,
    @Param('postId', ParseIntPipe) postId: number,
    @CurrentPrincipal() p: Principal,
    @Res() res: Response,
  ) {
    await sendDownload(res, await this.threads.staffFile(id, postId, p));
  }
}

/** The karte's MYPAGE threads. */
@ApiTags('mypage')
@Controller('customers/:id/mypage-threads')
export class CustomerThreadsController {
  constructor(private readonly threads: ThreadsService) {}

  @Get()
  @RequireRights('mypage')
  @ApiOkResponse({ type: ThreadListPageView })
  list(@Param('id', ParseIntPipe) id: number, @CurrentPrincipal() p: Principal) {
    return this.threads.forCustomer(id, p);
  }
}
