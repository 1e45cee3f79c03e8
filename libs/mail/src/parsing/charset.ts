import * as Encoding from 'encoding-japanese';
import iconv from 'iconv-lite';

export type JapaneseCharset = 'ISO-2022-JP' | 'Shift_JIS' | 'EUC-JP';

const ISO_2022_JP_LABELS =
  /^(?:x-)?(?:iso-?2022-?jp(?:-\w+)*|csiso2022jp|cp5022[012]|jis|x-jis|jis7|jis_encoding)$/;
// Japanese mail labelled Shift_JIS is CP932 in practice (①, ～, ㈱ and the NEC/IBM kanji);
// iconv-lite's Shift_JIS table is the CP932 one, so every label of the family decodes the same.
const SHIFT_JIS_LABELS =
  /^(?:shift[-_]?jis|x-sjis|sjis|s-jis|ms_?kanji|csshiftjis|cp932|ms932|windows-31j|x-ms-cp932|sjis-win|sjis-open)$/;
const EUC_JP_LABELS = /^(?:x-)?(?:euc-?jp(?:-ms)?|eucjp-?(?:ms|win|open)|cseucpkdfmtjapanese|cp51932|ujis)$/;
const UTF8_LABELS = /^(?:utf-?8|unicode-1-1-utf-8)$/;
const ASCII_LABELS = /^(?:us-?ascii|ascii|ansi_x3\.4-1968|iso646-us|csascii|7bit|us)$/;
const UTF7_LABELS = /^(?:utf-?7|unicode-1-1-utf-7|csunicode11utf7|x-utf-?7)$/;

/** A charset label as mail carries it: lower-cased, without quotes and surrounding space. */
export function normalizeLabel(label: string | null | undefined): string {
  return (label ?? '')
    .trim()
    .replace(/^["']+|["']+$/g, '')
    .trim()
    .toLowerCase();
}

export function japaneseCharsetOf(label: string | null | undefined): JapaneseCharset | null {
  const name = normalizeLabel(label);
  if (ISO_2022_JP_LABELS.test(name)) return 'ISO-2022-JP';
  if (SHIFT_JIS_LABELS.test(name)) return 'Shift_JIS';
  if (EUC_JP_LABELS.test(name)) return 'EUC-JP';
  return null;
}

export function isUtf8Label(label: string | null | undefined): boolean {
  return UTF8_LABELS.test(normalizeLabel(label));
}

/**
 * UTF-7 (RFC 2152), which libmime and mailparser refuse on purpose: a filter that looks for "<"
 * in the raw text misses `+ADw-script+AD4-`. Here the decoded text is what gets sanitised, so it
 * is decoded (by iconv-lite's own codec) and goes on like any other text.
 */
export function isUtf7Label(label: string | null | undefined): boolean {
  return UTF7_LABELS.test(normalizeLabel(label));
}

export function decodeUtf7(bytes: Uint8Array): string {
  return iconv.decode(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), 'utf-7');
}

export function isAsciiLabel(label: string | null | undefined): boolean {
  return ASCII_LABELS.test(normalizeLabel(label));
}

/** Whether the label names a charset we can decode (else mail parsers fall back to UTF-8). */
export function isKnownCharset(label: string | null | undefined): boolean {
  const name = normalizeLabel(label);
  return !!name && (japaneseCharsetOf(name) !== null || iconv.encodingExists(name));
}

export function isValidUtf8(bytes: Uint8Array): boolean {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return true;
  } catch {
    return false;
  }
}

export function hasEightBit(bytes: Uint8Array): boolean {
  return bytes.some((b) => b >= 0x80);
}

/** ESC $ @, ESC $ B (JIS X 0208), ESC $ ( D, ESC ( I (half-width katakana) or ESC ( J: ISO-2022-JP. */
export function hasIso2022JpEscapes(bytes: Uint8Array): boolean {
  for (let i = 0; i + 2 < bytes.length; i++) {
    if (bytes[i] !== 0x1b) continue;
    const a = bytes[i + 1];
    const b = bytes[i + 2];
    if (a === 0x24 && (b === 0x40 || b === 0x42 || b === 0x28)) return true;
    if (a === 0x28 && (b === 0x49 || b === 0x4a)) return true;
  }
  return false;
}

/**
 * ISO-2022-JP through encoding-japanese, whose JIS decoder knows the CP50220/ISO-2022-JP-MS
 * rows (①, ㈱, ㌔ in row 13, 髙 and 﨑 in the NEC-selected IBM rows) that strict decoders drop.
 */
function decodeIso2022Jp(bytes: Uint8Array): string {
  return Encoding.convert(bytes, { to: 'UNICODE', from: 'JIS', type: 'string' });
}

