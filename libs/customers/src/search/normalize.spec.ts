import { escapeLike } from '@madoguchi/core';
import { looksLikePhone, normalizeForSearch, normalizeKana, parsePhone, phoneDigits } from './normalize';

describe('search normalisation', () => {
  it('folds full-width, half-width kana, case and hiragana', () => {
    expect(normalizeForSearch('ＴＡＮＡＫＡ　Taro')).toBe('tanakataro');
    expect(normalizeForSearch('ﾀﾅｶ')).toBe('タナカ');
    expect(normalizeForSearch('たなか')).toBe('タナカ');
    expect(normalizeForSearch('田中 太郎')).toBe('田中太郎');
    expect(normalizeForSearch('髙橋')).toBe(normalizeForSearch('高橋'));
    expect(normalizeForSearch('山﨑 渡邉 齋藤 濱田 澤 櫻井')).toBe('山崎渡辺斎藤浜田沢桜井');
  });

  it('drops separators between digits, so every way of writing a phone number is the same', () => {
    for (const tel of ['090-1234-5678', '(090)1234-5678', '090 1234 5678', '０９０ー１２３４ー５６７８', '09012345678']) {
      expect(normalizeForSearch(tel)).toBe('09012345678');
    }
    expect(normalizeForSearch('梅田2-2-2')).toBe('梅田222');
    expect(normalizeForSearch('ラーメン-3')).toBe('ラーメン-3');
    expect(normalizeForSearch('user42.7@example.jp')).toBe('user42.7@example.jp');
  });

  it('stores kana readings as full-width katakana', () => {
    expect(normalizeKana('ﾔﾏﾀﾞ')).toBe('ヤマダ');
    expect(normalizeKana('やまだ')).toBe('ヤマダ');
  });

  it('recognises phone-like queries and strips their formatting', () => {
    expect(looksLikePhone('090-1234-5678')).toBe(true);
    expect(looksLikePhone('０９０（１２３４）５６７８')).toBe(true);
    expect(looksLikePhone('田中')).toBe(false);
    expect(phoneDigits('090-1234-5678')).toBe('09012345678');
    expect(phoneDigits('０９０ー１２３４ー５６７８')).toBe('09012345678');
  });

  it('parses Japanese numbers into national format whatever the hyphens', () => {
    expect(parsePhone('09012345678')).toEqual({ display: '090-1234-5678', digits: '09012345678' });
    expect(parsePhone('03 1234 5678')).toEqual({ display: '03-1234-5678', digits: '0312345678' });
    expect(parsePhone('+81 90 1234 5678')).toEqual({ display: '090-1234-5678', digits: '09012345678' });
    expect(parsePhone('abc')).toBeNull();
    expect(parsePhone('12')).toBeNull();
  });

  it('escapes LIKE wildcards', () => {
    expect(escapeLike('100%_!')).toBe('100!%!_!!');
  });
});
