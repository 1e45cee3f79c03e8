/** SMS providers reserve sending in 10-minute slots: a scheduled time is rounded up to one. */
export const SLOT_MS = 10 * 60_000;

/** The slot a send time falls into, rounded up: 15:00 stays, 15:01 → 15:10, 23:55 → 00:00 the next day. */
export function roundUpToSlot(date: Date): Date {
  const t = date.getTime();
  return new Date(Math.ceil(t / SLOT_MS) * SLOT_MS);
}

/** The latest time a message may be scheduled: one calendar year after `now` (29 Feb → 1 Mar). */
export function latestSchedule(now: Date): Date {
  const d = new Date(now.getTime());
  d.setUTCFullYear(d.getUTCFullYear() + 1);
  return d;
}

export function withinOneYear(slot: Date, now: Date): boolean {
  return slot.getTime() <= latestSchedule(now).getTime();
}
