import { isEmail } from 'class-validator';
import { CHECKBOX_JOINER, FORM_CHOICE_TYPES, FormField, FormFieldType, maxLengthOf } from '../definition/form-definition';

/**
 * Checks one submission of a public form against the form's fields, as a pure function. The
 * messages are Japanese: the public page shows them next to the fields, to the customer.
 */
export interface SubmittedField {
  key: string;
  label: string;
  type: FormFieldType;
  /** What the customer entered, normalised; checkbox choices joined with 、, dates as YYYY/MM/DD. */
  value: string;
}

export type SubmissionCheck = { ok: true; fields: SubmittedField[] } | { ok: false; errors: Record<string, string[]> };


// C0 controls except tab and newline, DEL, and the C1 controls: never part of what a person typed.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/g;

const length = (s: string) => Array.from(s).length;

/** Full-width digits and the dashes an IME types, as ASCII; then only digits and + - ( ) spaces are allowed. */
function normaliseTel(v: string): string {
  return v.normalize('NFKC').replace(/[ー−‐‑–—―]/g, '-').replace(/\s+/g, ' ').trim();
}

function validTel(v: string): boolean {
  if (!/^\+?[0-9][0-9 ()-]*$/.test(v)) return false;
  const digits = v.replace(/\D/g, '').length;
  return digits >= 10 && digits <= 15;
}

/** YYYY-MM-DD (what a date input sends) or YYYY/MM/DD; null when it is not a day of the calendar. */
function parseDate(v: string): string | null {
  const m = /^(\d{4})[-/](\d{1,2})[-/](\d{1,2})$/.exec(v.normalize('NFKC').trim());
  if (!m) return null;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(y, mo - 1, d));
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== mo - 1 || date.getUTCDate() !== d) return null;
  return `${m[1]}/${String(mo).padStart(2, '0')}/${String(d).padStart(2, '0')}`;
}

function asText(raw: unknown): string | undefined {
  if (raw === undefined || raw === null) return '';
  if (typeof raw === 'string') return raw;
  if (typeof raw === 'number' || typeof raw === 'boolean') return String(raw);
  return undefined;
}

/**
 * The submission's values in form order, or a message list per field key. Keys the form does
 * not have are ignored.
 */
export function checkSubmission(fields: readonly FormField[], raw: Record<string, unknown>): SubmissionCheck {
  const errors: Record<string, string[]> = {};
  const out: SubmittedField[] = [];
  const fail = (key: string, message: string) => (errors[key] ??= []).push(message);

  for (const field of fields) {
    const given = Object.prototype.hasOwnProperty.call(raw, field.key) ? raw[field.key] : undefined;
    const base = { key: field.key, label: field.label, type: field.type };

    if (field.type === 'checkbox') {
      const list = Array.isArray(given) ? given : given === undefined || given === null || given === '' ? [] : [given];
      if (list.some((v) => typeof v !== 'string')) {
        fail(field.key, '選択肢から選んでください');
        continue;
      }
      const chosen = new Set((list as string[]).map((v) => v.trim()));
      const options = field.options ?? [];
      if ([...chosen].some((v) => !options.includes(v))) fail(field.key, '選択肢から選んでください');
      else if (field.required && !chosen.size) fail(field.key, '1つ以上選んでください');
      out.push({ ...base, value: options.filter((o) => chosen.has(o)).join(CHECKBOX_JOINER) });
      continue;
    }

    const text = asText(given);
    if (text === undefined) {
      fail(field.key, '入力内容が正しくありません');
      continue;
    }
    let value = text.replace(CONTROL, '');
    value = field.type === 'textarea' ? value.replace(/\r\n?/g, '\n').trim() : value.replace(/[\r\n\t]+/g, ' ').trim();
    if (!value) {
      if (field.required) fail(field.key, FORM_CHOICE_TYPES.includes(field.type) ? '選択してください' : '必須項目です');
      out.push({ ...base, value: '' });
      continue;
    }
    switch (field.type) {
      case 'email':
        value = value.normalize('NFKC').replace(/\s+/g, '');
        if (!isEmail(value)) fail(field.key, 'メールアドレスの形式が正しくありません');
        break;
      case 'tel':
        value = normaliseTel(value);
        if (!validTel(value)) fail(field.key, '電話番号は数字とハイフンで入力してください（例: 03-1234-5678）');
        break;
      case 'date': {
        const date = parseDate(value);
        if (!date) fail(field.key, '日付を正しく入力してください（例: 2025-04-01）');
        else value = date;
        break;
      }
      case 'select':
      case 'radio':
        if (!(field.options ?? []).includes(value)) fail(field.key, '選択肢から選んでください');
        break;
    }
    if (!FORM_CHOICE_TYPES.includes(field.type) && field.type !== 'date') {
      const max = maxLengthOf(field);
      if (length(value) > max) fail(field.key, `${max}文字以内で入力してください（現在${length(value)}文字）`);
    }
    out.push({ ...base, value });
  }
  return Object.keys(errors).length ? { ok: false, errors } : { ok: true, fields: out };
}
