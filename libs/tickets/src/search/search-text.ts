import { foldKanjiVariants, normalizeForSearch, toKatakana } from '@madoguchi/customers';

/** What a search may be given: longer queries are refused (400), so no query costs more than this. */
export const SEARCH_QUERY_MAX = 200;
/** At most this many words count; more are refused rather than silently dropped. */
export const SEARCH_TERMS_MAX = 10;
export const SNIPPET_MAX = 160;

/**
 * The words of a query, each normalised as the documents are (normalizeForSearch: NFKC, case,
 * katakana, variant kanji, digits without separators); every word must match. Words are split
 * on white space before normalising, as normalising removes it.
 */
export function searchTerms(q: string): string[] {
  const words = q.split(/[\s\u3000]+/).map((w) => normalizeForSearch(w)).filter(Boolean);
  return [...new Set(words)];
}

/** `IQ012345`, `#IQ012345`, `[#IQ012345]` (also full-width, any case): a ticket code and nothing else. */
export const CODE_QUERY = /^[[(（［【]?[#＃]?([A-Z]{2}\d{6})[\])）］】]?$/;

/** The words to search for: a code alone is the code (`#` and brackets are no word), else searchTerms. */
export function queryTerms(q: string): string[] {
  const code = CODE_QUERY.exec(q.trim().normalize('NFKC').toUpperCase());
  return code ? [code[1].toLowerCase()] : searchTerms(q);
}

/** A ticket's searchable text: one normalised line per field, so no match runs across two fields. */
export function documentText(parts: (string | null | undefined)[]): string {
  return parts.map((p) => (p ? normalizeForSearch(p) : '')).filter(Boolean).join('\n');
}

const SEPARATORS = /[-‐‑‒–—―ー−()]/;

/**
 * The normalised text with, for each of its characters, the offset of the original character it
 * came from: how a hit found in normalised text is marked in the text the user reads. Folds one
 * code point at a time (what normalizeForSearch does to a whole string, but for NFKC sequences
 * that compose across characters, which mail text in NFC hardly holds).
 */
export function normalizeWithMap(text: string): { norm: string; map: number[] } {
  const chars: string[] = [];
  const map: number[] = [];
  let offset = 0;
  for (const cp of text) {
    const folded = foldKanjiVariants(toKatakana(cp.normalize('NFKC').toLowerCase())).replace(/\s+/g, '');
    for (const ch of folded) {
      chars.push(ch);
      map.push(offset);
    }
    offset += cp.length;
  }
  // Separators between digits go, as in normalizeForSearch (090-1234-5678 → 09012345678).
  const keep: boolean[] = chars.map(() => true);
  for (let i = 1; i < chars.length; i++) {
    if (!SEPARATORS.test(chars[i]) || !/\d/.test(chars[i - 1])) continue;
    let j = i;
    while (j < chars.length && SEPARATORS.test(chars[j])) j++;
    if (j < chars.length && /\d/.test(chars[j])) for (let k = i; k < j; k++) keep[k] = false;
    i = j - 1;
  }
  const norm: string[] = [];
  const kept: number[] = [];
  for (let i = 0; i < chars.length; i++) {
    if (!keep[i]) continue;
    norm.push(chars[i]);
    kept.push(map[i]);
  }
  // Offsets into the joined string (a folded code point may be several UTF-16 units).
  const out: number[] = [];
  for (let i = 0; i < norm.length; i++) for (let u = 0; u < norm[i].length; u++) out.push(kept[i]);
  return { norm: norm.join(''), map: out };
}

/** Whether every term occurs in the text (normalised). */
export function matchesAll(text: string, terms: string[]): boolean {
  const norm = normalizeForSearch(text);
  return terms.every((t) => norm.includes(t));
}

/**
 * Plain text around the first hit (≤ 160 characters, white space folded) and the character
 * ranges of every hit of every term inside it, for the console to highlight without HTML.
 * Null when no term occurs in the text.
 */
export function snippetOf(text: string, terms: string[]): { snippet: string; marks: [number, number][] } | null {
  const plain = text.replace(/\s+/g, ' ').trim();
  const { norm, map } = normalizeWithMap(plain);
  const hits: [number, number][] = [];
  for (const term of terms) {
    for (let at = norm.indexOf(term); at >= 0; at = norm.indexOf(term, at + term.length)) {
      const start = map[at];
      const last = map[at + term.length - 1];
      const end = last + (plain.codePointAt(last)! > 0xffff ? 2 : 1);
      hits.push([start, end]);
    }
  }
  if (!hits.length) return null;
  hits.sort((a, b) => a[0] - b[0]);
  const first = hits[0][0];
  let from = Math.max(0, first - 40);
  // Never cut a surrogate pair in two.
  if (from > 0 && /[\udc00-\udfff]/.test(plain[from])) from--;
  const lead = from > 0 ? '…' : '';
  const room = SNIPPET_MAX - lead.length;
  let to = Math.min(plain.length, from + room);
  if (to < plain.length) {
    to = Math.min(to, from + room - 1);
    if (/[\udc00-\udfff]/.test(plain[to])) to--;
  }
  const tail = to < plain.length ? '…' : '';
  const snippet = lead + plain.slice(from, to) + tail;
  const marks: [number, number][] = [];
  for (const [s, e] of hits) {
    if (s < from || e > to) continue;
    const ms = s - from + lead.length;
    const me = e - from + lead.length;
    // Overlapping hits (two terms, one inside the other) become one mark.
    const prev = marks[marks.length - 1];
    if (prev && ms <= prev[1]) prev[1] = Math.max(prev[1], me);
    else marks.push([ms, me]);
  }
  return { snippet, marks };
}
