import { Public } from '@madoguchi/auth';
import {
  Body,
  CallHandler,
  Controller,
  ExecutionContext,
  Get,
  HttpCode,
  Injectable,
  NestInterceptor,
  Param,
  ParseIntPipe,
  PayloadTooLargeException,
  Post,
  Req,
  Res,
  UploadedFile,
  UseGuards,
  UseInterceptors,
} from '@nestjs/common';
import { FileInterceptor } from '@nestjs/platform-express';
import {
  ApiBody,
  ApiConsumes,
  ApiCookieAuth,
  ApiProduces,
  ApiTags,
  ApiCreatedResponse,
  ApiOkResponse,
} from '@nestjs/swagger';
import {
  CreatedThreadView,
  PortalPostViewDto,
  PortalThreadListView,
  PortalThreadViewDto,
} from './thread-views.dto';
import type { Response } from 'express';
import { catchError, Observable, throwError } from 'rxjs';
import { PortalAuthService, PortalCustomer } from '../accounts/portal-auth.service';
import { PORTAL_SESSION_COOKIE } from '../accounts/portal-cookies';
import { CurrentCustomer, PortalGuard, PortalRequest } from '../accounts/portal.guard';
import { checkPostFile, cleanFilename } from './post-content';
import { ThreadChanged, ThreadEvents } from './thread-events.service';
import { MAX_POST_BYTES, PostFileTooLarge, PostNeedsOneContent } from './thread-errors';
import { PortalCreateThreadDto, PortalFilePostDto } from './thread.dto';
import { PortalPostContent, ThreadsService } from './threads.service';
import { sendDownload } from './threads.controller';

interface UploadedPart {
  originalname: string;
  mimetype: string;
  size: number;
  buffer: Buffer;
}

/** multer's bare 413 becomes MYPAGE_FILE_TOO_LARGE, the code the portal shows a sentence for. */
@Injectable()
class PostFileLimit implements NestInterceptor {
  intercept(_ctx: ExecutionContext, next: CallHandler): Observable<unknown> {
    return next
      .handle()
      .pipe(
        catchError((e: unknown) =>
          throwError(() => (e instanceof PayloadTooLargeException ? new PostFileTooLarge() : e)),
        ),
      );
  }
}

/** One file of at most 10 MB (a byte more is refused while it streams), two small text fields. */
const ONE_FILE = FileInterceptor('file', {
  limits: { fileSize: MAX_POST_BYTES, files: 1, fields: 2, fieldSize: 8 * 1024, parts: 4 },
});

/** How often an open event stream checks that its session still holds (sign-out, disabled access, expiry end it). */
const SESSION_CHECK_MS = 5_000;

/**
 * The customer's side of MYPAGE threads (PortalGuard, the portal cookie only): their own
 * threads, nobody else's (404), never a label, memo, ticket or mailbox; staff posts only once
 * they went out after approval.
 */
@ApiTags('portal')
@ApiCookieAuth(PORTAL_SESSION_COOKIE)
@Public()
@UseGuards(PortalGuard)
@Controller('portal')
export class PortalThreadsController {
  constructor(
    private readonly threads: ThreadsService,
    private readonly events: ThreadEvents,
    private readonly auth: PortalAuthService,
  ) {}

  /** The customer's threads, newest post first; `hasNewStaffPosts` marks those with staff posts they have not opened. */
  @Get('threads')
  @ApiOkResponse({ type: PortalThreadListView })
  list(@CurrentCustomer() c: PortalCustomer) {
    return this.threads.portalList(c);
  }

  /** A new thread with its first text (only when the MYPAGE settings let customers start threads: else 403 MYPAGE_THREAD_START_OFF). */
  @Post('threads')
  @ApiCreatedResponse({ type: CreatedThreadView })
  create(@Body() dto: PortalCreateThreadDto, @CurrentCustomer() c: PortalCustomer) {
    return this.threads.portalCreate(c, dto.title, { text: dto.text });
  }

