import { CurrentPrincipal, Principal } from '@madoguchi/auth';
import { BLOB_STORAGE, BlobStorage, Clock, ValidationFailed } from '@madoguchi/core';
import {
  CallHandler,
  Controller,
  ExecutionContext,
  HttpException,
  HttpStatus,
  Inject,
  Injectable,
  NestInterceptor,
  PayloadTooLargeException,
  Post,
  UploadedFile,
  UseInterceptors,
} from '@nestjs/common';
import { FileInterceptor } from '@nestjs/platform-express';
import { InjectDataSource } from '@nestjs/typeorm';
import { ApiBody, ApiConsumes, ApiTags } from '@nestjs/swagger';
import { randomUUID } from 'node:crypto';
import { catchError, Observable, throwError } from 'rxjs';
import { DataSource } from 'typeorm';
import { Upload } from './upload.entity';

/** What multer hands over for one file kept in memory. */
interface UploadedPart {
  originalname: string;
  mimetype: string;
  size: number;
  buffer: Buffer;
}

/** Each attachment of a reply may be at most this big (§3). */
export const MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024;

/** Says what was too large, instead of multer's bare "File too large". */
@Injectable()
class UploadLimitMessages implements NestInterceptor {
  intercept(_ctx: ExecutionContext, next: CallHandler): Observable<unknown> {
    return next.handle().pipe(
      catchError((e: unknown) =>
        throwError(() =>
          e instanceof PayloadTooLargeException
            ? new HttpException({ statusCode: 413, message: 'The file is larger than 10 MB: attach a smaller file (each attachment may be at most 10 MB)' }, HttpStatus.PAYLOAD_TOO_LARGE)
            : e,
        ),
      ),
    );
  }
}

@ApiTags('tickets')
@Controller('uploads')
export class UploadsController {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(BLOB_STORAGE) private readonly blobs: BlobStorage,
    private readonly clock: Clock,
  ) {}

  /** Uploads one attachment (multipart field `file`, at most 10 MB); use its id in a reply's `attachments`. */
  @Post()
  @ApiConsumes('multipart/form-data')
  @ApiBody({ schema: { type: 'object', properties: { file: { type: 'string', format: 'binary' } } } })
  @UseInterceptors(UploadLimitMessages, FileInterceptor('file', { limits: { fileSize: MAX_ATTACHMENT_BYTES, files: 1 } }))
  async upload(@UploadedFile() file: UploadedPart | undefined, @CurrentPrincipal() p: Principal) {
    if (!file) throw new ValidationFailed({ file: ['choose a file to upload (multipart field "file")'] });
    if (!file.size) throw new ValidationFailed({ file: ['the file is empty'] });
    // Browsers send UTF-8 file names; busboy reads them as latin1.
    const utf8 = Buffer.from(file.originalname, 'latin1').toString('utf8');
    const filename = (utf8.includes('\uFFFD') ? file.originalname : utf8).replace(/[\r\n"\\/]/g, '_').slice(0, 255) || 'attachment';
    const blob = await this.blobs.put(file.buffer);
    const row: Upload = {
      id: randomUUID(),
      userId: p.userId,
      filename,
      contentType: (file.mimetype || 'application/octet-stream').slice(0, 255),
      size: file.size,
      blobKey: blob.key,
      createdAt: this.clock.now(),
    };
    await this.dataSource.getRepository(Upload).insert(row);
    return { id: row.id, filename: row.filename, contentType: row.contentType, size: row.size };
  }
}
