/**
 * A query bound, compared as `>= lower` and `< upper`: a bare date (YYYY-MM-DD) is that day's
 * start in the company's time zone, or — as an upper bound — the next day's start, so "to 12/3"
 * includes all of 12/3; a full ISO date-time is that instant, included at both ends.
 */
export function boundOf(value: string, timeZone: string, upper: boolean): Date {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return new Date(new Date(value).getTime() + (upper ? 1 : 0));
  const [y, mo, d] = value.split('-').map(Number);
  const utcMidnight = Date.UTC(y, mo - 1, d + (upper ? 1 : 0));
  return new Date(utcMidnight - offsetMs(new Date(utcMidnight), timeZone));
}

/** The zone's offset from UTC at that instant (Asia/Tokyo: +9 h). */
function offsetMs(at: Date, timeZone: string): number {
  const name = new Intl.DateTimeFormat('en-US', { timeZone, timeZoneName: 'longOffset' }).formatToParts(at).find((p) => p.type === 'timeZoneName')?.value ?? 'GMT';
  const m = /GMT([+-])(\d{2}):?(\d{2})?/.exec(name);
  if (!m) return 0;
  return (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3] ?? 0)) * 60_000;
}
