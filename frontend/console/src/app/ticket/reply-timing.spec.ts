import { fromTokyoLocal, undoDeadline } from './reply-timing';

describe('fromTokyoLocal', () => {
  it('reads a datetime-local value as Tokyo time (UTC+9)', () => {
    expect(fromTokyoLocal('2025-04-01T15:30')).toBe('2025-04-01T06:30:00.000Z');
    expect(fromTokyoLocal('2025-04-01T15:30:45')).toBe('2025-04-01T06:30:45.000Z');
  });

  it('crosses the date line back into the previous UTC day', () => {
    expect(fromTokyoLocal('2025-01-01T08:00')).toBe('2024-12-31T23:00:00.000Z');
  });

  it('does not shift in summer: Japan has no daylight saving time', () => {
    expect(fromTokyoLocal('2025-07-15T09:00')).toBe('2025-07-15T00:00:00.000Z');
  });

  it.each([
    '',
    '2025-04-01',
    '2025-04-01 15:30',
    '15:30',
    '2025-04-01T15:30Z',
    '2025-04-01T15:30+09:00',
    'tomorrow',
  ])('refuses %p', (value) => {
    expect(fromTokyoLocal(value)).toBeNull();
  });

  it('refuses a date that does not exist', () => {
    expect(fromTokyoLocal('2025-13-01T10:00')).toBeNull();
  });
});

describe('undoDeadline', () => {
  const createdAt = '2025-04-01T00:00:00.000Z';
  const undoUntil = '2025-04-01T00:00:30.000Z'; // a 30 second window on the server's clock
  const now = Date.parse('2025-04-01T00:05:00.000Z'); // our clock runs five minutes ahead

  it('counts our own answer from now, with the window measured on the server clock', () => {
    expect(undoDeadline({ undoUntil, createdAt }, now, 'answer')).toBe(now + 30_000);
  });

  it('takes the server deadline for a reply found later when our clock is ahead', () => {
    expect(undoDeadline({ undoUntil, createdAt }, now, 'timeline')).toBe(Date.parse(undoUntil));
  });

  it('never gives a reply found later more than one window from now', () => {
    const farBehind = Date.parse('2025-03-31T23:00:00.000Z');
    expect(undoDeadline({ undoUntil, createdAt }, farBehind, 'timeline')).toBe(farBehind + 30_000);
  });

  it('has no deadline without undoUntil, or with one that is not a date', () => {
    expect(undoDeadline({ undoUntil: null, createdAt }, now, 'answer')).toBeNull();
    expect(undoDeadline({ undoUntil: 'soon', createdAt }, now, 'timeline')).toBeNull();
  });

  it('takes undoUntil as it is when createdAt cannot measure the window', () => {
    expect(undoDeadline({ undoUntil, createdAt: 'bad' }, now, 'answer')).toBe(Date.parse(undoUntil));
    const later = '2025-04-01T00:01:00.000Z';
    expect(undoDeadline({ undoUntil, createdAt: later }, now, 'answer')).toBe(Date.parse(undoUntil));
  });
});
