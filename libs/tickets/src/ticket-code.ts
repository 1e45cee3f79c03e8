/** `[#IQ000123]` in a subject, also written full-width (［＃ＩＱ０００１２３］). */
const CODE = /\[#(IQ\d{6})\]/g;

export function ticketCodesIn(subject: string): string[] {
  return [...subject.normalize('NFKC').toUpperCase().matchAll(CODE)].map((m) => m[1]);
}

export function formatTicketCode(n: number): string {
  return `IQ${String(n).padStart(6, '0')}`;
}

/** `Re: ` once, whatever the replies so far wrote (RE:, Re[2]:, 返信:, ＲＥ：), and the code once. */
export function replySubject(subject: string, code: string): string {
  let s = subject.trim();
  // Only the prefixes are compared folded; the subject itself keeps its characters (①, ㈱).
  const prefix = /^\s*([RrＲｒ][EeＥｅ]|[AaＡａ][WwＷｗ]|[SsＳｓ][VvＶｖ]|返信)\s*(\[\d+\]|\(\d+\)|［\d+］)?\s*[:：]\s*/;
  for (let m = prefix.exec(s); m; m = prefix.exec(s)) s = s.slice(m[0].length);
  const codeRe = new RegExp(`\\s*[\\[［][#＃]${code}[\\]］]\\s*`, 'gi');
  s = s.replace(codeRe, ' ').trim();
  return `Re: [#${code}] ${s}`.trim();
}

/** A new mail's subject (新規メール作成): the code first, no `Re:`; an answer that loses its headers still finds the ticket. */
export function newMailSubject(subject: string, code: string): string {
  return `[#${code}] ${subject.trim()}`.trim();
}

/** Whether a subject is in the new-mail form of `newMailSubject` (a reply's always starts with `Re: `). */
export function isNewMailSubject(subject: string, code: string): boolean {
  return subject.startsWith(`[#${code}] `);
}
