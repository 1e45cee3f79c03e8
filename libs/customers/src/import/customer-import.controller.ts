import { CurrentPrincipal, Principal, RequireRights } from '@madoguchi/auth';
import { DomainError } from '@madoguchi/core';
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
  PayloadTooLargeException,
  Post,
  Res,
  UploadedFile,
  UseInterceptors,
} from '@nestjs/common';
import { FileInterceptor } from '@nestjs/platform-express';
import {
  ApiAcceptedResponse,
  ApiBody,
  ApiConsumes,
  ApiOkResponse,
  ApiProduces,
  ApiTags,
} from '@nestjs/swagger';
import type { Response } from 'express';
import { mkdirSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { catchError, finalize, Observable, throwError } from 'rxjs';
import { ImportIdDto, ImportPreviewDto, ImportStatusDto, StartImportDto } from './customer-import.dto';
import { CustomerImportService, StoredPart } from './customer-import.service';

/** Largest CSV accepted: well above 100,000 customers (about 15 MB as Shift_JIS). */
export const MAX_IMPORT_BYTES = 50 * 1024 * 1024;
/** Uploads are spooled to disk, never held in memory, then streamed into blob storage. */
const SPOOL_DIR = join(tmpdir(), 'madoguchi-import');

const uploadOptions = () => {
  mkdirSync(SPOOL_DIR, { recursive: true });
  return {
    dest: SPOOL_DIR,
    limits: { fileSize: MAX_IMPORT_BYTES, files: 1, fields: 10, fieldSize: 64 * 1024, parts: 12 },
  };
};

/** multer's "File too large" as our coded 413, and the spooled file removed whatever happens. */
@Injectable()
class ImportUpload implements NestInterceptor {
  intercept(ctx: ExecutionContext, next: CallHandler): Observable<unknown> {
    const req = ctx.switchToHttp().getRequest<{ file?: StoredPart }>();
    return next.handle().pipe(
      catchError((e: unknown) =>
        throwError(() =>
          e instanceof PayloadTooLargeException
            ? new DomainError(
                'IMPORT_FILE_TOO_LARGE',
                `The file is larger than ${MAX_IMPORT_BYTES / 1024 / 1024} MB: split it into smaller files`,
                413,
                undefined,
                { maxMb: MAX_IMPORT_BYTES / 1024 / 1024 },
              )
            : e,
        ),
      ),
      finalize(() => {
        if (req.file?.path) void rm(req.file.path, { force: true });
      }),
    );
  }
}

const FILE_BODY = {
  schema: { type: 'object', required: ['file'], properties: { file: { type: 'string', format: 'binary' } } },
};

@ApiTags('customers')
@Controller('customers/import')
export class CustomerImportController {
  constructor(private readonly imports: CustomerImportService) {}

  /** Reads a CSV without importing it: the encoding and delimiter found, the headers, a guessed mapping and the first 10 rows. */
  @Post('preview')
  @HttpCode(200)
  @RequireRights('customers.write')
  @ApiConsumes('multipart/form-data')
  @ApiBody(FILE_BODY)
  @ApiOkResponse({ type: ImportPreviewDto })
  @UseInterceptors(ImportUpload, FileInterceptor('file', uploadOptions()))
  preview(@UploadedFile() file: StoredPart | undefined) {
    return this.imports.preview(file);
  }

  /**
   * Starts an import (or a dry run) of a CSV (UTF-8 with or without BOM, or Shift_JIS; comma or
   * tab) of at most 50 MB; a worker runs it. Poll GET /api/customers/import/{id}.
   */
  @Post()
  @HttpCode(202)
  @RequireRights('customers.write')
  @ApiConsumes('multipart/form-data')
  @ApiBody({
    schema: {
      type: 'object',
      required: ['file', 'mapping', 'mode'],
      properties: {
        file: { type: 'string', format: 'binary' },
        mapping: { type: 'string', description: 'JSON {csvHeader: customerField}' },
        mode: { type: 'string', enum: ['dryRun', 'run'] },
        matchBy: { type: 'string', enum: ['code', 'email'] },
        atomic: { type: 'boolean' },
      },
    },
  })
  @ApiAcceptedResponse({ type: ImportIdDto })
  @UseInterceptors(ImportUpload, FileInterceptor('file', uploadOptions()))
  start(
    @UploadedFile() file: StoredPart | undefined,
    @Body() dto: StartImportDto,
    @CurrentPrincipal() p: Principal,
  ) {
    return this.imports.start(
      file,
      { mapping: dto.mapping, mode: dto.mode, matchBy: dto.matchBy ?? 'code', atomic: dto.atomic ?? false },
      p,
    );
  }

  /** Progress and report of one import: counts and the first 1,000 problems with row and column. */
  @Get(':id')
  @RequireRights('customers.write')
  @ApiOkResponse({ type: ImportStatusDto })
  status(@Param('id') id: string, @CurrentPrincipal() p: Principal) {
    return this.imports.status(id, { userId: p.userId, isAdmin: p.isAdmin });
  }

  /** The problems as CSV (UTF-8 with BOM): 行, 列, コード, 内容. */
  @Get(':id/errors.csv')
  @RequireRights('customers.write')
  @ApiProduces('text/csv')
  async errors(@Param('id') id: string, @CurrentPrincipal() p: Principal, @Res() res: Response) {
    const csv = await this.imports.errorsCsv(id, { userId: p.userId, isAdmin: p.isAdmin });
    res.setHeader('Content-Type', 'text/csv; charset=utf-8');
    res.setHeader('Content-Disposition', `attachment; filename="import-errors-${id.slice(0, 8)}.csv"`);
    await pipeline(csv, res);
  }
}
