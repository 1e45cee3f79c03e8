import { fileTypeFromBuffer } from 'file-type';

/** Declared types that say nothing: the bytes decide. */
const GENERIC = new Set(['application/octet-stream', 'binary/octet-stream', 'application/unknown', 'application/x-download']);

/** Names for one format that browsers and mail programs use interchangeably. */
const SAME_FORMAT: string[][] = [
  ['image/jpeg', 'image/jpg', 'image/pjpeg'],
  ['image/png', 'image/x-png'],
  ['image/bmp', 'image/x-bmp', 'image/x-ms-bmp'],
  ['image/heic', 'image/heif'],
  ['application/zip', 'application/x-zip-compressed', 'application/x-zip'],
  ['application/gzip', 'application/x-gzip'],
  ['application/x-7z-compressed'],
  ['audio/mpeg', 'audio/mp3'],
  ['audio/wav', 'audio/x-wav', 'audio/vnd.wave', 'audio/wave'],
  ['video/quicktime', 'video/mov'],
  // Old Office files are Compound File Binary containers; file-type names the container.
  ['application/x-cfb', 'application/msword', 'application/vnd.ms-excel', 'application/vnd.ms-powerpoint', 'application/vnd.ms-outlook', 'application/x-msi'],
  ['application/xml', 'text/xml'],
];

/** Declared types whose files always begin with a signature, so bytes without one are not that type. */
const HAS_SIGNATURE = /^(image\/(?!svg)|audio\/|video\/|application\/(pdf|zip|gzip|x-7z|x-rar|vnd\.openxmlformats))/;

/** Formats that run when opened: never sent under another name. */
const EXECUTABLE = new Set(['application/x-msdownload', 'application/x-elf', 'application/x-mach-binary', 'application/x-sharedlib', 'application/vnd.microsoft.portable-executable', 'application/x-executable']);

const MIME = /^[a-z0-9][a-z0-9!#$&^_.+-]{0,126}\/[a-z0-9][a-z0-9!#$&^_.+-]{0,126}$/;

export type UploadTypeVerdict = { ok: true; contentType: string } | { ok: false; code: 'UPLOAD_TYPE_INVALID' | 'UPLOAD_TYPE_MISMATCH'; message: string };

function sameFormat(a: string, b: string): boolean {
  if (a === b) return true;
  return SAME_FORMAT.some((g) => g.includes(a) && g.includes(b)) || (b === 'application/zip' && a.startsWith('application/vnd.openxmlformats'));
}

/**
 * The content type an upload is kept under, decided by its bytes (file-type reads the
 * signature): a declared type that the bytes contradict is refused, a generic one is replaced
 * by what the bytes are. Text formats have no signature and keep the declared type.
 */
export async function checkUploadType(declaredIn: string, bytes: Buffer): Promise<UploadTypeVerdict> {
  const declared = (declaredIn || 'application/octet-stream').split(';')[0].trim().toLowerCase();
  if (!MIME.test(declared)) return { ok: false, code: 'UPLOAD_TYPE_INVALID', message: `"${declaredIn.slice(0, 80)}" is not a content type (type/subtype)` };
  const sniffed = (await fileTypeFromBuffer(bytes))?.mime;
  if (GENERIC.has(declared)) return { ok: true, contentType: sniffed ?? declared };
  if (sniffed && !sameFormat(declared, sniffed) && !(sniffed === 'application/zip' && declared.startsWith('application/vnd.'))) {
    return { ok: false, code: 'UPLOAD_TYPE_MISMATCH', message: `The file was sent as ${declared}, but its content is ${sniffed}${EXECUTABLE.has(sniffed) ? ' (a program)' : ''}` };
  }
  if (!sniffed && HAS_SIGNATURE.test(declared)) {
    return { ok: false, code: 'UPLOAD_TYPE_MISMATCH', message: `The file was sent as ${declared}, but its content is not a ${declared} file` };
  }
  return { ok: true, contentType: declared };
}
