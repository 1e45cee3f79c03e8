import { fileTypeFromBuffer } from 'file-type';
import {
  MAX_POST_BYTES,
  PostFileEmpty,
  PostFileTooLarge,
  PostFileTypeRefused,
  PostNotAnImage,
} from './thread-errors';

/** What an image post may be (§5: jpg/jpeg/png/gif), by the bytes' signature. */
export const IMAGE_TYPES = new Set(['image/jpeg', 'image/png', 'image/gif']);
const IMAGE_NAME = /\.(jpe?g|png|gif)$/i;
/** Formats that run when opened: never taken from a customer. */
const EXECUTABLE = new Set([
  'application/x-msdownload',
  'application/x-elf',
  'application/x-mach-binary',
  'application/x-sharedlib',
  'application/vnd.microsoft.portable-executable',
  'application/x-executable',
]);

export interface CheckedFile {
  kind: 'image' | 'file';
  filename: string;
  contentType: string;
}

/** A file name as it is kept: UTF-8 (busboy reads names as latin1), no control or direction characters, no path. */
export function cleanFilename(original: string): string {
  // Only a name of bytes (every character ≤ U+00FF) was read as latin1; anything else is taken as it is.
  const utf8 = /^[\u0000-\u00ff]*$/.test(original)
    ? Buffer.from(original, 'latin1').toString('utf8')
    : original;
  const name = (utf8.includes('\uFFFD') ? original : utf8).normalize('NFC').split(/[\\/]/).pop() ?? '';
  return name.replace(/[\u0000-\u001f\u007f"\u202a-\u202e\u2066-\u2069]/g, '_').slice(0, 255) || 'file';
}

/**
 * Types a posted file by its bytes (file-type reads the signature), never by its name or the
 * declared type: anything named, declared or asked for as an image must be a JPEG, PNG or GIF;
 * a file whose declared binary type the bytes contradict, and programs, are refused. The type
 * kept is the sniffed one (application/octet-stream when the bytes have no signature).
 */
export async function checkPostFile(f: {
  filename: string;
  declaredType: string;
  bytes: Buffer;
  wantImage: boolean;
}): Promise<CheckedFile> {
  if (!f.bytes.length) throw new PostFileEmpty();
  if (f.bytes.length > MAX_POST_BYTES) throw new PostFileTooLarge();
  const declared = (f.declaredType || '').split(';')[0].trim().toLowerCase();
  const sniffed = (await fileTypeFromBuffer(f.bytes))?.mime ?? null;
  const looksImage = f.wantImage || declared.startsWith('image/') || IMAGE_NAME.test(f.filename);
  if (looksImage) {
    if (!sniffed || !IMAGE_TYPES.has(sniffed)) throw new PostNotAnImage();
    return { kind: 'image', filename: f.filename, contentType: sniffed };
  }
  if (sniffed && EXECUTABLE.has(sniffed)) throw new PostFileTypeRefused('Programs cannot be posted');
  if (!sniffed && /^(audio|video)\/|^application\/(pdf|zip|gzip)/.test(declared)) {
    throw new PostFileTypeRefused(
      `The file was sent as ${declared}, but its content is not a ${declared} file`,
    );
  }
  return {
    kind: IMAGE_TYPES.has(sniffed ?? '') ? 'image' : 'file',
    filename: f.filename,
    contentType: sniffed ?? 'application/octet-stream',
  };
}
