import type { ApiError, FieldCode } from '../api/api-error';
import { hasKey, type Message, type MessageKey } from './ja';

/**
 * Words for a server error, chosen by its stable code (`error.<CODE>`) — never the server's
 * English sentence. A code without a text here falls back to a text by HTTP status.
 */
export function errorMessage(error: ApiError): Message {
  if (error.status === 0) return { key: 'errors.network' };
  if (error.code) {
    const key = `error.${error.code}`;
    if (hasKey(key)) return { key, params: error.params };
    if (error.code.endsWith('_NOT_FOUND')) return { key: 'errors.notFound' };
  }
  return { key: statusKey(error.status) };
}

/** The text for one field's problem (`fieldError.<CODE>`), or a general one. */
export function fieldErrorMessage(problem: FieldCode): Message {
  const key = `fieldError.${problem.code}`;
  return hasKey(key) ? { key, params: problem.params } : { key: 'fieldError.INVALID' };
}

/**
 * The error of a failed call as texts for a form: the error itself when we word its code, else
 * the problems of the form's fields (a password that breaks the rule), else a text by status.
 */
export function formErrorMessages(error: ApiError, fields: readonly string[]): Message[] {
  // A domain error we word as a whole (PORTAL_TOKEN_INVALID, MYPAGE_FILE_TOO_LARGE, …) says more than its field code.
  if (error.code && error.code !== 'VALIDATION_FAILED' && hasKey(`error.${error.code}`))
    return [errorMessage(error)];
  const named = fields.flatMap((f) => (error.fields[f] ?? []).map(fieldErrorMessage));
  return named.length ? named : [errorMessage(error)];
}

function statusKey(status: number): MessageKey {
  switch (true) {
    case status === 401:
      return 'error.SESSION_ENDED';
    case status === 403:
      return 'errors.forbidden';
    case status === 404:
      return 'errors.notFound';
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