/** Decodes bytes in a named charset; an unknown label decodes as UTF-8 (as mail parsers do). */
export function decodeBytes(bytes: Uint8Array, label: string): string {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  switch (japaneseCharsetOf(label)) {
    case 'ISO-2022-JP':
      return decodeIso2022Jp(buffer);
    case 'Shift_JIS':
      return iconv.decode(buffer, 'cp932');
    case 'EUC-JP':
      return iconv.decode(buffer, 'eucjp');
  }
  const name = normalizeLabel(label);
  if (name && !UTF8_LABELS.test(name) && !ASCII_LABELS.test(name) && iconv.encodingExists(name))
    return iconv.decode(buffer, name);
  return buffer.toString('utf8');
}

// U+FFFD marks bytes the charset cannot decode; C1 controls and the private use area are what
// bytes of another charset turn into when they happen to form valid sequences.
const UNDECODABLE = /[\uFFFD\u0080-\u009F\uE000-\uF8FF]/;

export function decodesCleanly(bytes: Uint8Array, label: string): boolean {
  return !UNDECODABLE.test(decodeBytes(bytes, label));
}

/**
 * Whether decoded text reads as Japanese: it has kana, and nearly all of its non-ASCII
 * characters are kana, kanji or Japanese punctuation. Latin-1 text read as Shift_JIS or EUC-JP
 * can form valid kanji by chance, but practically never kana (that needs bytes 0x82/0x83 or
 * 0xA4/0xA5 followed by another high byte).
 */
export function looksJapanese(text: string): boolean {
  let kana = 0;
  let japanese = 0;
  let other = 0;
  for (const ch of text) {
    const c = ch.codePointAt(0) ?? 0;
    if (c < 0x80) continue;
    if ((c >= 0x3041 && c <= 0x309f) || (c >= 0x30a0 && c <= 0x30ff)) {
      kana++;
      japanese++;
    } else if (
      (c >= 0x4e00 && c <= 0x9fff) ||
      (c >= 0xf900 && c <= 0xfaff) ||
      (c >= 0x3000 && c <= 0x303f) ||
      (c >= 0xff00 && c <= 0xffef) ||
      (c >= 0x2460 && c <= 0x24ff) ||
      (c >= 0x3200 && c <= 0x33ff) ||
      (c >= 0x2000 && c <= 0x22ff) ||
      (c >= 0x2500 && c <= 0x26ff)
    ) {
      japanese++;
    } else {
      other++;
    }
  }
  return kana > 0 && japanese >= (japanese + other) * 0.8;
}

/**
 * The Japanese charset of unlabelled (or mislabelled) bytes: ISO-2022-JP by its escapes, UTF-8
 * when valid, else Shift_JIS or EUC-JP when one of them decodes cleanly into Japanese text.
 * encoding-japanese's guess only decides which of the two is tried first.
 */
export function detectJapaneseCharset(
  bytes: Uint8Array,
  opts: { kanjiOnly?: boolean } = {},
): JapaneseCharset | 'UTF-8' | null {
  if (!hasEightBit(bytes)) return hasIso2022JpEscapes(bytes) ? 'ISO-2022-JP' : null;
  if (isValidUtf8(bytes)) return 'UTF-8';
  const guess = Encoding.detect(bytes.subarray(0, 64 * 1024), ['SJIS', 'EUCJP']);
  const order: JapaneseCharset[] = guess === 'EUCJP' ? ['EUC-JP', 'Shift_JIS'] : ['Shift_JIS', 'EUC-JP'];
  for (const charset of order) {
    const text = decodeBytes(bytes, charset);
    if (
      !UNDECODABLE.test(text) &&
      (looksJapanese(text) || (opts.kanjiOnly && isKanjiOnly(text) && !readsAsLatin1(bytes)))
    )
      return charset;
  }
  return null;
}

/**
 * Short header text such as a subject "見積依頼" or a company name has no kana. Accepted only when
 * every non-ASCII character (at least two) is a kanji or full-width form, and the bytes do not
 * read as Latin-1 (see readsAsLatin1): "Hélène" is valid Shift_JIS kanji too.
 */
/**
 * Latin-1 (or windows-1252) text: every 8-bit byte a letter (0xC0 and up) standing alone between
 * ASCII bytes, as accented letters do in European words. Kanji in Shift_JIS or EUC-JP take two
 * 8-bit bytes in a row, or a lead byte in 0x81–0x9F.
 */
function readsAsLatin1(bytes: Uint8Array): boolean {
  for (let i = 0; i < bytes.length; i++) {
    if (bytes[i] < 0x80) continue;
    if (bytes[i] < 0xc0 || (i + 1 < bytes.length && bytes[i + 1] >= 0x80)) return false;
  }
  return true;
}

function isKanjiOnly(text: string): boolean {
  let count = 0;
  for (const ch of text) {
    const c = ch.codePointAt(0) ?? 0;
    if (c < 0x80) continue;
    const kanji =
      (c >= 0x4e00 && c <= 0x9fff) || (c >= 0x3000 && c <= 0x303f) || (c >= 0xff01 && c <= 0xff5e);
    if (!kanji) return false;
    count++;
  }
  return count >= 2;
}