  /** One of the customer's threads with its posts (another customer's is 404); opening it clears its NEW. */
  @Get('threads/:id')
  @ApiOkResponse({ type: PortalThreadViewDto })
  get(@Param('id', ParseIntPipe) id: number, @CurrentCustomer() c: PortalCustomer) {
    return this.threads.portalGet(id, c);
  }

  /**
   * A post: JSON `{text}` (at most 1,000 characters), or multipart with one `file` (at most
   * 10 MB; `kind=image` or an image name/type asks for an image, which must be JPEG, PNG or GIF
   * by its bytes).
   */
  @Post('threads/:id/posts')
  @ApiConsumes('application/json', 'multipart/form-data')
  @ApiBody({
    schema: {
      type: 'object',
      properties: {
        text: { type: 'string', maxLength: 1000 },
        file: { type: 'string', format: 'binary' },
        kind: { type: 'string', enum: ['image', 'file'] },
      },
    },
  })
  @UseInterceptors(PostFileLimit, ONE_FILE)
  @ApiCreatedResponse({ type: PortalPostViewDto })
  async post(
    @Param('id', ParseIntPipe) id: number,
    @Body() dto: PortalFilePostDto,
    @UploadedFile() file: UploadedPart | undefined,
    @CurrentCustomer() c: PortalCustomer,
  ) {
    let content: PortalPostContent;
    if (file) {
      if (dto.text !== undefined && dto.text !== '') throw new PostNeedsOneContent();
      const filename = cleanFilename(file.originalname);
      const checked = await checkPostFile({
        filename,
        declaredType: file.mimetype,
        bytes: file.buffer,
        wantImage: dto.kind === 'image',
      });
      content = { file: { ...checked, bytes: file.buffer } };
    } else {
      if (typeof dto.text !== 'string' || !dto.text.trim()) throw new PostNeedsOneContent();
      content = { text: dto.text };
    }
    return this.threads.portalPost(id, c, content);
  }

  /** A post's image or file, of the customer's own thread and visible to them. */
  @Get('threads/:id/posts/:postId/file')
  @ApiProduces('application/octet-stream')
  async file(
    @Param('id', ParseIntPipe) id: number,
    @Param('postId', ParseIntPipe) postId: number,
    @CurrentCustomer() c: PortalCustomer,
    @Res() res: Response,
  ) {
    await sendDownload(res, await this.threads.portalFile(id, postId, c));
  }

  /**
   * Server-sent events `{"type":"thread","threadId"}` when one of the customer's own threads
   * changes (a new post, a staff post reaching the portal). The stream ends when the session does
   * (sign-out, disabled access, expiry), checked every few seconds.
   */
  @Get('events')
  @HttpCode(200)
  @ApiProduces('text/event-stream')
  events$(@CurrentCustomer() c: PortalCustomer, @Req() req: PortalRequest, @Res() res: Response) {
    const cookie = (req.cookies as Record<string, string> | undefined)?.[PORTAL_SESSION_COOKIE] ?? '';
    res.writeHead(200, {
      'Content-Type': 'text/event-stream',
      'Cache-Control': 'no-cache',
      Connection: 'keep-alive',
      'X-Accel-Buffering': 'no',
    });
    res.write(': connected\n\n');
    const send = (e: ThreadChanged) => {
      if (e.customerId === c.customerId)
        res.write(`data: ${JSON.stringify({ type: 'thread', threadId: e.threadId })}\n\n`);
    };
    const unsubscribe = this.events.subscribe(send);
    const keepAlive = setInterval(() => res.write(': keep-alive\n\n'), 25_000);
    let checking = false;
    const sessionCheck = setInterval(() => {
      if (checking) return;
      checking = true;
      this.auth
        .fromSession(cookie)
        .then((found) => {
          if (!found || found.customer.sessionId !== c.sessionId) end();
        })
        .catch(() => undefined)
        .finally(() => (checking = false));
    }, SESSION_CHECK_MS);
    let ended = false;
    const cleanUp = () => {
      if (ended) return;
      ended = true;
      clearInterval(keepAlive);
      clearInterval(sessionCheck);
      unsubscribe();
    };
    const end = () => {
      cleanUp();
      res.end();
    };
    req.on('close', cleanUp);
  }
}
