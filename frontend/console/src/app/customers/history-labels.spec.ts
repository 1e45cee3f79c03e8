import { fromTokyoLocal } from '../ticket/reply-timing';
import { staffName, staffPair, toTokyoLocal } from './history-labels';

describe('toTokyoLocal', () => {
  it('writes an instant on Tokyo wall-clock time (UTC+9)', () => {
    expect(toTokyoLocal('2025-04-01T06:30:00.000Z')).toBe('2025-04-01T15:30');
  });

  it('crosses into the next Tokyo day', () => {
    expect(toTokyoLocal('2024-12-31T23:00:00.000Z')).toBe('2025-01-01T08:00');
  });

  it('is the inverse of fromTokyoLocal', () => {
    expect(fromTokyoLocal(toTokyoLocal('2026-12-03T03:04:00.000Z'))).toBe('2026-12-03T03:04:00.000Z');
  });

  it.each([null, undefined, '', 'not a date'])('gives an empty value for %p', (value) => {
    expect(toTokyoLocal(value)).toBe('');
  });
});

describe('staff names', () => {
  const names = new Map([
    [1, '山田'],
    [2, '佐藤'],
  ]);

  it('names a known id and marks an unknown one by its id', () => {
    expect(staffName(names, 1)).toBe('山田');
    expect(staffName(names, 9)).toBe('#9');
    expect(staffName(names, null)).toBe('');
  });

  it('shows 担当 → 依頼先 only when they differ', () => {
    expect(staffPair(names, 1, 2)).toBe('山田 → 佐藤');
    expect(staffPair(names, 1, 1)).toBe('山田');
    expect(staffPair(names, null, 2)).toBe('佐藤');
    expect(staffPair(names, null, null)).toBe('');
  });
});
