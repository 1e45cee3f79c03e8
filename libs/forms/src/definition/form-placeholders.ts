import { describePlaceholderProblem, findUnknownPlaceholders, PlaceholderProblem, scanPlaceholders } from '@madoguchi/mailboxes';

/**
 * Placeholders of a form's thank-you mail: `{{form.name}}` and `{{field.<key>}}` for each field
 * of the form, whitespace inside the braces allowed (`{{ field.name }}`), scanned as in reply
 * templates (mailboxes' templates/placeholders.ts). Which names are known depends on the form.
 */
export type FormPlaceholderProblem = PlaceholderProblem;

/** What the thank-you mail is rendered with: the form's name and each field's display value. */
export interface FormMailVars {
  formName: string;
  fields: Record<string, string>;
}

/** The placeholder names a form with these field keys knows, without braces. */
export function formPlaceholderNames(keys: readonly string[]): string[] {
  return ['form.name', ...keys.map((k) => `field.${k}`)];
}

/** Unknown placeholders and unclosed `{{`, in the order they appear. */
export function findUnknownFormPlaceholders(text: string, keys: readonly string[]): FormPlaceholderProblem[] {
  return findUnknownPlaceholders(text, new Set(formPlaceholderNames(keys)));
}

export function describeFormPlaceholderProblem(problem: FormPlaceholderProblem, keys: readonly string[]): string {
  return describePlaceholderProblem(problem, formPlaceholderNames(keys));
}

/** The text with every known placeholder filled in; a field left empty renders as ''. Values are never scanned again. */
export function renderFormMail(text: string, vars: FormMailVars): string {
  const known = new Set(formPlaceholderNames(Object.keys(vars.fields)));
  return scanPlaceholders(text, known)
    .map((p) => {
      if ('text' in p) return p.text;
      if ('name' in p) return p.name === 'form.name' ? vars.formName : (vars.fields[p.name.slice('field.'.length)] ?? '');
      return '';
    })
    .join('');
}
