import * as Encoding from 'encoding-japanese';
import * as iconv from 'iconv-lite';

/** Japanese mail labelled Shift_JIS is CP932 in practice (①, ～ and NEC/IBM kanji). */
const ALIASES: Record<string, string> = {
  shift_jis: 'cp932',
  'shift-jis': 'cp932',
  sjis: 'cp932',
  'x-sjis': 'cp932',
  'windows-31j': 'cp932',
  'ms_kanji': 'cp932',
  'euc-jp': 'eucjp',
  'x-euc-jp': 'eucjp',
};

/** Decodes bytes in a named charset; ISO-2022-JP (with the CP50220 extensions) via encoding-japanese. */
export function decodeBytes(bytes: Buffer, charset: string): string {
  const cs = charset.trim().toLowerCase();
  if (cs.startsWith('iso-2022-jp') || cs === 'csiso2022jp' || cs === 'cp50220' || cs === 'cp50221' || cs === 'cp50222') {
    return Encoding.codeToString(Encoding.convert(Array.from(bytes), { to: 'UNICODE', from: 'JIS' }));
  }
  const name = ALIASES[cs] ?? cs;
  if (iconv.encodingExists(name)) return iconv.decode(bytes, name);
  return bytes.toString('utf8');
}

export function isValidUtf8(bytes: Buffer): boolean {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return true;
  } catch {
    return false;
  }
}

/** A charset for unlabelled bytes: UTF-8 when valid, else what encoding-japanese detects. */
export function detectCharset(bytes: Buffer): string | null {
  const hasHigh = bytes.some((b) => b >= 0x80);
  const hasEsc = bytes.includes(0x1b);
  if (!hasHigh && !hasEsc) return null;
  if (!hasEsc && isValidUtf8(bytes)) return 'utf-8';
  const detected = Encoding.detect(Array.from(bytes.subarray(0, 64 * 1024)));
  switch (detected) {
    case 'JIS':
      return 'iso-2022-jp';
    case 'SJIS':
      return 'shift_jis';
    case 'EUCJP':
      return 'euc-jp';
    case 'UTF8':
      return 'utf-8';
    default:
      return null;
  }
}

/**
 * Decodes RFC 2047 encoded-words, joining adjacent words of one charset BEFORE decoding: senders
 * split long subjects mid-character (a UTF-8 or Shift_JIS sequence across two words), which a
 * word-by-word decoder turns into mojibake.
 */
export function decodeEncodedWords(value: string): string {
  const re = /=\?([^?\s]+)\?([bBqQ])\?([^?\s]*)\?=/g;
  let out = '';
  let last = 0;
  let pending: { charset: string; bytes: Buffer[] } | null = null;
  const flush = () => {
    if (pending) out += decodeBytes(Buffer.concat(pending.bytes), pending.charset.split('*')[0]);
    pending = null;
  };
  for (let m = re.exec(value); m; m = re.exec(value)) {
    const between = value.slice(last, m.index);
    // White space between two encoded words is not part of the text (RFC 2047 §6.2).
    if (!(pending && /^\s*$/.test(between))) {
      flush();
      out += between;
    }
    const [, charset, enc, text] = m;
    const bytes =
      enc.toLowerCase() === 'b'
        ? Buffer.from(text, 'base64')
        : Buffer.from(text.replace(/_/g, ' ').replace(/=([0-9a-fA-F]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16))), 'latin1');
    const p = pending as { charset: string; bytes: Buffer[] } | null;
    if (p && p.charset.toLowerCase() === charset.toLowerCase()) p.bytes.push(bytes);
    else {
      flush();
      pending = { charset, bytes: [bytes] };
    }
    last = m.index + m[0].length;
  }
  flush();
  return out + value.slice(last);
}
