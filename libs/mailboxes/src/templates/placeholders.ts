/**
 * Placeholders in reply templates: `{{customer.name}}`, whitespace inside the braces allowed
 * (`{{ ticket.code }}`). Pure functions, shared by saving (which refuses what it does not know)
 * and rendering.
 */
export const PLACEHOLDERS = [
  'customer.name',
  'customer.code',
  'ticket.code',
  'ticket.subject',
  'agent.name',
  'mailbox.name',
  'company.name',
] as const;

export type Placeholder = (typeof PLACEHOLDERS)[number];

type Value = string | null | undefined;

/** What a template is rendered with; a missing value renders as the empty string. */
export interface TemplateVars {
  customer: { name: Value; code: Value };
  ticket: { code: Value; subject: Value };
  agent: { name: Value };
  mailbox: { name: Value };
  company: { name: Value };
}

export interface PlaceholderProblem {
  /** unknown: `{{…}}` naming no placeholder; malformed: a `{{` that is never closed. */
  kind: 'unknown' | 'malformed';
  /** The text as written, e.g. `{{customer.nmae}}`, or for malformed the `{{` and what follows it. */
  token: string;
  /** Where it starts in the text. */
  index: number;
}

type Piece = { text: string } | { placeholder: Placeholder } | { problem: PlaceholderProblem };

const KNOWN = new Set<string>(PLACEHOLDERS);
/** How much of the text after an unclosed `{{` a message quotes. */
const EXCERPT = 30;

/**
 * One pass over the text: literal text, known placeholders, and problems. A `{{` closes at the
 * next `}}`; another `{{` before it, or none at all, leaves it unclosed. Values are never
 * scanned again, so a customer named "{{x}}" is printed as such.
 */
function scan(text: string): Piece[] {
  const pieces: Piece[] = [];
  let at = 0;
  while (at < text.length) {
    const open = text.indexOf('{{', at);
    if (open < 0) break;
    if (open > at) pieces.push({ text: text.slice(at, open) });
    const close = text.indexOf('}}', open + 2);
    const nextOpen = text.indexOf('{{', open + 2);
    if (close < 0 || (nextOpen >= 0 && nextOpen < close)) {
      const end = Math.min(nextOpen >= 0 ? nextOpen : text.length, open + 2 + EXCERPT);
      const token = text.slice(open, end).split(/\r?\n/)[0];
      pieces.push({ problem: { kind: 'malformed', token, index: open } });
      pieces.push({ text: token });
      at = open + token.length;
      continue;
    }
    const token = text.slice(open, close + 2);
    const name = text.slice(open + 2, close).trim();
    pieces.push(KNOWN.has(name) ? { placeholder: name as Placeholder } : { problem: { kind: 'unknown', token, index: open } });
    if (!KNOWN.has(name)) pieces.push({ text: token });
    at = close + 2;
  }
  if (at < text.length) pieces.push({ text: text.slice(at) });
  return pieces;
}

/** Unknown placeholders and unclosed `{{`, in the order they appear. */
export function findUnknownPlaceholders(text: string): PlaceholderProblem[] {
  return scan(text).flatMap((p) => ('problem' in p ? [p.problem] : []));
}

/** A sentence naming the problem, for the per-field messages of a 400. */
export function describePlaceholderProblem(problem: PlaceholderProblem): string {
  const known = PLACEHOLDERS.map((p) => `{{${p}}}`).join(', ');
  return problem.kind === 'unknown'
    ? `unknown placeholder ${problem.token} — known: ${known}`
    : `unclosed placeholder "${problem.token}": write it as {{name}} — known: ${known}`;
}

function valueOf(vars: TemplateVars, placeholder: Placeholder): string {
  const [group, key] = placeholder.split('.') as [keyof TemplateVars, string];
  const value = (vars[group] as Record<string, Value> | undefined)?.[key];
  return value ?? '';
}

/**
 * The text with every known placeholder replaced. Saving refuses unknown and unclosed ones, so
 * stored templates have none; in other text they are left as written rather than dropped.
 */
export function renderTemplate(text: string, vars: TemplateVars): string {
  return scan(text)
    .map((p) => ('placeholder' in p ? valueOf(vars, p.placeholder) : 'text' in p ? p.text : ''))
    .join('');
}
