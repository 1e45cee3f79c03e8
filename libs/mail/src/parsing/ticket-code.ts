/**
 * Our marker is exactly `[#IQ000123]`, in ASCII or in the full-width form Japanese input methods
 * produce (［＃ＩＱ０００１２３］, the same after NFKC). A bare `#IQ000123` or `IQ000123` is not
 * ours: customers quote order and invoice numbers that look alike.
 */
const TICKET_MARKER = /[[［][#＃]([IＩ][QＱ][0-9０-９]{6})[\]］]/g;

// Reply prefixes of mail clients in the languages our customers write in: Re, RE, Re[2], Re(3),
// Re^2, the full-width ＲＥ：, German AW, Nordic SV, Dutch Antw, and Japanese 返信.
const REPLY_PREFIX =
  /^\s*(?:(?:[RrＲｒ][EeＥｅ]|AW|Aw|SV|Sv|Antw|ANTW|返信)\s*(?:[[［(（]\s*[0-9０-９]+\s*[\]］)）]|\^[0-9]+)?\s*[:：]\s*)+/;

/** The ticket codes (`IQ000123`) marked in a subject, each once, in order. */
export function findTicketCodes(subject: string): string[] {
  const codes = [...subject.matchAll(TICKET_MARKER)].map((m) => m[1].normalize('NFKC'));
  return [...new Set(codes)];
}

/**
 * The subject of our reply: one "Re: " in front (a run of Re:/RE:/返信:/Re[2]: collapsed, Fwd:
 * kept), and the ticket's marker exactly once, in ASCII; added at the end when missing.
 */
export function subjectWithCode(subject: string, code: string): string {
  const marker = `[#${code}]`;
  let seen = false;
  const withOneMarker = subject.replace(TICKET_MARKER, (whole: string, found: string) => {
    if (found.normalize('NFKC') !== code) return whole;
    if (seen) return '';
    seen = true;
    return marker;
  });
  const rest = withoutReplyPrefixes(withOneMarker).replace(/\s+/g, ' ').trim();
  const body = seen ? rest : `${rest} ${marker}`.trim();
  return `Re: ${body}`;
}

/** Strips the leading run of reply prefixes, also behind a marker in front ("[#IQ000123] RE: …"). */
function withoutReplyPrefixes(subject: string): string {
  const stripped = subject.replace(REPLY_PREFIX, '');
  const leadingMarker = /^\s*\[#IQ[0-9]{6}\]\s*/.exec(stripped)?.[0];
  if (!leadingMarker) return stripped;
  return `${leadingMarker.trim()} ${stripped.slice(leadingMarker.length).replace(REPLY_PREFIX, '')}`;
}
