/**
 * Carrier segment counts of one SMS body, shared by the server and the console (plain
 * TypeScript, no imports, so the Angular build can take this file as it is).
 *
 * Long SMS are split into parts that each carry a header, so the second and later parts hold
 * fewer characters: docomo sends up to 70 characters as one message and longer bodies in parts
 * of 66 (199–264 characters are 4 messages), au 70 then 67 (135–201 are 3), SoftBank one
 * message up to 660. Characters are Unicode code points: an emoji counts once, a half-width
 * katakana once (its separate voiced mark, ﾞ, is a character of its own).
 */
export const SMS_MAX_LENGTH = 660;

export interface SegmentCount {
  length: number;
  segments: { docomo: number; au: number; softbank: number };
  /** Longer than any carrier delivers (over 660 characters): refused when sending. */
  tooLong: boolean;
}

/** Code points, not UTF-16 units: `'😀'.length` is 2, but it is one character on the handset. */
export function smsLength(body: string): number {
  let n = 0;
  for (const _ of body) n++;
  return n;
}

function parts(length: number, single: number, perPart: number): number {
  if (length === 0) return 0;
  return length <= single ? 1 : Math.ceil(length / perPart);
}

export function segments(body: string): SegmentCount {
  const length = smsLength(body);
  return {
    length,
    segments: {
      docomo: parts(length, 70, 66),
      au: parts(length, 70, 67),
      softbank: parts(length, SMS_MAX_LENGTH, SMS_MAX_LENGTH),
    },
    tooLong: length > SMS_MAX_LENGTH,
  };
}
