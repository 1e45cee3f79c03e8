/**
 * Placeholders of a form's thank-you mail: `{{form.name}}` and `{{field.<key>}}` for each field
 * of the form, whitespace inside the braces allowed (`{{ field.name }}`), as in reply templates
 * (templates/placeholders.ts). Which names are known depends on the form, so they are passed in.
 */
export interface FormPlaceholderProblem {
  /** unknown: `{{…}}` naming no placeholder of this form; malformed: a `{{` that is never closed. */
  kind: 'unknown' | 'malformed';
  /** The text as written, e.g. `{{field.nmae}}`. */
  token: string;
  index: number;
}

/** What the thank-you mail is rendered with: the form's name and each field's display value. */
export interface FormMailVars {
  formName: string;
  fields: Record<string, string>;
}

type Piece = { text: string } | { name: string } | { problem: FormPlaceholderProblem };

const EXCERPT = 30;

/** The placeholder names a form with these field keys knows, without braces. */
export function formPlaceholderNames(keys: readonly string[]): string[] {
  return ['form.name', ...keys.map((k) => `field.${k}`)];
}

/** One pass, as in reply templates: values are never scanned again, so `{{x}}` typed into a field is printed as such. */
function scan(text: string, known: ReadonlySet<string>): Piece[] {
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
export function findUnknownFormPlaceholders(text: string, keys: readonly string[]): FormPlaceholderProblem[] {
  return scan(text, new Set(formPlaceholderNames(keys))).flatMap((p) => ('problem' in p ? [p.problem] : []));
}

export function describeFormPlaceholderProblem(problem: FormPlaceholderProblem, keys: readonly string[]): string {
  const known = formPlaceholderNames(keys)
    .map((p) => `{{${p}}}`)
    .join(', ');
  return problem.kind === 'unknown'
    ? `unknown placeholder ${problem.token} — known: ${known}`
    : `unclosed placeholder "${problem.token}": write it as {{name}} — known: ${known}`;
}

/** The text with every known placeholder filled in; a field left empty renders as ''. */
export function renderFormMail(text: string, vars: FormMailVars): string {
  const known = new Set(formPlaceholderNames(Object.keys(vars.fields)));
  return scan(text, known)
    .map((p) => {
      if ('text' in p) return p.text;
      if ('name' in p) return p.name === 'form.name' ? vars.formName : (vars.fields[p.name.slice('field.'.length)] ?? '');
      return '';
    })
    .join('');
}
