import { parseIncompletePhoneNumber, parsePhoneNumberFromString } from 'libphonenumber-js';

/** Hiragana → katakana, so 「たなか」 finds 「タナカ」. */
export function toKatakana(s: string): string {
  return s.replace(/[\u3041-\u3096\u309d\u309e]/g, (ch) => String.fromCharCode(ch.charCodeAt(0) + 0x60));
}

/**
 * The one normalisation applied to stored search text and to queries alike: full-width ASCII
 * and half-width katakana folded (NFKC), lower case, hiragana as katakana, no white space, and
 * no separators between digits, so 090-1234-5678, (090)1234 5678 and 09012345678 are all one
 * thing and a phone query needs a single LIKE.
 */
export function normalizeForSearch(s: string): string {
  return toKatakana(s.normalize('NFKC').toLowerCase())
    .replace(/\s+/g, '')
    .replace(/[()](?=\d)|(?<=\d)[()]/g, '')
    .replace(/(?<=\d)[-‐‑‒–—―ー−]+(?=\d)/g, '');
}

/** Kana readings are stored as full-width katakana whatever was typed (ｶﾀｶﾅ, ひらがな). */
export function normalizeKana(s: string): string {
  return toKatakana(s.normalize('NFKC')).replace(/\s+/g, ' ').trim();
}

/** True when the text can only be (part of) a phone number: digits and separators. */
export function looksLikePhone(s: string): boolean {
  const t = s.normalize('NFKC');
  return /\d/.test(t) && /^[\d\s\-‐‑‒–—―ー−()+.]+$/.test(t);
}

/** Digits of a phone number, whatever hyphens, spaces, brackets or full-width digits it was written with. */
export function phoneDigits(s: string): string {
  return parseIncompletePhoneNumber(s.normalize('NFKC').replace(/[‐‑‒–—―ー−]/g, '-')).replace(/^\+/, '');
}

/**
 * A stored phone number: validated as a possible Japanese (or +country) number and returned in
 * national format with its digits. Returns null when it cannot be a phone number.
 */
export function parsePhone(input: string): { display: string; digits: string } | null {
  const text = input.normalize('NFKC').replace(/[‐‑‒–—―ー−]/g, '-').trim();
  if (!/^[\d\s\-()+.]+$/.test(text)) return null;
  const parsed = parsePhoneNumberFromString(text, 'JP');
  if (!parsed || !parsed.isPossible()) return null;
  if (parsed.country === 'JP' || parsed.countryCallingCode === '81') {
    const display = parsed.formatNational();
    return { display, digits: display.replace(/\D/g, '') };
  }
  return { display: parsed.formatInternational(), digits: parsed.number.replace(/\D/g, '') };
}
