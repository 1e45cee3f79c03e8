/**
 * Whether a marketing SMS says how to stop receiving them (特定電子メール法: every marketing
 * message must carry an opt-out). No imports, so the console's send dialog can use this very
 * file, like segments.ts.
 *
 * The rule, kept small on purpose: after NFKC (full-width ＳＴＯＰ is STOP) and upper-casing,
 * the body contains one of OPT_OUT_WORDS. Plain substring search, no regular expression.
 */
export const OPT_OUT_WORDS = ['停止', '配信不要', '配信解除', '受信拒否', 'STOP'] as const;

export function hasOptOutInstruction(body: string): boolean {
  const text = body.normalize('NFKC').toUpperCase();
  return OPT_OUT_WORDS.some((w) => text.includes(w));
}

/** The warning a marketing body without an opt-out instruction gets (before sending, and in the send answer). */
export const SMS_NO_OPT_OUT_TEXT = 'SMS_NO_OPT_OUT_TEXT';

export function smsWarnings(purpose: string | undefined, body: string): string[] {
  return purpose === 'marketing' && !hasOptOutInstruction(body) ? [SMS_NO_OPT_OUT_TEXT] : [];
}
