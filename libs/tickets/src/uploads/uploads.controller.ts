import { CurrentPrincipal, Principal } from '@madoguchi/auth';
import {
  CallHandler,
  Controller,
  ExecutionContext,
  HttpException,
  HttpStatus,
  Injectable,
  NestInterceptor,
  PayloadTooLargeException,
  Post,
  UploadedFile,
  UseInterceptors,
} from '@nestjs/common';
import { FileInterceptor } from '@nestjs/platform-express';
import { ApiBody, ApiConsumes, ApiTags } from '@nestjs/swagger';
import { catchError, Observable, throwError } from 'rxjs';
import { UploadedPart, UploadsService } from './uploads.service';

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
  constructor(private readonly uploads: UploadsService) {}

  /**
   * Uploads one attachment (multipart field `file`, at most 10 MB); use its id in a reply's
   * `attachments`. Needs the reply right on a mailbox; the type is checked against the bytes.
   */
  @Post()
  @ApiConsumes('multipart/form-data')
  @ApiBody({ schema: { type: 'object', properties: { file: { type: 'string', format: 'binary' } } } })
  @UseInterceptors(UploadLimitMessages, FileInterceptor('file', { limits: { fileSize: MAX_ATTACHMENT_BYTES, files: 1, fields: 10, parts: 12 } }))
  upload(@UploadedFile() file: UploadedPart | undefined, @CurrentPrincipal() p: Principal) {
    return this.uploads.upload(file, p);
  }
}
