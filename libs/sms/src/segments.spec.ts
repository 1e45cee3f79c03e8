import { segments, smsLength } from './segments';

const a = (n: number) => 'あ'.repeat(n);

describe('segments', () => {
  it.each([
    // length, docomo, au, softbank
    [0, 0, 0, 0],
    [1, 1, 1, 1],
    [70, 1, 1, 1],
    [71, 2, 2, 1],
    [132, 2, 2, 1],
    [133, 3, 2, 1],
    [134, 3, 2, 1],
    [135, 3, 3, 1],
    [136, 3, 3, 1],
    [137, 3, 3, 1],
    [198, 3, 3, 1],
    [199, 4, 3, 1],
    [201, 4, 3, 1],
    [202, 4, 4, 1],
    [264, 4, 4, 1],
    [265, 5, 4, 1],
    [660, 10, 10, 1],
    [661, 11, 10, 2],
  ])('a body of %i characters is docomo %i, au %i, SoftBank %i', (length, docomo, au, softbank) => {
    const r = segments(a(length));
    expect(r.length).toBe(length);
    expect(r.segments).toEqual({ docomo, au, softbank });
    expect(r.tooLong).toBe(length > 660);
  });

  it('counts an emoji once although it is two UTF-16 units', () => {
    expect('😀'.length).toBe(2);
    expect(smsLength('😀')).toBe(1);
    // 70 emoji are one docomo message, 71 are two.
    expect(segments('😀'.repeat(70)).segments.docomo).toBe(1);
    expect(segments('😀'.repeat(71)).segments.docomo).toBe(2);
  });

  it('counts half-width katakana one character each', () => {
    expect(smsLength('ｶﾀｶﾅ')).toBe(4);
    expect(segments('ｱ'.repeat(70)).segments).toEqual({ docomo: 1, au: 1, softbank: 1 });
    expect(segments('ｱ'.repeat(71)).segments).toEqual({ docomo: 2, au: 2, softbank: 1 });
  });

  it('counts ASCII and line breaks like any other character', () => {
    expect(segments('a\nb').length).toBe(3);
    expect(segments('x'.repeat(71)).segments.docomo).toBe(2);
  });
});
