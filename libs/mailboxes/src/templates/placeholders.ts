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

/** Literal text, a known placeholder (its name, without braces), or a problem. */
export type PlaceholderPiece = { text: string } | { name: string } | { problem: PlaceholderProblem };

const KNOWN = new Set<string>(PLACEHOLDERS);
/** How much of the text after an unclosed `{{` a message quotes. */
const EXCERPT = 30;

/**
 * One pass over the text: literal text, known placeholders, and problems. A `{{` closes at the
 * next `}}`; another `{{` before it, or none at all, leaves it unclosed. Values are never
 * scanned again, so a customer named "{{x}}" is printed as such. Reply templates know
 * PLACEHOLDERS; a form's thank-you mail knows names that depend on the form.
 */
export function scanPlaceholders(text: string, known: ReadonlySet<string> = KNOWN): PlaceholderPiece[] {
  const pieces: PlaceholderPiece[] = [];
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
      pieces.push({ problem: { kind: 'malformed', token, index: open } }, { text: token });
      at = open + token.length;
      continue;
    }
    const token = text.slice(open, close + 2);
    const name = text.slice(open + 2, close).trim();
    if (known.has(name)) pieces.push({ name });
    else pieces.push({ problem: { kind: 'unknown', token, index: open } }, { text: token });
    at = close + 2;
  }
  if (at < text.length) pieces.push({ text: text.slice(at) });
  return pieces;
}

/** Unknown placeholders and unclosed `{{`, in the order they appear. */
export function findUnknownPlaceholders(text: string, known?: ReadonlySet<string>): PlaceholderProblem[] {
  return scanPlaceholders(text, known).flatMap((p) => ('problem' in p ? [p.problem] : []));
}

/** A sentence naming the problem, for the per-field messages of a 400; `names` are the known placeholders. */
export function describePlaceholderProblem(problem: PlaceholderProblem, names: readonly string[] = PLACEHOLDERS): string {
  const known = names.map((p) => `{{${p}}}`).join(', ');
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
  return scanPlaceholders(text)
    .map((p) => ('name' in p ? valueOf(vars, p.name as Placeholder) : 'text' in p ? p.text : ''))
    .join('');
}
