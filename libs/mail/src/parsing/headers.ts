import { domainToUnicode } from 'node:url';
import libmime from 'libmime';
import addressparser from 'nodemailer/lib/addressparser';
import {
  decodeBytes,
  decodesCleanly,
  decodeUtf7,
  detectJapaneseCharset,
  hasEightBit,
  hasIso2022JpEscapes,
  isAsciiLabel,
  isKnownCharset,
  isUtf8Label,
  isValidUtf8,
  japaneseCharsetOf,
} from './charset';

export interface Address {
  /** Lower-cased; '' when the header named no address (e.g. `From: MAILER-DAEMON`). */
  address: string;
  /** Decoded display name, '' if none. */
  name: string;
}

/** A raw header line as mailparser and mailsplit hand it over: one char per byte, folds kept. */
export interface RawHeaderLine {
  key: string;
  line: string;
}

/**
 * Turns the bytes of a raw header value (a binary string) into text. Headers should be 7-bit,
 * but Japanese mailers write ISO-2022-JP escapes or Shift_JIS/EUC-JP bytes into them unencoded,
 * and others raw UTF-8 or Latin-1. mailparser reads 8-bit headers as UTF-8 only, and trims the
 * value while it is still one char per byte, so a UTF-8 character ending in byte 0xA0 (①, ム)
 * loses that byte as "no-break space". `hint` is the message's declared body charset: mailers
 * that write raw header bytes use the body's charset for them.
 */
export function decodeRawHeaderText(binary: string, hint?: string | null): string {
  if (!/[\x80-\xff\x1b]/.test(binary) || /[^\x00-\xff]/.test(binary)) return binary;
  const bytes = Buffer.from(binary, 'latin1');
  if (!hasEightBit(bytes)) return hasIso2022JpEscapes(bytes) ? decodeBytes(bytes, 'ISO-2022-JP') : binary;
  if (isValidUtf8(bytes)) return bytes.toString('utf8');
  return decodeBytes(bytes, charsetForRawHeader(bytes, hint));
}

function charsetForRawHeader(bytes: Buffer, hint: string | null | undefined): string {
  const japaneseHint = japaneseCharsetOf(hint);
  if (japaneseHint) {
    // A message sent as ISO-2022-JP still gets its raw header bytes from a Shift_JIS or EUC-JP
    // system, whichever decodes.
    const order = japaneseHint === 'EUC-JP' ? ['EUC-JP', 'Shift_JIS'] : ['Shift_JIS', 'EUC-JP'];
    const clean = order.find((charset) => decodesCleanly(bytes, charset));
    if (clean) return clean;
  } else if (hint && !isUtf8Label(hint) && !isAsciiLabel(hint) && isKnownCharset(hint)) {
    return hint;
  }
  const detected = detectJapaneseCharset(bytes, { kanjiOnly: true });
  return detected && detected !== 'UTF-8' ? detected : 'windows-1252';
}

/**
 * Japanese charset labels in encoded words and RFC 2231 parameters, put in the form libmime
 * decodes. CP50220/CP50221/CP50222 (what .NET and some Outlook versions write for ISO-2022-JP
 * with the Microsoft extensions) would otherwise come out as raw escape sequences, and aliases
 * such as sjis-win or eucjp-ms as UTF-8 mojibake.
 */
export function normalizeCharsetLabels(value: string): string {
  return value
    .replace(/=\?([^?\s*]+)((?:\*[^?\s]*)?\?[bBqQ]\?)/g, (whole, charset: string, rest: string) => {
      const japanese = japaneseCharsetOf(charset);
      return japanese ? `=?${japanese}${rest}` : whole;
    })
    .replace(/(\*\s*=\s*"?)([\w.:-]+)'/g, (whole, lead: string, charset: string) => {
      const japanese = japaneseCharsetOf(charset);
      return japanese ? `${lead}${japanese}'` : whole;
    });
}

/**
 * RFC 2047 decoding (adjacent words of one charset joined first, so split characters survive).
 * The text comes in with its raw 8-bit bytes already decoded (decodeRawHeaderText), so those
 * characters must not go through a word's charset a second time.
 */
export function decodeEncodedWords(text: string): string {
  if (!text.includes('=?')) return text;
  try {
    return libmime.decodeWords(utf7WordsAsUtf8(rawTextOutOfQWords(normalizeCharsetLabels(text))));
  } catch {
    return text;
  }
}

/**
 * libmime reads a Q word's text as UTF-8 bytes and decodes them in the word's charset, so a raw
 * "ö" inside `=?ISO-8859-1?Q?Fr…sche?=` came out as "Ã¶". Such characters are cut out of the
 * word and stand between its two halves, decoded once.
 */
function rawTextOutOfQWords(text: string): string {
  if (!/[^\x00-\x7f]/.test(text)) return text;
  return text.replace(
    /=\?([^?\s]+)\?([qQ])\?([^?]*[^\x00-\x7f][^?]*)\?=/g,
    (_, charset: string, q: string, body: string) =>
      body
        .split(/([^\x00-\x7f]+)/)
        .map((piece, i) => (i % 2 ? piece : piece ? `=?${charset}?${q}?${piece}?=` : ''))
        .join(''),
  );
}

const UTF7_WORD = /=\?((?:x-)?utf-?7|unicode-1-1-utf-7|csunicode11utf7)(?:\*[^?]*)?\?([bBqQ])\?([^?]*)\?=/gi;

