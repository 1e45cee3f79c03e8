import { HttpErrorResponse } from '@angular/common/http';

/**
 * The server's error body is `{statusCode, error, message, fields?}`; `message` may also be a list
 * (Nest validation) and `fields` maps a field name to its messages.
 */
export interface ApiError {
  readonly status: number;
  readonly message: string | null;
  readonly fields: Readonly<Record<string, readonly string[]>>;
}

export function readApiError(error: unknown): ApiError {
  // Resources may hand the HTTP error over wrapped in an Error's `cause`.
  if (error instanceof Error && error.cause instanceof HttpErrorResponse) {
    error = error.cause;
  }
  if (!(error instanceof HttpErrorResponse)) {
    return { status: 0, message: null, fields: {} };
  }
  const body: unknown = error.error;
  if (typeof body !== 'object' || body === null) {
    return { status: error.status, message: null, fields: {} };
  }
  const { message, fields } = body as { message?: unknown; fields?: unknown };
  return { status: error.status, message: toText(message), fields: toFields(fields) };
}

function toText(value: unknown): string | null {
  if (typeof value === 'string' && value.trim() !== '') {
    return value;
  }
  if (Array.isArray(value)) {
    const lines = value.filter((line): line is string => typeof line === 'string');
    return lines.length > 0 ? lines.join('\n') : null;
  }
  return null;
}

function toFields(value: unknown): Record<string, string[]> {
  if (typeof value !== 'object' || value === null) {
    return {};
  }
  const fields: Record<string, string[]> = {};
  for (const [name, messages] of Object.entries(value)) {
    if (typeof messages === 'string') {
      fields[name] = [messages];
    } else if (Array.isArray(messages)) {
      fields[name] = messages.filter((m): m is string => typeof m === 'string');
    }
  }
  return fields;
}
