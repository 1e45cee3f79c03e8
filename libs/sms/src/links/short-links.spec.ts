import { randomBytes } from 'node:crypto';
import { findUrls, isShortCode, replaceUrls, SHORT_CODE_LENGTH, shortCode } from './short-links';

describe('click counting: the URLs of a body', () => {
  it('finds at most the first two URLs, in order, leaving a third alone', () => {
    const body = '詳細 https://a.example.jp/x?y=1 と http://b.example.jp/、さらに https://c.example.jp/z';
    const found = findUrls(body);
    expect(found.map((f) => f.url)).toEqual(['https://a.example.jp/x?y=1', 'http://b.example.jp/']);
    expect(replaceUrls(body, found, (f) => `[${f.position}]`)).toBe(
      '詳細 [1] と [2]、さらに https://c.example.jp/z',
    );
  });

  it('ends a URL at Japanese text and drops trailing sentence punctuation', () => {
    expect(findUrls('こちら→https://x.jp/a。ご確認ください').map((f) => f.url)).toEqual(['https://x.jp/a']);
    expect(findUrls('(see https://x.jp/a).').map((f) => f.url)).toEqual(['https://x.jp/a']);
    expect(findUrls('https://x.jp/a?b=c&d=e#f, next').map((f) => f.url)).toEqual([
      'https://x.jp/a?b=c&d=e#f',
    ]);
  });

  it('ignores what is no link', () => {
    expect(findUrls('https:// と ftp://x.jp と www.x.jp')).toEqual([]);
    expect(findUrls('')).toEqual([]);
  });

  it('is linear on long hostile input', () => {
    const body = `https://${'a'.repeat(200_000)}! `.repeat(3);
    const t = Date.now();
    expect(findUrls(body)).toHaveLength(2);
    expect(Date.now() - t).toBeLessThan(1000);
  });

  it('makes base62 codes of the fixed length, different each time', () => {
    const codes = new Set(Array.from({ length: 500 }, () => shortCode(randomBytes)));
    expect(codes.size).toBe(500);
    for (const c of codes) {
      expect(c).toHaveLength(SHORT_CODE_LENGTH);
      expect(isShortCode(c)).toBe(true);
    }
    expect(isShortCode('abc')).toBe(false);
    expect(isShortCode('abcdefghij-_')).toBe(false);
  });
});