/** UTF-7 encoded words (which libmime refuses, see isUtf7Label) rewritten as UTF-8 ones. */
function utf7WordsAsUtf8(text: string): string {
  if (!/utf-?7/i.test(text)) return text;
  return text.replace(UTF7_WORD, (whole, _charset: string, encoding: string, body: string) => {
    const bytes =
      encoding.toLowerCase() === 'b'
        ? Buffer.from(body, 'base64')
        : Buffer.from(
            body
              .replace(/_/g, ' ')
              .replace(/=([0-9A-Fa-f]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16))),
            'latin1',
          );
    return `=?UTF-8?B?${Buffer.from(decodeUtf7(bytes), 'utf8').toString('base64')}?=`;
  });
}

/** The value of a header line, unfolded and with its bytes decoded (encoded words left as they are). */
export function rawHeaderValue(line: string, hint?: string | null): string {
  const text = decodeRawHeaderText(line, hint);
  return libmime.decodeHeader(text).value;
}

export function headerValues(lines: readonly RawHeaderLine[], key: string, hint?: string | null): string[] {
  return lines.filter((l) => l.key === key).map((l) => rawHeaderValue(l.line, hint));
}

export function firstHeader(
  lines: readonly RawHeaderLine[],
  key: string,
  hint?: string | null,
): string | undefined {
  const found = lines.find((l) => l.key === key);
  return found ? rawHeaderValue(found.line, hint) : undefined;
}

/**
 * A text header (Subject, Thread-Topic …) as the reader should see it. Only the raw value is
 * trimmed: white space inside an encoded word is text the sender wrote ("=?…?Q?PublicView_?=").
 * Control characters (a NUL breaks some databases' text columns) are dropped.
 */
export function decodeTextHeader(value: string): string {
  return decodeEncodedWords(value.trim())
    .replace(/[\r\n]+/g, ' ')
    .replace(/[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]/g, '');
}

/**
 * Addresses of an address-list header, groups flattened. Display names are decoded after the
 * list is split, so a name that decodes to "a, b" or "x <y@z>" stays a name (RFC 2047 §5).
 */
export function parseAddressList(value: string): Address[] {
  let parsed: addressparser.AddressOrGroup[];
  try {
    parsed = addressparser(value);
  } catch {
    return [];
  }
  const flat = (list: addressparser.AddressOrGroup[]): addressparser.Address[] =>
    list.flatMap((entry) => ('group' in entry ? flat(entry.group ?? []) : [entry]));
  const addresses = flat(parsed)
    .map((a) => ({ address: normalizeAddress(a.address ?? ''), name: decodeTextHeader(a.name ?? '').trim() }))
    .filter((a) => a.address || a.name);
  if (addresses.every((a) => !a.address || PLAIN_ADDRESS.test(a.address))) return addresses;
  const salvaged = salvageAddress(value);
  return salvaged ? [salvaged] : addresses;
}

const PLAIN_ADDRESS = /^[^\s<>"(),;:@]+@[^\s<>"(),;:@]+$/;

/**
 * For a header addressparser reads as nonsense (an unclosed quote swallows the address:
 * `"Yamada <y@example.jp>` gives `"yamada <y"@example.jp>`): the first thing shaped like an
 * address, and what stands before it as the name.
 */
function salvageAddress(value: string): Address | null {
  const match = /<?([^\s<>"(),;:@]+@[^\s<>"(),;:@]+?)>?(?=[\s,;>]|$)/.exec(value);
  if (!match) return null;
  const name = value.slice(0, match.index).replace(/["<>]/g, ' ').replace(/\s+/g, ' ').trim();
  return { address: normalizeAddress(match[1]), name: decodeTextHeader(name).trim() };
}

/** Lower-cased, with an internationalised (punycode) domain shown as Unicode. */
function normalizeAddress(address: string): string {
  const trimmed = decodeEncodedWords(address).trim().toLowerCase();
  const at = trimmed.lastIndexOf('@');
  if (at < 0 || !trimmed.slice(at + 1).includes('xn--')) return trimmed;
  const domain = domainToUnicode(trimmed.slice(at + 1));
  return domain ? `${trimmed.slice(0, at + 1)}${domain}` : trimmed;
}

/**
 * Message ids of Message-ID / In-Reply-To / References, without angle brackets. Bracketed ids
 * win; mailers that leave the brackets off get their bare tokens that look like ids.
 */
export function parseMessageIds(value: string | undefined): string[] {
  if (!value) return [];
  const text = value.replace(/\([^()]*\)/g, ' ');
  const bracketed = [...text.matchAll(/<([^<>]+)>/g)].map((m) => m[1].replace(/\s+/g, ''));
  const ids = bracketed.length ? bracketed : text.split(/[\s,]+/).filter((t) => t.includes('@'));
  return [...new Set(ids.map((id) => id.trim()).filter(Boolean))];
}

const ZONE_ABBREVIATIONS: Record<string, string> = {
  JST: '+0900',
  KST: '+0900',
  CET: '+0100',
  CEST: '+0200',
  MEZ: '+0100',
  MESZ: '+0200',
  BST: '+0100',
  IST: '+0530',
};

/**
 * The Date header, or null when it cannot be read (mailparser substitutes the current time,
 * which would misdate the article). Old Japanese mailers write "JST" instead of "+0900",
 * which JavaScript's date parser does not know.
 */
export function parseDateHeader(value: string | undefined): Date | null {
  if (!value) return null;
  const direct = new Date(value);
  if (!Number.isNaN(direct.getTime())) return direct;
  const withOffset = value
    .replace(/\([^()]*\)/g, ' ')
    .replace(/\b([A-Z]{3,4})\s*$/, (zone: string) => ZONE_ABBREVIATIONS[zone] ?? zone)
    .trim();
  const retried = new Date(withOffset);
  return Number.isNaN(retried.getTime()) ? null : retried;
}
