import type { ApiError, ErrorParams, FieldCode } from '../api/api-error';
import type { I18n, Message } from './i18n';

/** What these functions need of I18n (so a plain object can stand in for it in a unit test). */
export type Translator = Pick<I18n, 'has' | 't' | 'render' | 'lang'>;
import type { MessageKey } from './ja';

/**
 * Words for server errors, chosen by their stable code — never the server's English sentence.
 * `error.<CODE>` keys (ja.ts / en.ts) word a whole error with its params; `fieldError.<CODE>`
 * word one field's problem, and `fieldError.<field>.<CODE>` a problem worded for one field
 * only (`fieldError.slug.TAKEN`). A code without a text falls back to a generic text by status.
 * docs/errors.md lists the codes.
 */
export function errorMessage(i18n: Translator, error: ApiError): Message {
  if (error.status === 0) {
    return { key: 'errors.network' };
  }
  const params = errorParams(i18n, error);
  if (error.code) {
    const scoped = `error.${error.code}.${error.params['scope'] ?? ''}`;
    if (i18n.has(scoped)) {
      return { key: scoped, params };
    }
    const key = `error.${error.code}`;
    if (i18n.has(key)) {
      return { key, params };
    }
    if (error.code.endsWith('_NOT_FOUND')) {
      return { key: 'errors.notFound' };
    }
  }
  return { key: statusKey(error.status) };
}

/** The message for one field problem: worded for that field if we have it, else by code alone. */
export function fieldErrorMessage(i18n: Translator, field: string, problem: FieldCode): Message {
  const name =
    field
      .split('.')
      .filter((part) => !/^\d+$/.test(part))
      .pop() ?? field;
  const params = problem.params ?? {};
  for (const key of [`fieldError.${name}.${problem.code}`, `fieldError.${problem.code}`]) {
    if (i18n.has(key)) {
      return { key, params };
    }
  }
  return { key: 'fieldError.INVALID' };
}

/** A field problem that no form field shows, named by its field: "name: 100文字以内…". */
export function namedFieldErrorMessage(i18n: Translator, field: string, problem: FieldCode): Message {
  const label = `fieldName.${field
    .split('.')
    .filter((part) => !/^\d+$/.test(part))
    .pop()}`;
  return {
    key: 'fieldError.named',
    params: {
      field: i18n.has(label) ? i18n.t(label) : field,
      message: i18n.render(fieldErrorMessage(i18n, field, problem)),
    },
  };
}

function statusKey(status: number): MessageKey {
  switch (true) {
    case status === 401:
      return 'error.UNAUTHENTICATED';
    case status === 403:
      return 'errors.forbidden';
    case status === 404:
      return 'errors.notFound';
    case status === 409:
      return 'errors.conflict';
    case status === 413:
      return 'error.PAYLOAD_TOO_LARGE';
    case status === 429:
      return 'errors.tooMany';
    case status >= 500:
      return 'errors.server';
    default:
      return 'errors.unexpected';
  }
}

/** The server's params, with a right's name put in words (`manage` → 設定). */
function errorParams(i18n: Translator, error: ApiError): ErrorParams {
  const right = error.params['right'];
  if (typeof right !== 'string') {
    return error.params;
  }
  const prefix = error.params['scope'] === 'global' ? 'rights.' : 'rights.mailbox.';
  const words = right
    .split(/,\s*/)
    .map((r) => {
      const key = `${prefix}${r}`;
      return i18n.has(key) ? i18n.t(key) : r;
    })
    .join(i18n.lang() === 'ja' ? '・' : ', ');
  return { ...error.params, right: words };
}
