import { normalizePostalCode, PostalCodesService } from './postal-codes.service';

describe('normalizePostalCode', () => {
  it.each([
    ['1040061', '1040061'],
    ['104-0061', '1040061'],
    ['１０４－００６１', '1040061'],
    ['１０４００６１', '1040061'],
    ['〒104-0061', '1040061'],
    [' 104ー0061 ', '1040061'],
    ['104 0061', '1040061'],
  ])('reads %p as %p', (input, expected) => {
    expect(normalizePostalCode(input)).toBe(expected);
  });

  it.each(['abc', '', '104006', '10400611', '10-40061', '104--0061', '1'.repeat(100)])(
    'refuses %p',
    (input) => {
      expect(normalizePostalCode(input)).toBeNull();
    },
  );
});

describe('PostalCodesService', () => {
  const service = new PostalCodesService();

  it('answers every town of a code that covers two cities', () => {
    expect(service.lookup('498-0000').addresses).toEqual([
      { prefecture: '愛知県', city: '弥富市', town: '' },
      { prefecture: '三重県', city: '桑名郡木曽岬町', town: '' },
    ]);
  });

  it('refuses an unknown code as POSTAL_CODE_NOT_FOUND and a malformed one as POSTAL_CODE_INVALID', () => {
    expect(() => service.lookup('9999999')).toThrow(
      expect.objectContaining({ code: 'POSTAL_CODE_NOT_FOUND', status: 404 }),
    );
    expect(() => service.lookup('abc')).toThrow(
      expect.objectContaining({ code: 'POSTAL_CODE_INVALID', status: 400 }),
    );
  });
});
