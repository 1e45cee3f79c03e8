import { ErrorParams, fieldError, FieldProblem } from '@madoguchi/core';
import { describeFormPlaceholderProblem, findUnknownFormPlaceholders } from './form-placeholders';

/**
 * An inquiry form's definition (問い合わせフォーム, §2) and the checks it must pass before it is
 * saved, as pure functions: the service merges an update into the stored form and checks the
 * whole, so a form in the database is always one the public page can show.
 */
export const FORM_FIELD_TYPES = ['text', 'textarea', 'email', 'tel', 'select', 'radio', 'checkbox', 'date'] as const;
export type FormFieldType = (typeof FORM_FIELD_TYPES)[number];

/** The types that offer a fixed list of choices. */
export const FORM_CHOICE_TYPES: readonly FormFieldType[] = ['select', 'radio', 'checkbox'];

export interface FormField {
  /** Stable name used in submissions, placeholders (`{{field.<key>}}`) and routing rules (`form.<key>`). */
  key: string;
  label: string;
  type: FormFieldType;
  required: boolean;
  /** Characters; for the types typed in (not choices or dates). Absent: the type's default. */
  maxLength?: number;
  /** The choices of select, radio and checkbox fields. */
  options?: string[];
}

export interface ThankYouMail {
  enabled: boolean;
  subject: string;
  body: string;
}

export interface FormDefinition {
  name: string;
  slug: string;
  description: string | null;
  fields: FormField[];
  replyEmailField: string;
  thankYou: ThankYouMail;
  active: boolean;
  /** The ticket's subject, with the thank-you mail's placeholders; null or absent: made as before (subjectOf). */
  subjectTemplate?: string | null;
}

/** How a checkbox field's choices are joined into one value (so no option may contain it). */
export const CHECKBOX_JOINER = '、';

export const FORM_LIMITS = {
  name: 100,
  slug: 60,
  description: 2000,
  fields: 50,
  key: 40,
  label: 100,
  options: 50,
  option: 100,
  subject: 200,
  body: 10_000,
} as const;

/** What a typed-in field accepts when the form sets no maxLength, and the most it may set. */
export const FORM_DEFAULT_MAX_LENGTH: Record<FormFieldType, number> = { text: 200, textarea: 5000, email: 254, tel: 30, select: 0, radio: 0, checkbox: 0, date: 0 };
export const FORM_MAX_MAX_LENGTH: Record<FormFieldType, number> = { text: 1000, textarea: 10_000, email: 254, tel: 30, select: 0, radio: 0, checkbox: 0, date: 0 };

export const FORM_FIELD_KEY = /^[a-z][a-z0-9_]*$/;
export const FORM_SLUG = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

/** The name of the hidden honeypot input of the public page; no field may use it. */
export const HONEYPOT_FIELD = 'website';

/** The most characters a typed-in field takes. */
export function maxLengthOf(field: FormField): number {
  return field.maxLength ?? FORM_DEFAULT_MAX_LENGTH[field.type];
}

export type FormErrors = Record<string, string[]>;

/**
 * Checks a whole definition; returns one message list per field (`name`, `slug`,
 * `fields.2.options`, `replyEmailField`, `thankYou.body`, …), empty when it can be saved.
 */
export function checkFormDefinition(def: FormDefinition): FormErrors {
  return Object.fromEntries(Object.entries(formDefinitionProblems(def)).map(([path, list]) => [path, list.map((p) => p.message)]));
}

