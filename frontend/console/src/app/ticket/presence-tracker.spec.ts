import { PresenceTracker } from './presence-tracker';

describe('PresenceTracker', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('counts as writing from a keystroke until 20 s without one, or until stopped', () => {
    const tracker = new PresenceTracker();
    expect(tracker.composingTicket()).toBeNull();
    tracker.typing(7);
    expect(tracker.composingTicket()).toBe(7);
    jest.advanceTimersByTime(15_000);
    tracker.typing(7);
    jest.advanceTimersByTime(15_000);
    expect(tracker.composingTicket()).toBe(7);
    jest.advanceTimersByTime(5_000);
    expect(tracker.composingTicket()).toBeNull();
    tracker.typing(8);
    tracker.stopped();
    expect(tracker.composingTicket()).toBeNull();
  });

  it('gives each tab its own key', () => {
    const a = new PresenceTracker().session;
    const b = new PresenceTracker().session;
    expect(a).toMatch(/^[0-9a-f]{24}$/);
    expect(a).not.toBe(b);
  });
});
