import { fieldError, ValidationFailed } from '@madoguchi/core';

/** How far ahead a send-later time or a hold may be set. */
const AT_MOST_MS = 366 * 86400_000;

/**
 * A time given for later (送信予約, 保留期限): in the future and at most a year ahead, else 400
 * with `code` on `field`. Left out: null.
 */
export function futureTime(value: string | null | undefined, now: Date, field: string, code: 'SEND_AT_RANGE' | 'HOLD_UNTIL_RANGE'): Date | null {
  if (!value) return null;
  const at = new Date(value);
  if (at.getTime() <= now.getTime() || at.getTime() > now.getTime() + AT_MOST_MS) {
    throw new ValidationFailed({ [field]: [fieldError(code, `${field} must be in the future and at most a year ahead`)] });
  }
  return at;
}
