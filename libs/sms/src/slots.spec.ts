import { latestSchedule, roundUpToSlot, withinOneYear } from './slots';

const iso = (s: string) => new Date(s);

describe('roundUpToSlot', () => {
  it.each([
    ['2026-12-03T15:00:00.000Z', '2026-12-03T15:00:00.000Z'],
    ['2026-12-03T15:01:00.000Z', '2026-12-03T15:10:00.000Z'],
    ['2026-12-03T15:00:00.001Z', '2026-12-03T15:10:00.000Z'],
    ['2026-12-03T15:09:59.999Z', '2026-12-03T15:10:00.000Z'],
    ['2026-12-03T15:10:00.000Z', '2026-12-03T15:10:00.000Z'],
    ['2026-12-03T15:59:00.000Z', '2026-12-03T16:00:00.000Z'],
    // across midnight, month end and year end
    ['2026-12-03T23:55:00.000Z', '2026-12-04T00:00:00.000Z'],
    ['2026-11-30T23:51:00.000Z', '2026-12-01T00:00:00.000Z'],
    ['2028-02-28T23:58:00.000Z', '2028-02-29T00:00:00.000Z'],
    ['2026-12-31T23:59:30.000Z', '2027-01-01T00:00:00.000Z'],
  ])('%s → %s', (from, to) => {
    expect(roundUpToSlot(iso(from)).toISOString()).toBe(to);
  });

  it('rounds Tokyo times the same (UTC+9 is whole hours)', () => {
    // 15:01 in Tokyo is 06:01 UTC; its slot is 15:10 Tokyo.
    expect(roundUpToSlot(iso('2026-12-03T15:01:00+09:00')).toISOString()).toBe('2026-12-03T06:10:00.000Z');
  });
});

describe('one year ahead', () => {
  const now = iso('2026-12-03T18:25:00.000Z');
  it('takes exactly one year and refuses a minute more', () => {
    expect(withinOneYear(iso('2027-12-03T18:25:00.000Z'), now)).toBe(true);
    expect(withinOneYear(iso('2027-12-03T18:26:00.000Z'), now)).toBe(false);
    expect(withinOneYear(iso('2026-12-10T00:00:00.000Z'), now)).toBe(true);
  });
  it('a year after 29 February is 1 March', () => {
    expect(latestSchedule(iso('2028-02-29T12:00:00.000Z')).toISOString()).toBe('2029-03-01T12:00:00.000Z');
  });
});
