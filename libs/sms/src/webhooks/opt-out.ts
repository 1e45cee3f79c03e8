/**
 * The replies that stop SMS (特定電子メール法's opt-out, and the words carriers and Twilio treat
 * as one): 「停止」/「ていし」 and STOP, STOPALL, UNSUBSCRIBE, CANCEL, END, QUIT.
 */
export const OPT_OUT_WORDS = ['停止', 'ていし', 'STOP', 'STOPALL', 'UNSUBSCRIBE', 'CANCEL', 'END', 'QUIT'] as const;

/**
 * Whether an inbound SMS is exactly an opt-out word: trimmed (full-width spaces too), full-width
 * letters folded (ＳＴＯＰ), any case. A sentence that merely contains one ("STOP by tomorrow?")
 * is a message, not an opt-out.
 */
export function isOptOut(body: string): boolean {
  const word = body.normalize('NFKC').trim().toUpperCase();
  return (OPT_OUT_WORDS as readonly string[]).includes(word);
}
