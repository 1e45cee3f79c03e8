import { textDiff } from './text-diff';

/** The diff as `-removed-`/`+added+`/plain pieces, which reads well in a failing test. */
function show(before: string, after: string): string {
  return textDiff(before, after)
    .map((part) => (part.added ? `+${part.value}+` : part.removed ? `-${part.value}-` : part.value))
    .join('');
}

describe('textDiff', () => {
  it('marks nothing when the texts are equal', () => {
    const parts = textDiff('お世話になっております。', 'お世話になっております。');
    expect(parts.every((part) => !part.added && !part.removed)).toBe(true);
    expect(parts.map((part) => part.value).join('')).toBe('お世話になっております。');
  });

  it('compares English by words, not by whole lines', () => {
    expect(show('Thank you for your order.', 'Thank you for your kind order.')).toBe(
      'Thank you for your +kind +order.',
    );
  });

  it('finds word boundaries in Japanese, which has no spaces', () => {
    const parts = textDiff('明日発送します。', '本日発送します。');
    const removed = parts.filter((part) => part.removed).map((part) => part.value);
    const added = parts.filter((part) => part.added).map((part) => part.value);
    expect(removed).toEqual(['明日']);
    expect(added).toEqual(['本日']);
    expect(parts.find((part) => !part.added && !part.removed)?.value).toContain('発送');
  });

  it('keeps both versions recoverable from the parts', () => {
    const before = 'line one\nline two\n';
    const after = 'line one\nline 2\nline three\n';
    const parts = textDiff(before, after);
    expect(
      parts
        .filter((p) => !p.added)
        .map((p) => p.value)
        .join(''),
    ).toBe(before);
    expect(
      parts
        .filter((p) => !p.removed)
        .map((p) => p.value)
        .join(''),
    ).toBe(after);
  });

  it('falls back to whole lines for long texts', () => {
    const line = 'あいうえお かきくけこ さしすせそ\n';
    const before = line.repeat(700) + 'old tail\n';
    const after = line.repeat(700) + 'new tail\n';
    expect(before.length + after.length).toBeGreaterThan(20_000);
    const changed = textDiff(before, after).filter((part) => part.added || part.removed);
    expect(changed.map((part) => part.value)).toEqual(['old tail\n', 'new tail\n']);
  });
});
