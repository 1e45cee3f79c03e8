/**
 * Domain code throws these; DomainExceptionFilter maps them to HTTP with a readable message.
 * `code` is stable for clients and tests ("CUSTOMER_NOT_FOUND"); `params` carries the values a
 * client needs to word the error itself (the console picks its Japanese or English text by code
 * and never shows `message`, which stays for scripts and the API docs). docs/errors.md lists them.
 */
export type ErrorParams = Readonly<Record<string, string | number>>;

/** One problem with one field: a stable code ("MAX_LENGTH"), its params ({max: 100}) and the English sentence. */
export interface FieldProblem {
  readonly code: string;
  readonly message: string;
  readonly params?: ErrorParams;
}

/** A field problem for ValidationFailed: `fieldError('TAKEN', 'slug "x" is already used')`. */
export function fieldError(code: string, message: string, params?: ErrorParams): FieldProblem {
  return params ? { code, message, params } : { code, message };
}

/** Code of a field message given as a bare English sentence, before it had a code of its own. */
export const FIELD_INVALID = 'INVALID';

export class DomainError extends Error {
  /** English messages per field, as before (`{name: ['name must be ...']}`). */
  readonly fields?: Record<string, string[]>;
  /** The same problems as codes with params (`{name: [{code: 'MAX_LENGTH', params: {max: 100}}]}`). */
  readonly fieldCodes?: Record<string, { code: string; params?: ErrorParams }[]>;

  constructor(
    readonly code: string,
    message: string,
    readonly status: number,
    fields?: Record<string, readonly (string | FieldProblem)[]>,
    readonly params?: ErrorParams,
  ) {
    super(message);
    this.name = new.target.name;
    if (fields) {
      this.fields = {};
      this.fieldCodes = {};
      for (const [field, problems] of Object.entries(fields)) {
        this.fields[field] = problems.map((p) => (typeof p === 'string' ? p : p.message));
        this.fieldCodes[field] = problems.map((p) =>
          typeof p === 'string'
            ? { code: FIELD_INVALID }
            : p.params
              ? { code: p.code, params: p.params }
              : { code: p.code },
        );
      }
    }
  }
}

/** `new NotFound('routing rule', 4)` is ROUTING_RULE_NOT_FOUND, "routing rule 4 does not exist". */
export class NotFound extends DomainError {
  constructor(entity: string, id: string | number) {
    super(
      `${entity.toUpperCase().replace(/[^A-Z0-9]+/g, '_')}_NOT_FOUND`,
      `${entity} ${id} does not exist`,
      404,
    );
  }
}

export class ValidationFailed extends DomainError {
  constructor(fields: Record<string, readonly (string | FieldProblem)[]>) {
    const summary = Object.entries(fields)
      .map(([f, m]) => `${f}: ${m.map((p) => (typeof p === 'string' ? p : p.message)).join(', ')}`)
      .join('; ');
    super('VALIDATION_FAILED', `Validation failed: ${summary}`, 400, fields);
  }
}

export class Conflict extends DomainError {
  constructor(code: string, message: string, params?: ErrorParams) {
    super(code, message, 409, undefined, params);
  }
}

export class Unauthenticated extends DomainError {
  constructor(message = 'Sign in first') {
    super('UNAUTHENTICATED', message, 401);
  }
}

/** A 403 with its own code (`SHARED_TEMPLATE_ADMIN_ONLY`, `XSRF_TOKEN_INVALID`); a missing right is MissingRight. */
export class Forbidden extends DomainError {
  constructor(message = 'You do not have the right to do this', code = 'FORBIDDEN', params?: ErrorParams) {
    super(code, message, 403, undefined, params);
  }
}

/** Where a right is missing: on one mailbox, on any mailbox, or as a global right (admin, users, …). */
export type RightScope = 'mailbox' | 'anyMailbox' | 'global';

/**
 * The one place that words "You need the … right": 403 RIGHT_REQUIRED with `{right, scope}` in
 * params (`right` may list several, comma-separated), and an optional `purpose` ("to upload
 * attachments") for the English message only. `code` is for the few that keep their own code
 * (REPLY_NOT_APPROVER).
 */
export class MissingRight extends Forbidden {
  constructor(
    right: string | readonly string[],
    scope: RightScope = 'mailbox',
    purpose?: string,
    code = 'RIGHT_REQUIRED',
  ) {
    const rights = typeof right === 'string' ? [right] : [...right];
    super(missingRightMessage(rights, scope, purpose), code, { right: rights.join(', '), scope });
  }
}

/** The English sentence of MissingRight, also used where a refusal is only text (a state machine's reason). */
export function missingRightMessage(
  rights: readonly string[],
  scope: RightScope = 'mailbox',
  purpose?: string,
): string {
  const where = scope === 'mailbox' ? ' on this mailbox' : scope === 'anyMailbox' ? ' on a mailbox' : '';
  const what = rights.length === 1 ? `the ${rights[0]} right` : `the rights ${rights.join(', ')}`;
  return `You need ${what}${where}${purpose ? ` ${purpose}` : ''}`;
}

/** 429 with Retry-After; subclasses name their own limit (CONNECTION_TEST_LIMIT). `minutes` is always in params. */
export class TooManyAttempts extends DomainError {
  constructor(
    readonly retryAfterSeconds: number,
    code = 'TOO_MANY_ATTEMPTS',
    message?: string,
    params: ErrorParams = {},
  ) {
    const minutes = Math.max(1, Math.ceil(retryAfterSeconds / 60));
    super(
      code,
      message ?? `Too many failed sign-in attempts. Try again in ${minutes} minute(s).`,
      429,
      undefined,
      { ...params, minutes },
    );
  }
}
