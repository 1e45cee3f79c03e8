import { Principal } from '@madoguchi/auth';
import { APP_CONFIG, AppConfig, BLOB_STORAGE, BlobStorage, Clock, DomainError, ValidationFailed, MissingRight } from '@madoguchi/core';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { DataSource, EntityManager, In, IsNull, LessThan, MoreThan } from 'typeorm';
import { checkUploadType } from './upload-type';
import { Upload } from './upload.entity';

/** What multer hands over for one file kept in memory. */
export interface UploadedPart {
  originalname: string;
  mimetype: string;
  size: number;
  buffer: Buffer;
}

/** An upload that was never attached to a reply is deleted this long after it was made. */
export const UNUSED_UPLOAD_TTL_MS = 24 * 3600_000;

export class UploadQuotaExceeded extends DomainError {
  constructor(quotaBytes: number) {
    super('UPLOAD_QUOTA_EXCEEDED', `You have uploaded ${Math.round(quotaBytes / 1024 / 1024)} MB in the last 24 hours, the most one person may: try again later`, 429);
  }
}

/**
 * Attachments uploaded for replies: only by users who may reply on some mailbox, typed by their
 * bytes, within a per-user quota over 24 hours; files no reply took are swept after a day.
 */
@Injectable()
export class UploadsService {
  private readonly logger = new Logger('Uploads');

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(BLOB_STORAGE) private readonly blobs: BlobStorage,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly clock: Clock,
  ) {}

  async upload(file: UploadedPart | undefined, p: Principal) {
    if (!p.isAdmin && ![...p.mailboxRights.values()].some((r) => r.reply)) {
      throw new MissingRight('reply', 'anyMailbox', 'to upload attachments');
    }
    if (!file) throw new ValidationFailed({ file: ['choose a file to upload (multipart field "file")'] });
    if (!file.size) throw new ValidationFailed({ file: ['the file is empty'] });
    const type = await checkUploadType(file.mimetype, file.buffer);
    if (!type.ok) throw new DomainError(type.code, type.message, 400, { file: [type.message] });
    const now = this.clock.now();
    const recent = await this.dataSource
      .getRepository(Upload)
      .createQueryBuilder('u')
      .select('COALESCE(SUM(u.size), 0)', 'total')
      .where({ userId: p.userId, createdAt: MoreThan(new Date(now.getTime() - UNUSED_UPLOAD_TTL_MS)) })
      .getRawOne<{ total: string | number }>();
    if (Number(recent?.total ?? 0) + file.size > this.config.http.uploadQuotaBytes) throw new UploadQuotaExceeded(this.config.http.uploadQuotaBytes);
    // Browsers send UTF-8 file names; busboy reads them as latin1.
    const utf8 = Buffer.from(file.originalname, 'latin1').toString('utf8');
    const filename = (utf8.includes('\uFFFD') ? file.originalname : utf8).normalize('NFC').replace(/[\u0000-\u001f\u007f"\\/\u202a-\u202e\u2066-\u2069]/g, '_').slice(0, 255) || 'attachment';
    // A key of its own (not the content's hash): sweeping an abandoned upload must never take the bytes of the same file
    // uploaded again and sent, or of any other blob with identical content.
    const [blob] = await this.blobs.putMany([file.buffer]);
    const row: Upload = { id: randomUUID(), userId: p.userId, filename, contentType: type.contentType.slice(0, 255), size: file.size, blobKey: blob.key, createdAt: now, usedAt: null };
    await this.dataSource.getRepository(Upload).insert(row);
    return { id: row.id, filename: row.filename, contentType: row.contentType, size: row.size };
  }

  /** One of this user's uploads (with its blob key), or null: what a MYPAGE staff post checks before a reply takes it. */
  async own(id: string, userId: number, m: EntityManager = this.dataSource.manager): Promise<{ id: string; filename: string; contentType: string; size: number; blobKey: string } | null> {
    const u = await m.findOneBy(Upload, { id, userId });
    return u ? { id: u.id, filename: u.filename, contentType: u.contentType, size: u.size, blobKey: u.blobKey } : null;
  }

  /** A reply took these uploads: they are kept from now on. */
  async markUsed(m: EntityManager, ids: string[]): Promise<void> {
    if (ids.length) await m.update(Upload, { id: In(ids), usedAt: IsNull() }, { usedAt: this.clock.now() });
  }

  /** Deletes uploads no reply took within a day, with their bytes. Returns how many went. */
  async sweepUnused(): Promise<number> {
    const cutoff = new Date(this.clock.now().getTime() - UNUSED_UPLOAD_TTL_MS);
    const stale = await this.dataSource.getRepository(Upload).find({ where: { usedAt: IsNull(), createdAt: LessThan(cutoff) }, take: 500 });
    for (const u of stale) {
      const res = await this.dataSource.getRepository(Upload).delete({ id: u.id, usedAt: IsNull() });
      if (!res.affected) continue; // a reply took it just now
      await this.blobs.delete(u.blobKey).catch((e: Error) => this.logger.warn(`upload ${u.id}: blob not deleted: ${e.message}`));
    }
    return stale.length;
  }
}
