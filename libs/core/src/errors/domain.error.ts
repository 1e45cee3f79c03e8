/**
 * Domain code throws these; DomainExceptionFilter maps them to HTTP with a readable message.
 * `code` is stable for clients and tests ("CUSTOMER_NOT_FOUND").
 */
export class DomainError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status: number,
    readonly fields?: Record<string, string[]>,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class NotFound extends DomainError {
  constructor(entity: string, id: string | number) {
    super(`${entity.toUpperCase()}_NOT_FOUND`, `${entity} ${id} does not exist`, 404);
  }
}

export class ValidationFailed extends DomainError {
  constructor(fields: Record<string, string[]>) {
    const summary = Object.entries(fields)
      .map(([f, m]) => `${f}: ${m.join(', ')}`)
      .join('; ');
    super('VALIDATION_FAILED', `Validation failed: ${summary}`, 400, fields);
  }
}

export class Conflict extends DomainError {
  constructor(code: string, message: string) {
    super(code, message, 409);
  }
}

export class Unauthenticated extends DomainError {
  constructor(message = 'Sign in first') {
    super('UNAUTHENTICATED', message, 401);
  }
}

export class Forbidden extends DomainError {
  constructor(message = 'You do not have the right to do this') {
    super('FORBIDDEN', message, 403);
  }
}

export class TooManyAttempts extends DomainError {
  constructor(readonly retryAfterSeconds: number) {
    const minutes = Math.max(1, Math.ceil(retryAfterSeconds / 60));
    super('TOO_MANY_ATTEMPTS', `Too many failed sign-in attempts. Try again in ${minutes} minute(s).`, 429);
  }
}
