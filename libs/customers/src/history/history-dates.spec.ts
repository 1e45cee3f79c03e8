import { boundOf } from './history-dates';

describe('history query bounds', () => {
  it('reads a bare date as the start of that day in Tokyo, and an upper bound as the next day', () => {
    expect(boundOf('2026-12-03', 'Asia/Tokyo', false).toISOString()).toBe('2026-12-02T15:00:00.000Z');
    expect(boundOf('2026-12-03', 'Asia/Tokyo', true).toISOString()).toBe('2026-12-03T15:00:00.000Z');
  });
  it('keeps a full date-time as given, the upper one included', () => {
    expect(boundOf('2026-12-03T10:00:00+09:00', 'Asia/Tokyo', false).toISOString()).toBe('2026-12-03T01:00:00.000Z');
    expect(boundOf('2026-12-03T10:00:00+09:00', 'Asia/Tokyo', true).toISOString()).toBe('2026-12-03T01:00:00.001Z');
  });
  it('follows the zone, summer time included', () => {
    expect(boundOf('2026-07-01', 'Europe/Berlin', false).toISOString()).toBe('2026-06-30T22:00:00.000Z');
  });
});
