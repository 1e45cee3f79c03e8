// A copy of the console's api/api-error.ts: the portal shares no code with the staff console.
import { HttpErrorResponse } from '@angular/common/http';

export type ErrorParams = Readonly<Record<string, string | number>>;

/** One problem with one field, as the server codes it: `{code: 'MAX_LENGTH', params: {max: 100}}`. */
export interface FieldCode {
  readonly code: string;
  readonly params?: ErrorParams;
}

/**
 * What the portal knows of a failed call: the HTTP status, the server's stable `code` (`error`
 * in the body: GROUP_EXISTS, RIGHT_REQUIRED, …) with its `params`, and the field problems as
 * codes. The server's English `message` is left out on purpose: the portal words every error
 * itself, by code and field (i18n/error-text.ts), never with the server's sentence.
 */
export interface ApiError {
  readonly status: number;
  readonly code: string | null;
  readonly params: ErrorParams;
  readonly fields: Readonly<Record<string, readonly FieldCode[]>>;
}

export function readApiError(error: unknown): ApiError {
  // Resources may hand the HTTP error over wrapped in an Error's `cause`.
  if (error instanceof Error && error.cause instanceof HttpErrorResponse) {
    error = error.cause;
  }
  if (!(error instanceof HttpErrorResponse)) {
    return { status: 0, code: null, params: {}, fields: {} };
  }
  const body: unknown = error.error;
  if (typeof body !== 'object' || body === null) {
    return { status: error.status, code: null, params: {}, fields: {} };
  }
  const { error: code, params, fields, fieldCodes } = body as Record<string, unknown>;
  return {
    status: error.status,
    code: typeof code === 'string' && /^[A-Z][A-Z0-9_]*$/.test(code) ? code : null,
    params: toParams(params),
    fields: toFields(fieldCodes, fields),
  };
}

function toParams(value: unknown): ErrorParams {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return {};
  }
  const params: Record<string, string | number> = {};
  for (const [name, v] of Object.entries(value)) {
    if (typeof v === 'string' || typeof v === 'number') {
      params[name] = v;
    }
  }
  return params;
}

/** Field codes from `fieldCodes`; a field only in `fields` (English sentences) counts as INVALID. */
function toFields(codes: unknown, messages: unknown): Record<string, FieldCode[]> {
  const fields: Record<string, FieldCode[]> = {};
  if (typeof messages === 'object' && messages !== null) {
    for (const name of Object.keys(messages)) {
      fields[name] = [{ code: 'INVALID' }];
    }
  }
  if (typeof codes === 'object' && codes !== null) {
    for (const [name, list] of Object.entries(codes)) {
      if (!Array.isArray(list)) {
        continue;
      }
      const coded = list
        .filter(
          (c): c is { code: string; params?: unknown } =>
            typeof c === 'object' && c !== null && typeof c.code === 'string',
        )
        .map((c) => (c.params ? { code: c.code, params: toParams(c.params) } : { code: c.code }));
      if (coded.length > 0) {
        fields[name] = coded;
      }
    }
  }
  return fields;
}
