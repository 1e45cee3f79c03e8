import { CurrentPrincipal, Principal, RequireRights } from '@madoguchi/auth';
import {
  CallHandler,
  Controller,
  Delete,
  ExecutionContext,
  Get,
  HttpCode,
  Injectable,
  NestInterceptor,
  Param,
  ParseIntPipe,
  PayloadTooLargeException,
  Post,
  Query,
  Res,
  UploadedFile,
  UseInterceptors,
} from '@nestjs/common';
import { FileInterceptor } from '@nestjs/platform-express';
import { ApiBody, ApiConsumes, ApiProduces, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { pipeline } from 'node:stream/promises';
import { catchError, Observable, throwError } from 'rxjs';
import { CustomerImageTooLarge, MAX_IMAGE_BYTES } from './image-errors';
import { CustomerImagesService, ImagePart } from './images.service';

/** multer's bare 413 becomes CUSTOMER_IMAGE_TOO_LARGE, a code the console words. */
@Injectable()
class ImageSizeLimit implements NestInterceptor {
  intercept(_ctx: ExecutionContext, next: CallHandler): Observable<unknown> {
    return next
      .handle()
      .pipe(
        catchError((e: unknown) =>
          throwError(() => (e instanceof PayloadTooLargeException ? new CustomerImageTooLarge() : e)),
        ),
      );
  }
}

/** One file of at most 10 MB (a byte more is refused while it streams), no other fields worth the name. */
const ONE_FILE = FileInterceptor('file', {
  limits: { fileSize: MAX_IMAGE_BYTES, files: 1, fields: 2, fieldSize: 1024, parts: 3 },
});

/** 画像 on the karte: reading follows customers-read, uploading and deleting need customers-write. */
@ApiTags('customers')
@Controller('customers/:id/images')
export class CustomerImagesController {
  constructor(private readonly images: CustomerImagesService) {}

  /** The customer's images and documents, newest first; `url` reads the bytes. */
  @Get()
  @RequireRights('customers.read')
  list(@Param('id', ParseIntPipe) id: number) {
    return this.images.list(id);
  }

  /**
   * Uploads one file (multipart field `file`, at most 10 MB, else 413 CUSTOMER_IMAGE_TOO_LARGE):
   * JPEG, PNG, GIF, WebP or PDF by its bytes (else 400 CUSTOMER_IMAGE_TYPE_REFUSED, whatever its
   * name), at most 100 per customer (else 409 CUSTOMER_IMAGE_LIMIT).
   */
  @Post()
  @RequireRights('customers.write')
  @ApiConsumes('multipart/form-data')
  @ApiBody({
    schema: {
      type: 'object',
      required: ['file'],
      properties: { file: { type: 'string', format: 'binary' } },
    },
  })
  @UseInterceptors(ImageSizeLimit, ONE_FILE)
  upload(
    @Param('id', ParseIntPipe) id: number,
    @UploadedFile() file: ImagePart | undefined,
    @CurrentPrincipal() p: Principal,
  ) {
    return this.images.upload(id, file, p.actor);
  }

  /**
   * The bytes under the type they were recognised as, never sniffed by the browser: images
   * inline (thumbnails), PDFs as a download; `download=1` makes an image a download too.
   */
  @Get(':imageId/content')
  @RequireRights('customers.read')
  @ApiProduces('image/jpeg', 'image/png', 'image/gif', 'image/webp', 'application/pdf')
  @ApiQuery({ name: 'download', required: false, enum: ['1'] })
  async content(
    @Param('id', ParseIntPipe) id: number,
    @Param('imageId', ParseIntPipe) imageId: number,
    @Query('download') download: string | undefined,
    @Res() res: Response,
  ) {
    const d = await this.images.download(id, imageId);
    const ascii = d.filename.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
    res.setHeader('Content-Type', d.contentType);
    res.setHeader('Content-Length', String(d.size));
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Content-Security-Policy', "default-src 'none'; sandbox");
    res.setHeader('Cache-Control', 'private, no-store');
    res.setHeader(
      'Content-Disposition',
      `${d.inline && download !== '1' ? 'inline' : 'attachment'}; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(d.filename)}`,
    );
    await pipeline(d.stream, res);
  }

  @Delete(':imageId')
  @HttpCode(204)
  @RequireRights('customers.write')
  async remove(
    @Param('id', ParseIntPipe) id: number,
    @Param('imageId', ParseIntPipe) imageId: number,
    @CurrentPrincipal() p: Principal,
  ) {
    await this.images.remove(id, imageId, p.actor);
  }
}
