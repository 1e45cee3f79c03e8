import { jsonDepthExceeds } from './body-limits';

describe('jsonDepthExceeds', () => {
  const deep = (n: number) => Buffer.from(`${'['.repeat(n)}${']'.repeat(n)}`);
  it('counts objects and arrays, and only outside strings', () => {
    expect(jsonDepthExceeds(deep(32), 32)).toBe(false);
    expect(jsonDepthExceeds(deep(33), 32)).toBe(true);
    expect(jsonDepthExceeds(Buffer.from(`{"a":"${'{'.repeat(100)}"}`), 32)).toBe(false);
    expect(jsonDepthExceeds(Buffer.from(`{"a":"\\"${'['.repeat(100)}"}`), 32)).toBe(false);
    expect(jsonDepthExceeds(Buffer.from(`[${'{"a":1},'.repeat(1000)}1]`), 2)).toBe(false);
  });
});