/** The same check with a stable code per problem (REQUIRED, MAX_LENGTH {max}, TAKEN, UNKNOWN_PLACEHOLDER {token}, … or INVALID). */
export function formDefinitionProblems(def: FormDefinition): Record<string, FieldProblem[]> {
  const errors: Record<string, FieldProblem[]> = {};
  const fail = (path: string, message: string, code = 'INVALID', params?: ErrorParams) => (errors[path] ??= []).push(fieldError(code, message, params));

  if (!def.name.trim()) fail('name', 'name is required', 'REQUIRED');
  else if (def.name.length > FORM_LIMITS.name) fail('name', `name must be at most ${FORM_LIMITS.name} characters`, 'MAX_LENGTH', { max: FORM_LIMITS.name });
  if (!FORM_SLUG.test(def.slug) || def.slug.length > FORM_LIMITS.slug) {
    fail('slug', `slug may hold only a-z, 0-9 and single hyphens inside (e.g. "contact-us"), at most ${FORM_LIMITS.slug} characters`);
  }
  if ((def.description?.length ?? 0) > FORM_LIMITS.description) fail('description', `description must be at most ${FORM_LIMITS.description} characters`, 'MAX_LENGTH', { max: FORM_LIMITS.description });

  if (!def.fields.length) fail('fields', 'a form needs at least one field', 'REQUIRED');
  if (def.fields.length > FORM_LIMITS.fields) fail('fields', `a form has at most ${FORM_LIMITS.fields} fields`);
  const seen = new Set<string>();
  const emailFields: number[] = [];
  def.fields.forEach((f, i) => {
    const at = `fields.${i}`;
    if (!FORM_FIELD_KEY.test(f.key) || f.key.length > FORM_LIMITS.key) {
      fail(`${at}.key`, `key must start with a-z and hold only a-z, 0-9 and _ (at most ${FORM_LIMITS.key} characters)`);
    } else if (f.key === HONEYPOT_FIELD) {
      fail(`${at}.key`, `"${HONEYPOT_FIELD}" is reserved for the spam trap; choose another key`);
    } else if (seen.has(f.key)) {
      fail(`${at}.key`, `key "${f.key}" is used by another field`, 'TAKEN');
    }
    seen.add(f.key);
    if (!f.label.trim()) fail(`${at}.label`, 'label is required', 'REQUIRED');
    else if (f.label.length > FORM_LIMITS.label) fail(`${at}.label`, `label must be at most ${FORM_LIMITS.label} characters`, 'MAX_LENGTH', { max: FORM_LIMITS.label });
    if (!(FORM_FIELD_TYPES as readonly string[]).includes(f.type)) {
      fail(`${at}.type`, `type must be one of: ${FORM_FIELD_TYPES.join(', ')}`);
      return;
    }
    if (f.type === 'email') emailFields.push(i);
    const choices = FORM_CHOICE_TYPES.includes(f.type);
    if (choices) {
      const options = f.options ?? [];
      if (!options.length) fail(`${at}.options`, `a ${f.type} field needs at least one option`);
      if (options.length > FORM_LIMITS.options) fail(`${at}.options`, `at most ${FORM_LIMITS.options} options`);
      if (options.some((o) => !o.trim())) fail(`${at}.options`, 'options must not be empty');
      if (options.some((o) => o.length > FORM_LIMITS.option)) fail(`${at}.options`, `an option must be at most ${FORM_LIMITS.option} characters`);
      const dup = options.find((o, j) => options.indexOf(o) !== j);
      if (dup !== undefined) fail(`${at}.options`, `option "${dup}" is listed twice`);
      // The checkbox value is shown joined with 、; an option holding it would read as two.
      if (f.type === 'checkbox' && options.some((o) => o.includes(CHECKBOX_JOINER))) fail(`${at}.options`, `checkbox options must not contain ${CHECKBOX_JOINER}`);
    } else if (f.options?.length) {
      fail(`${at}.options`, `options are only for ${FORM_CHOICE_TYPES.join(', ')} fields`);
    }
    if (f.maxLength !== undefined && f.maxLength !== null) {
      const most = FORM_MAX_MAX_LENGTH[f.type];
      if (!most) fail(`${at}.maxLength`, `maxLength is only for text, textarea, email and tel fields`);
      else if (!Number.isInteger(f.maxLength) || f.maxLength < 1 || f.maxLength > most) fail(`${at}.maxLength`, `maxLength of a ${f.type} field must be between 1 and ${most}`);
    }
  });

  // Replies go to one address: the form has exactly one email field, and it is named here.
  emailFields.slice(1).forEach((i) => fail(`fields.${i}.type`, `a form has exactly one email field (the one replies go to); "${def.fields[emailFields[0]].key}" is already one`));
  if (!def.replyEmailField) {
    fail('replyEmailField', emailFields.length ? `replyEmailField is required: name the email field replies go to ("${def.fields[emailFields[0]].key}")` : 'replyEmailField is required: add an email field for replies and name it here');
  } else {
    const target = def.fields.find((f) => f.key === def.replyEmailField);
    if (!target) fail('replyEmailField', `replyEmailField "${def.replyEmailField}" names no field of this form`);
    else if (target.type !== 'email') fail('replyEmailField', `replyEmailField must name an email field; "${target.key}" is a ${target.type} field`);
  }

  const t = def.thankYou;
  if (t.subject.length > FORM_LIMITS.subject) fail('thankYou.subject', `subject must be at most ${FORM_LIMITS.subject} characters`, 'MAX_LENGTH', { max: FORM_LIMITS.subject });
  if (t.body.length > FORM_LIMITS.body) fail('thankYou.body', `body must be at most ${FORM_LIMITS.body} characters`, 'MAX_LENGTH', { max: FORM_LIMITS.body });
  if (t.enabled && !t.subject.trim()) fail('thankYou.subject', 'the thank-you mail needs a subject', 'REQUIRED');
  if (t.enabled && !t.body.trim()) fail('thankYou.body', 'the thank-you mail needs a body', 'REQUIRED');
  const keys = def.fields.map((f) => f.key);
  for (const part of ['subject', 'body'] as const) {
    for (const problem of findUnknownFormPlaceholders(t[part], keys)) fail(`thankYou.${part}`, describeFormPlaceholderProblem(problem, keys), problem.kind === 'unknown' ? 'UNKNOWN_PLACEHOLDER' : 'UNCLOSED_PLACEHOLDER', { token: problem.token });
  }
  const st = def.subjectTemplate ?? '';
  if (st.length > FORM_LIMITS.subject) fail('subjectTemplate', `subjectTemplate must be at most ${FORM_LIMITS.subject} characters`, 'MAX_LENGTH', { max: FORM_LIMITS.subject });
  for (const problem of findUnknownFormPlaceholders(st, keys)) fail('subjectTemplate', describeFormPlaceholderProblem(problem, keys), problem.kind === 'unknown' ? 'UNKNOWN_PLACEHOLDER' : 'UNCLOSED_PLACEHOLDER', { token: problem.token });
  return errors;
}

/** A slug from a name: ASCII letters and digits kept, the rest folded into hyphens; '' when nothing is left (a Japanese name). */
export function slugFrom(name: string): string {
  return name
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40)
    .replace(/-+$/, '');
}
