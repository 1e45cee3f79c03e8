import { documentText, normalizeWithMap, searchTerms, snippetOf } from './search-text';

describe('search text', () => {
  it('splits a query into normalised words, once each', () => {
    expect(searchTerms(' 髙橋　ﾀﾛｳ  たろう IQ012345 ')).toEqual(['高橋', 'タロウ', 'iq012345']);
    expect(searchTerms('090-1234-5678')).toEqual(['09012345678']);
    expect(searchTerms('  ')).toEqual([]);
  });

  it('keeps one line per field, so no hit runs across two fields', () => {
    expect(documentText(['件名', null, '本文 です', ''])).toBe('件名\n本文デス');
  });

  it('maps every normalised character back to the text the user reads', () => {
    const text = 'ＴＥＬ 090-1234-5678 髙橋';
    const { norm, map } = normalizeWithMap(text);
    expect(norm).toBe('tel09012345678高橋');
    expect(text[map[norm.indexOf('高')]]).toBe('髙');
    expect(text.slice(map[norm.indexOf('090')], map[norm.indexOf('678') + 2] + 1)).toBe('090-1234-5678');
  });

  it('marks every hit inside a snippet of at most 160 characters', () => {
    const long = `${'前置き。'.repeat(40)}請求書を再発行してください。${'後書き。'.repeat(40)}`;
    const s = snippetOf(long, ['請求書', '再発行'])!;
    expect(s.snippet.length).toBeLessThanOrEqual(160);
    expect(s.snippet.startsWith('…')).toBe(true);
    expect(s.marks.map(([a, b]) => s.snippet.slice(a, b))).toEqual(['請求書', '再発行']);
    const v = snippetOf('宮﨑 𠮷田さん', ['崎', '吉田'])!;
    expect(v.marks.map(([a, b]) => v.snippet.slice(a, b))).toEqual(['﨑', '𠮷田']);
    expect(snippetOf('なにもない', ['請求'])).toBeNull();
  });
});
