import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, open, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { once } from 'node:events';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { BlobNotFound, BlobStorage, StoredBlob } from './blob-storage';

const KEY = /^sha256-[0-9a-f]{64}$/;

async function syncDir(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
/** pack-<pack id>-<offset>-<length>-<first 16 hex digits of the blob's sha256>. */
const PACK_KEY = /^pack-([0-9a-f]{32})-(\d{1,15})-(\d{1,15})-([0-9a-f]{16})$/;

/**
 * Files under one directory, of two kinds:
 * - `put`: content-addressed (sha256-ab/cd/…), the same bytes stored once; a write is a temp
 *   file renamed into place, so a crash never leaves half a blob under a real key.
 * - `putMany`: a pack (packs/ab/<id>), the blobs one after another in one new file, written with
 *   one call and synced to disk before the keys are handed out. Creating a file costs this much
 *   more than writing one that intake stores each group of mail this way. A key names its pack,
 *   offset, length and the start of its sha256, and every read checks the bytes against it.
 *   Deleting a packed blob overwrites it with zeros (it then reads as missing); the pack keeps
 *   its size.
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
    await this.ensureDir(join(target, '..'));
    await this.ensureDir(join(this.dir, 'tmp'));
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

  async putMany(items: Buffer[]): Promise<StoredBlob[]> {
    if (!items.length) return [];
    const id = randomBytes(16).toString('hex');
    const path = this.packPath(id);
    const dir = dirname(path);
    const newDir = await this.ensureDir(dir);
    let offset = 0;
    const blobs = items.map((data) => {
      const sha256 = createHash('sha256').update(data).digest('hex');
      const blob = {
        key: `pack-${id}-${offset}-${data.length}-${sha256.slice(0, 16)}`,
        size: data.length,
        sha256,
      };
      offset += data.length;
      return blob;
    });
    // A new name every time ('wx'): a crash mid-write leaves a pack no row points to.
    const file = await open(path, 'wx');
    try {
      const { bytesWritten } = await file.writev(items);
      if (bytesWritten !== offset)
        throw new Error(`Only ${bytesWritten} of ${offset} bytes could be written to ${path}`);
      await file.datasync();
      await file.close();
    } catch (e) {
      await file.close().catch(() => undefined);
      await rm(path, { force: true });
      throw e;
    }
    // The new name is on disk too, not only the bytes (and the directory's own, when it is new).
    await syncDir(dir);
    if (newDir) for (const d of [dirname(dir), this.dir]) await syncDir(d);
    return blobs;
  }

  async get(key: string): Promise<Readable> {
    if (PACK_KEY.test(key)) return Readable.from([await this.read(key)]);
    const path = this.pathOf(key);
    if (!(await this.exists(key))) throw new BlobNotFound(key);
    return createReadStream(path);
  }

  async read(key: string): Promise<Buffer> {
    const packed = PACK_KEY.exec(key);
    if (packed) return this.readPacked(key, packed);
    try {
      return await readFile(this.pathOf(key));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw new BlobNotFound(key);
      throw e;
    }
  }

  async exists(key: string): Promise<boolean> {
    if (PACK_KEY.test(key))
      return this.read(key).then(
        () => true,
        () => false,
      );
    try {
      await stat(this.pathOf(key));
      return true;
    } catch {
      return false;
    }
  }

  async delete(key: string): Promise<void> {
    const packed = PACK_KEY.exec(key);
    if (!packed) return rm(this.pathOf(key), { force: true });
    const [, id, offset, length] = packed;
    const file = await open(this.packPath(id), 'r+').catch(() => null);
    if (!file) return;
    try {
      await file.write(Buffer.alloc(Number(length)), 0, Number(length), Number(offset));
      await file.datasync();
    } finally {
      await file.close();
    }
  }

  private async readPacked(key: string, [, id, offset, length, hash]: RegExpExecArray): Promise<Buffer> {
    const file = await open(this.packPath(id), 'r').catch((e: NodeJS.ErrnoException) => {
      throw e.code === 'ENOENT' ? new BlobNotFound(key) : e;
    });
    try {
      const data = Buffer.alloc(Number(length));
      const { bytesRead } = await file.read(data, 0, data.length, Number(offset));
      // Short (a truncated pack), zeroed (deleted) or damaged: not the blob this key names.
      if (bytesRead !== data.length || !createHash('sha256').update(data).digest('hex').startsWith(hash))
        throw new BlobNotFound(key);
      return data;
    } finally {
      await file.close();
    }
  }

  /** Creates a directory the first time this process needs it; true then. */
  private async ensureDir(dir: string): Promise<boolean> {
    if (this.madeDirs.has(dir)) return false;
    await mkdir(dir, { recursive: true });
    this.madeDirs.add(dir);
    return true;
  }

  private packPath(id: string): string {
    return join(this.dir, 'packs', id.slice(0, 2), id);
  }

  private pathOf(key: string): string {
    if (!KEY.test(key)) throw new BlobNotFound(key);
    const hex = key.slice('sha256-'.length);
    return join(this.dir, hex.slice(0, 2), hex.slice(2, 4), hex);
  }
}
