import { parseIncompletePhoneNumber, parsePhoneNumberFromString } from 'libphonenumber-js';

/** Hiragana → katakana, so 「たなか」 finds 「タナカ」. */
export function toKatakana(s: string): string {
  return s.replace(/[\u3041-\u3096\u309d\u309e]/g, (ch) => String.fromCharCode(ch.charCodeAt(0) + 0x60));
}

/**
 * Old (旧字体) and variant (異体字) kanji of names, folded to the form people type. No maintained
 * npm package for this reaches this machine (the kanji packages in the registry list readings
 * and stroke data, not variants), so this is a short table of the forms that come up in Japanese
 * surnames and place names; NFKC already folds the CJK compatibility ideographs that have a
 * canonical decomposition (﨑 U+FA11 has none, so it is listed). 斎, 斉, 齋 and 齊 are one
 * surname (さいとう) written four ways, so they fold together, as people searching for it expect.
 */
const KANJI_VARIANTS: Record<string, string> = {
  髙: '高', 﨑: '崎', 嵜: '崎', 碕: '崎', 邊: '辺', 邉: '辺', 齋: '斎', 齊: '斎', 斉: '斎', 濱: '浜', 澤: '沢', 櫻: '桜',
  廣: '広', 國: '国', 圓: '円', 德: '徳', 惠: '恵', 榮: '栄', 壽: '寿', 藏: '蔵', 實: '実', 眞: '真', 冨: '富', 龍: '竜',
  瀧: '滝', 淺: '浅', 關: '関', 澁: '渋', 籠: '篭', 驛: '駅', 會: '会', 學: '学', 萬: '万', 與: '与', 來: '来',
  槗: '橋', 𣘺: '橋', 桒: '桑', 栁: '柳', 﨔: '欅', 𠮷: '吉', 黑: '黒', 峯: '峰', 嶋: '島', 嶌: '島', 舘: '館',
  疊: '畳', 條: '条', 彌: '弥', 晉: '晋', 豐: '豊', 禮: '礼', 聰: '聡', 讓: '譲', 靜: '静', 亞: '亜',
};
/** The variant → common pairs, for SQL that must fold the same way (duplicate finding). */
export const KANJI_VARIANT_PAIRS: readonly (readonly [string, string])[] = Object.entries(KANJI_VARIANTS);
const KANJI_VARIANT_RE = new RegExp(`[${Object.keys(KANJI_VARIANTS).join('')}]`, 'gu');

/** Old and variant kanji as their common forms (髙橋 → 高橋, 﨑 → 崎), one character for one. */
export function foldKanjiVariants(s: string): string {
  return s.replace(KANJI_VARIANT_RE, (ch) => KANJI_VARIANTS[ch] ?? ch);
}

/**
 * The one normalisation applied to stored search text and to queries alike: full-width ASCII
 * and half-width katakana folded (NFKC), lower case, hiragana as katakana, old and variant kanji
 * as their common forms, no white space, and no separators between digits, so 090-1234-5678,
 * (090)1234 5678 and 09012345678 are all one thing and a phone query needs a single LIKE.
 */
export function normalizeForSearch(s: string): string {
  return foldKanjiVariants(toKatakana(s.normalize('NFKC').toLowerCase()))
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
