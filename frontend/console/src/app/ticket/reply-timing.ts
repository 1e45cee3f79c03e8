/** Japan keeps no daylight saving time: the business zone (Asia/Tokyo) is always UTC+9. */
const TOKYO_OFFSET = '+09:00';

/**
 * A `datetime-local` value (`2025-04-01T15:30`) read as Tokyo wall-clock time, whatever the
 * browser's own zone, as an ISO instant; null when it is not a date-time.
 */
export function fromTokyoLocal(value: string): string | null {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/.test(value)) {
    return null;
  }
  const withSeconds = value.length === 16 ? `${value}:00` : value;
  const time = Date.parse(`${withSeconds}${TOKYO_OFFSET}`);
  return Number.isFinite(time) ? new Date(time).toISOString() : null;
}

/**
 * When the undo window ends, on this machine's clock. The server's clock may differ from ours, so
 * the window's length is measured on the server's clock (`undoUntil - createdAt`). For the answer
 * to our own request it is counted from when the answer arrived; for a reply found on the ticket
 * later, the server's `undoUntil` is taken, but never more than one window from now.
 */
export function undoDeadline(
  reply: { undoUntil: string | null; createdAt: string },
  now: number,
  source: 'answer' | 'timeline',
): number | null {
  const until = reply.undoUntil ? Date.parse(reply.undoUntil) : NaN;
  if (!Number.isFinite(until)) {
    return null;
  }
  const created = Date.parse(reply.createdAt);
  if (!Number.isFinite(created) || until < created) {
    return until;
  }
  const windowMs = until - created;
  return source === 'answer' ? now + windowMs : Math.min(until, now + windowMs);
}
