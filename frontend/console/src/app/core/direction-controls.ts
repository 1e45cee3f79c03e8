/** Characters that change the direction or order text is shown in, and so can disguise it. */
const DIRECTION_CONTROLS = /[\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/g;

/**
 * Shows each text-direction control as a visible marker, so `invoice‮txt.exe` in a subject or a
 * sender's name reads as `invoice⟦U+202E⟧txt.exe` instead of `invoiceexe.txt`. Stored mail keeps
 * its bytes; only the console's rendering changes.
 */
export function showDirectionControls(text: string | null | undefined): string {
  if (!text) return text ?? '';
  return text.replace(DIRECTION_CONTROLS, (c) => `⟦U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}⟧`);
}
