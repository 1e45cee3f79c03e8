import { Actor, AuditService, BLOB_STORAGE, BlobStorage, Clock, NotFound } from '@madoguchi/core';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { fileTypeFromBuffer } from 'file-type';
import { Readable } from 'node:stream';
import { DataSource, EntityManager } from 'typeorm';
import { Customer } from '../customer.entity';
import { CustomerImage } from './customer-image.entity';
import {
  CustomerImageEmpty,
  CustomerImageLimit,
  CustomerImageTooLarge,
  CustomerImageTypeRefused,
  MAX_IMAGE_BYTES,
  MAX_IMAGES_PER_CUSTOMER,
} from './image-errors';

/** What the karte keeps, by the bytes' signature (file-type); the browser's declared type is not asked. */
export const CUSTOMER_IMAGE_TYPES = new Set([
  'image/jpeg',
  'image/png',
  'image/gif',
  'image/webp',
  'application/pdf',
]);
/** Shown inline (as thumbnails); a PDF is always a download, so no viewer runs it as our origin. */
export const INLINE_TYPES = new Set(['image/jpeg', 'image/png', 'image/gif', 'image/webp']);

/** What multer hands over for one file kept in memory. */
export interface ImagePart {
  originalname: string;
  mimetype: string;
  size: number;
  buffer: Buffer;
}

export interface CustomerImageView {
  id: number;
  customerId: number;
  filename: string;
  contentType: string;
  size: number;
  createdById: number | null;
  createdAt: Date;
  /** Where the bytes are read (permission-checked). */
  url: string;
}

export interface ImageDownload {
  stream: Readable;
  filename: string;
  contentType: string;
  size: number;
  inline: boolean;
}

function toView(i: CustomerImage): CustomerImageView {
  return {
    id: i.id,
    customerId: i.customerId,
    filename: i.filename,
    contentType: i.contentType,
    size: Number(i.size),
    createdById: i.createdById,
    createdAt: i.createdAt,
    url: `/api/customers/${i.customerId}/images/${i.id}/content`,
  };
}

/** A file name as it is kept: UTF-8 (busboy reads names as latin1), no path, no control or direction characters. */
export function cleanImageFilename(original: string): string {
  const utf8 = /^[\u0000-\u00ff]*$/.test(original)
    ? Buffer.from(original, 'latin1').toString('utf8')
    : original;
  const name = (utf8.includes('\uFFFD') ? original : utf8).normalize('NFC').split(/[\\/]/).pop() ?? '';
  return name.replace(/[\u0000-\u001f\u007f"\u202a-\u202e\u2066-\u2069]/g, '_').slice(0, 255) || 'file';
}

/** Customer images (写真・書類 on the karte): typed by their bytes, at most 10 MB each and 100 per customer. */
@Injectable()
export class CustomerImagesService {
  private readonly logger = new Logger('CustomerImages');

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(BLOB_STORAGE) private readonly blobs: BlobStorage,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  async list(customerId: number): Promise<CustomerImageView[]> {
    await this.assertCustomer(this.dataSource.manager, customerId);
    const rows = await this.dataSource
      .getRepository(CustomerImage)
      .find({ where: { customerId }, order: { createdAt: 'DESC', id: 'DESC' } });
    return rows.map(toView);
  }

  async upload(customerId: number, file: ImagePart | undefined, actor: Actor): Promise<CustomerImageView> {
    if (!file || !file.size || !file.buffer?.length) throw new CustomerImageEmpty();
    // multer stops at the limit already; this holds for any other caller.
    if (file.buffer.length > MAX_IMAGE_BYTES) throw new CustomerImageTooLarge();
    const sniffed = (await fileTypeFromBuffer(file.buffer))?.mime ?? null;
    if (!sniffed || !CUSTOMER_IMAGE_TYPES.has(sniffed)) throw new CustomerImageTypeRefused(sniffed);
    await this.assertCustomer(this.dataSource.manager, customerId);
    // A pack of one: its key is this image's alone (a content-addressed key may be shared with a
    // ticket attachment of the same bytes), so deleting the image really erases these bytes.
    const [blob] = await this.blobs.putMany([file.buffer]);
    try {
      return await this.dataSource.transaction(async (m) => {
        await this.lockCustomer(m, customerId);
        if ((await m.getRepository(CustomerImage).countBy({ customerId })) >= MAX_IMAGES_PER_CUSTOMER)
          throw new CustomerImageLimit();
        const repo = m.getRepository(CustomerImage);
        const saved = await repo.save(
          repo.create({
            customerId,
            filename: cleanImageFilename(file.originalname),
            contentType: sniffed,
            size: file.buffer.length,
            blobKey: blob.key,
            createdById: actor.userId,
            createdAt: this.clock.now(),
          }),
        );
        const view = toView(saved);
        await this.audit.record(
          actor,
          {
            entity: 'customer_image',
            entityId: saved.id,
            action: 'create',
            after: { customerId, filename: view.filename, contentType: view.contentType, size: view.size },
          },
          m,
        );
        return view;
      });
    } catch (e) {
      await this.blobs
        .delete(blob.key)
        .catch((err: Error) =>
          this.logger.warn(`blob ${blob.key} of a refused image not deleted: ${err.message}`),
        );
      throw e;
    }
  }

  async remove(customerId: number, imageId: number, actor: Actor): Promise<void> {
    const image = await this.dataSource.transaction(async (m) => {
      const row = await this.own(m, customerId, imageId);
      await m.getRepository(CustomerImage).delete({ id: row.id });
      await this.audit.record(
        actor,
        {
          entity: 'customer_image',
          entityId: imageId,
          action: 'delete',
          before: { customerId, filename: row.filename, contentType: row.contentType, size: row.size },
        },
        m,
      );
      return row;
    });
    // After the commit: a rollback must not leave a row without its bytes.
    await this.blobs
      .delete(image.blobKey)
      .catch((e: Error) => this.logger.warn(`customer image ${imageId}: blob not deleted: ${e.message}`));
  }

  async download(customerId: number, imageId: number): Promise<ImageDownload> {
    const image = await this.own(this.dataSource.manager, customerId, imageId);
    return {
      stream: await this.blobs.get(image.blobKey),
      filename: image.filename,
      contentType: image.contentType,
      size: Number(image.size),
      inline: INLINE_TYPES.has(image.contentType),
    };
  }

  /** The image of this customer: another customer's image id is as unknown as a missing one. */
  private async own(m: EntityManager, customerId: number, imageId: number): Promise<CustomerImage> {
    await this.assertCustomer(m, customerId);
    const image = await m.getRepository(CustomerImage).findOneBy({ id: imageId, customerId });
    if (!image) throw new NotFound('customer image', imageId);
    return image;
  }

  private async assertCustomer(m: EntityManager, customerId: number): Promise<void> {
    if (!(await m.getRepository(Customer).existsBy({ id: customerId })))
      throw new NotFound('customer', customerId);
  }

  /** Uploads to one customer count one after another (MariaDB; SQLite writes one transaction at a time anyway). */
  private async lockCustomer(m: EntityManager, customerId: number): Promise<void> {
    const qb = m
      .getRepository(Customer)
      .createQueryBuilder('c')
      .select('c.id')
      .where('c.id = :customerId', { customerId });
    if (m.connection.options.type === 'mysql') qb.setLock('pessimistic_write');
    if (!(await qb.getOne())) throw new NotFound('customer', customerId);
  }
}
