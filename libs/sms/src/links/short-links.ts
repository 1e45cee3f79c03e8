/**
 * Click counting (issue #16 point 5): at most the first two http(s) URLs of a body are replaced
 * by a short redirect link on this server. Pure, unit-tested beside it.
 */
export const MAX_COUNTED_LINKS = 2;

/** A URL's characters (RFC 3986 unreserved, reserved and %); Japanese punctuation ends it. One linear pass, no backtracking. */
const URL_CHARS = /https?:\/\/[A-Za-z0-9\-._~:/?#[\]@!$&'()*+,;=%]+/g;
/** Sentence punctuation right after a URL is not part of it ("…/a." "(…/a)"). */
const TRAILING = new Set(['.', ',', ';', ':', '!', '?', ')', "'"]);

export interface FoundUrl {
  /** 1-based, in body order. */
  position: number;
  url: string;
  start: number;
  end: number;
}

/** The first `max` URLs of the body, with where they stand. */
export function findUrls(body: string, max = MAX_COUNTED_LINKS): FoundUrl[] {
  const out: FoundUrl[] = [];
  for (const m of body.matchAll(URL_CHARS)) {
    if (out.length >= max) break;
    let url = m[0];
    while (url.length && TRAILING.has(url[url.length - 1])) url = url.slice(0, -1);
    // "https://" alone is no link.
    if (!/^https?:\/\/[^/?#]+/.test(url)) continue;
    out.push({ position: out.length + 1, url, start: m.index, end: m.index + url.length });
  }
  return out;
}

/** The body with each found URL replaced by `replacement(found)`, from the end so the offsets hold. */
export function replaceUrls(body: string, found: FoundUrl[], replacement: (f: FoundUrl) => string): string {
  let text = body;
  for (const f of [...found].sort((a, b) => b.start - a.start))
    text = text.slice(0, f.start) + replacement(f) + text.slice(f.end);
  return text;
}

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
export const SHORT_CODE_LENGTH = 12;

/** A short code from random bytes (crypto), base62, SHORT_CODE_LENGTH characters: 71 bits, nothing about the customer. */
export function shortCode(randomBytes: (n: number) => Uint8Array): string {
  let code = '';
  while (code.length < SHORT_CODE_LENGTH) {
    for (const b of randomBytes(SHORT_CODE_LENGTH * 2)) {
      // 248 = 4 × 62: bytes above are skipped so every character is equally likely.
      if (b < 248 && code.length < SHORT_CODE_LENGTH) code += BASE62[b % 62];
    }
  }
  return code;
}

/** Whether a path segment can be a code at all (checked before the database is asked). */
export function isShortCode(s: string): boolean {
  return s.length === SHORT_CODE_LENGTH && /^[0-9A-Za-z]+$/.test(s);
}
