import { blockPattern } from './blocked-senders.service';

describe('blockPattern', () => {
  it.each([
    ['Taro@Example.JP', 'address', 'taro@example.jp'],
    [' taro@example.jp ', 'domain', '@example.jp'],
    ['a.b+tag@mail.example.co.jp', 'domain', '@mail.example.co.jp'],
  ] as const)('%s as %s is %s', (address, kind, pattern) => {
    expect(blockPattern(address, kind)).toBe(pattern);
  });

  it.each(['', 'taro', '@example.jp', 'taro@', 'taro@localhost', 'a b@example.jp', 'x@y@z.example', 'taro@-bad.example', 'taro@exa_mple.jp'])('refuses %p', (address) => {
    expect(blockPattern(address, 'address')).toBeNull();
    expect(blockPattern(address, 'domain')).toBeNull();
  });
});
