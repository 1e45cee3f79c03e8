import type { AbstractControl } from '@angular/forms';
import { addressListValidator, MAX_ADDRESSES, notBlankValidator, splitAddresses } from './address-list';

/** The validators read only `value`: a plain object stands in for a form control. */
function control(value: string | null): AbstractControl<string> {
  return { value } as AbstractControl<string>;
}

describe('splitAddresses', () => {
  it('splits on commas, semicolons, Japanese commas and whitespace', () => {
    expect(
      splitAddresses(
        'a@example.jp, b@example.jp;c@example.jp、d@example.jp，e@example.jp；f@example.jp\ng@example.jp\th@example.jp',
      ),
    ).toEqual([
      'a@example.jp',
      'b@example.jp',
      'c@example.jp',
      'd@example.jp',
      'e@example.jp',
      'f@example.jp',
      'g@example.jp',
      'h@example.jp',
    ]);
  });

  it('drops empty parts from doubled or trailing separators', () => {
    expect(splitAddresses(' ,, a@example.jp ;; ')).toEqual(['a@example.jp']);
    expect(splitAddresses('')).toEqual([]);
    expect(splitAddresses('   ')).toEqual([]);
  });
});

describe('addressListValidator', () => {
  it('lets an empty field and good addresses through', () => {
    expect(addressListValidator(control(''))).toBeNull();
    expect(addressListValidator(control(null))).toBeNull();
    expect(addressListValidator(control('sato@example.co.jp, info+shop@mail.example.jp'))).toBeNull();
  });

  it.each([
    ['no at sign', 'sato.example.jp'],
    ['no dot in the domain', 'sato@localhost'],
    ['a display name', '"Sato" <sato@example.jp>'],
    ['angle brackets', '<sato@example.jp>'],
    ['two at signs', 'sato@@example.jp'],
    ['a colon', 'mailto:sato@example.jp'],
  ])('names the first bad address (%s)', (_case, bad) => {
    expect(addressListValidator(control(`ok@example.jp, ${bad}, other@example.jp`))).toEqual({
      addressList: { address: splitAddresses(bad)[0] },
    });
  });

  it('takes at most MAX_ADDRESSES addresses', () => {
    const addresses = (n: number) => Array.from({ length: n }, (_, i) => `user${i}@example.jp`).join(', ');
    expect(addressListValidator(control(addresses(MAX_ADDRESSES)))).toBeNull();
    expect(addressListValidator(control(addresses(MAX_ADDRESSES + 1)))).toEqual({
      addressCount: { max: MAX_ADDRESSES },
    });
  });

  it('reports a bad address before too many', () => {
    const many = Array.from({ length: MAX_ADDRESSES + 5 }, (_, i) => `user${i}@example.jp`);
    many[3] = 'broken';
    expect(addressListValidator(control(many.join(' ')))).toEqual({ addressList: { address: 'broken' } });
  });
});

describe('notBlankValidator', () => {
  it('refuses empty, spaces only and line breaks only', () => {
    for (const value of ['', '   ', '\n\n', '\u3000\t', null]) {
      expect(notBlankValidator(control(value))).toEqual({ required: true });
    }
  });

  it('lets text through', () => {
    expect(notBlankValidator(control(' よろしくお願いします '))).toBeNull();
  });
});
