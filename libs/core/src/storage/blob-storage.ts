import { Readable } from 'node:stream';

export interface StoredBlob {
  /** Opaque key to read the blob back; content-addressed (sha256) in the local store. */
  key: string;
  size: number;
  sha256: string;
}

/**
 * Where attachments, raw mail and images live. The local directory is the default; an
 * S3-compatible store implements the same calls.
 */
export interface BlobStorage {
  put(data: Buffer | Readable): Promise<StoredBlob>;
  /**
   * Several blobs stored together, durably, in one write (intake's raw mail and attachments, a
   * group at a time); each gets its own key and reads back like any other blob.
   */
  putMany(items: Buffer[]): Promise<StoredBlob[]>;
  get(key: string): Promise<Readable>;
  read(key: string): Promise<Buffer>;
  exists(key: string): Promise<boolean>;
  delete(key: string): Promise<void>;
}

export const BLOB_STORAGE = Symbol('BLOB_STORAGE');

export class BlobNotFound extends Error {
  constructor(readonly key: string) {
    super(`blob ${key} does not exist`);
    this.name = 'BlobNotFound';
  }
}
