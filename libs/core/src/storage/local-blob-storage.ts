import { createHash, randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { once } from 'node:events';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { BlobNotFound, BlobStorage, StoredBlob } from './blob-storage';

const KEY = /^sha256-[0-9a-f]{64}$/;

/**
 * Content-addressed files under one directory (sha256-ab/cd/…): the same bytes are stored
 * once, and a write is a temp file renamed into place, so a crash never leaves half a blob
 * under a real key.
 */
export class LocalBlobStorage implements BlobStorage {
  constructor(private readonly dir: string) {}

  private readonly madeDirs = new Set<string>();

  async put(data: Buffer | Readable): Promise<StoredBlob> {
    if (Buffer.isBuffer(data)) return this.putBuffer(data);
    const tmpDir = join(this.dir, 'tmp');
    await mkdir(tmpDir, { recursive: true });
    const tmp = join(tmpDir, randomUUID());
    const hash = createHash('sha256');
    let size = 0;
    const source = Buffer.isBuffer(data) ? Readable.from([data]) : data;
    const out = createWriteStream(tmp, { flags: 'wx' });
    // A failed pipeline destroys the file stream, but its open() may still be under way: wait
    // for the close, or the temp file would appear after we removed it.
    const closed = once(out, 'close').catch(() => undefined);
    try {
      await pipeline(
        source,
        async function* (chunks: AsyncIterable<Buffer>) {
          for await (const chunk of chunks) {
            hash.update(chunk);
            size += chunk.length;
            yield chunk;
          }
        },
        out,
      );
      const sha256 = hash.digest('hex');
      const key = `sha256-${sha256}`;
      const target = this.pathOf(key);
      await mkdir(join(target, '..'), { recursive: true });
      await rename(tmp, target);
      return { key, size, sha256 };
    } catch (e) {
      await closed;
      throw e;
    } finally {
      await rm(tmp, { force: true });
    }
  }

  /** The fast path for bytes already in memory: hashed in one go, not rewritten when already stored. */
  private async putBuffer(data: Buffer): Promise<StoredBlob> {
    const sha256 = createHash('sha256').update(data).digest('hex');
    const key = `sha256-${sha256}`;
    const target = this.pathOf(key);
    const dir = join(target, '..');
    if (!this.madeDirs.has(dir)) {
      await mkdir(dir, { recursive: true });
      await mkdir(join(this.dir, 'tmp'), { recursive: true });
      this.madeDirs.add(dir);
    }
    // Two file operations and no stat: renaming identical bytes over an existing blob is harmless.
    const tmp = join(this.dir, 'tmp', randomUUID());
    try {
      await writeFile(tmp, data, { flag: 'wx' });
      await rename(tmp, target);
    } catch (e) {
      await rm(tmp, { force: true });
      throw e;
    }
    return { key, size: data.length, sha256 };
  }

  async get(key: string): Promise<Readable> {
    const path = this.pathOf(key);
    if (!(await this.exists(key))) throw new BlobNotFound(key);
    return createReadStream(path);
  }

  async read(key: string): Promise<Buffer> {
    try {
      return await readFile(this.pathOf(key));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw new BlobNotFound(key);
      throw e;
    }
  }

  async exists(key: string): Promise<boolean> {
    try {
      await stat(this.pathOf(key));
      return true;
    } catch {
      return false;
    }
  }

  async delete(key: string): Promise<void> {
    await rm(this.pathOf(key), { force: true });
  }

  private pathOf(key: string): string {
    if (!KEY.test(key)) throw new BlobNotFound(key);
    const hex = key.slice('sha256-'.length);
    return join(this.dir, hex.slice(0, 2), hex.slice(2, 4), hex);
  }
}
