/** The placeholders an SMS template may use, written `[[%氏名%]]` (the @dream convention). */
export const SMS_PLACEHOLDERS = ['氏名', '担当者', '会社名', 'オンライン接客URL', 'ミーティングID', 'ミーティングパスワード'] as const;
export type SmsPlaceholder = (typeof SMS_PLACEHOLDERS)[number];

/** The ones filled from the send dialog's online-meeting fields. */
export const MEETING_PLACEHOLDERS: readonly SmsPlaceholder[] = ['オンライン接客URL', 'ミーティングID', 'ミーティングパスワード'];

const TOKEN = /\[\[%([^\]%\r\n]{0,40})%\]\]/g;

export interface PlaceholderCheck {
  /** Known placeholders used, each once, in order of first use. */
  used: SmsPlaceholder[];
  /** Unknown names, as written. */
  unknown: string[];
  /** A `[[%` with no `%]]` after it (a typo that would be sent as it stands). */
  unclosed: boolean;
}

export function checkPlaceholders(text: string): PlaceholderCheck {
  const used: SmsPlaceholder[] = [];
  const unknown: string[] = [];
  for (const m of text.matchAll(TOKEN)) {
    const name = m[1];
    if ((SMS_PLACEHOLDERS as readonly string[]).includes(name)) {
      if (!used.includes(name as SmsPlaceholder)) used.push(name as SmsPlaceholder);
    } else if (!unknown.includes(name)) unknown.push(name);
  }
  const rest = text.replace(TOKEN, '');
  return { used, unknown, unclosed: rest.includes('[[%') };
}

/** The English sentence naming what is wrong, or null when every placeholder is known. */
export function placeholderProblem(text: string): string | null {
  const c = checkPlaceholders(text);
  if (c.unknown.length) return `unknown placeholder${c.unknown.length > 1 ? 's' : ''} ${c.unknown.map((n) => `[[%${n}%]]`).join(', ')} — known: ${SMS_PLACEHOLDERS.map((n) => `[[%${n}%]]`).join(', ')}`;
  if (c.unclosed) return 'a placeholder opened with [[% is not closed with %]]';
  return null;
}

/** Fills the known placeholders; a value not given is left empty. Unknown ones are refused before this. */
export function renderPlaceholders(text: string, values: Partial<Record<SmsPlaceholder, string>>): string {
  return text.replace(TOKEN, (all, name: string) => ((SMS_PLACEHOLDERS as readonly string[]).includes(name) ? (values[name as SmsPlaceholder] ?? '') : all));
}
