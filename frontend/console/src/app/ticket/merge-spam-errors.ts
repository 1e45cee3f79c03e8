import { readApiError } from '../api/api-error';
import { errorMessage, fieldErrorMessage } from '../i18n/error-text';
import type { I18n, Message } from '../i18n/i18n';

/** A merge, split or spam refusal in words: the first field's code (MERGE_OTHER_MAILBOX…) when there is one, else the error's code. */
export function mergeSpamError(i18n: I18n, error: unknown): Message {
  const apiError = readApiError(error);
  const [field, problems] = Object.entries(apiError.fields)[0] ?? [];
  return field && problems?.length ? fieldErrorMessage(i18n, field, problems[0]) : errorMessage(i18n, apiError);
}
