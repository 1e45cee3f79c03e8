import { ValidationError, ValidationPipe } from '@nestjs/common';
import { getMetadataStorage } from 'class-validator';
import { ErrorParams, FieldProblem, ValidationFailed } from './domain.error';

/**
 * class-validator's constraint names → our stable field codes, with the params a client needs to
 * word the message itself (`maxLength` → MAX_LENGTH {max}). A constraint not listed is INVALID.
 */
const CONSTRAINT_CODES: Record<string, { code: string; params?: (c: readonly unknown[]) => ErrorParams }> = {
  isDefined: { code: 'REQUIRED' },
  isNotEmpty: { code: 'REQUIRED' },
  whitelistValidation: { code: 'UNKNOWN_FIELD' },
  maxLength: { code: 'MAX_LENGTH', params: (c) => ({ max: Number(c[0]) }) },
  minLength: { code: 'MIN_LENGTH', params: (c) => ({ min: Number(c[0]) }) },
  isLength: {
    code: 'LENGTH',
    params: (c) => ({ min: Number(c[0] ?? 0), ...(c[1] !== undefined ? { max: Number(c[1]) } : {}) }),
  },
  max: { code: 'MAX', params: (c) => ({ max: Number(c[0]) }) },
  min: { code: 'MIN', params: (c) => ({ min: Number(c[0]) }) },
  isPositive: { code: 'MIN', params: () => ({ min: 1 }) },
  arrayMaxSize: { code: 'ARRAY_MAX_SIZE', params: (c) => ({ max: Number(c[0]) }) },
  arrayMinSize: { code: 'ARRAY_MIN_SIZE', params: (c) => ({ min: Number(c[0]) }) },
  isEmail: { code: 'EMAIL' },
  isString: { code: 'STRING' },
  isInt: { code: 'INTEGER' },
  isNumber: { code: 'NUMBER' },
  isBoolean: { code: 'BOOLEAN' },
  isArray: { code: 'ARRAY' },
  isObject: { code: 'OBJECT' },
  nestedValidation: { code: 'OBJECT' },
  isIn: { code: 'ONE_OF', params: (c) => ({ values: Array.isArray(c[0]) ? c[0].join(', ') : '' }) },
  isEnum: { code: 'ONE_OF' },
  matches: { code: 'PATTERN' },
  isUuid: { code: 'UUID' },
  isUUID: { code: 'UUID' },
  isDateString: { code: 'DATE' },
  isISO8601: { code: 'DATE' },
  isUrl: { code: 'URL' },
  isURL: { code: 'URL' },
};

/** The constraint values a decorator was given (`@MaxLength(100)` → [100]), read from class-validator's metadata. */
function constraintsOf(e: ValidationError, name: string): readonly unknown[] {
  const target = e.target?.constructor;
  if (!target) return [];
  const metas = getMetadataStorage().getTargetValidationMetadatas(target, '', true, false);
  const meta = metas.find((m) => m.propertyName === e.property && (m.name === name || m.type === name));
  return (meta?.constraints as unknown[] | undefined) ?? [];
}

/** One field problem per failed constraint: its code, params and class-validator's English sentence. */
export function fieldProblems(e: ValidationError): FieldProblem[] {
  return Object.entries(e.constraints ?? {}).map(([name, message]) => {
    const known = CONSTRAINT_CODES[name];
    if (!known) return { code: 'INVALID', message };
    const params = known.params?.(constraintsOf(e, name));
    return params ? { code: known.code, message, params } : { code: known.code, message };
  });
}

function collect(
  errors: ValidationError[],
  prefix = '',
  out: Record<string, FieldProblem[]> = {},
): Record<string, FieldProblem[]> {
  for (const e of errors) {
    const path = prefix ? `${prefix}.${e.property}` : e.property;
    if (e.constraints) out[path] = fieldProblems(e);
    if (e.children?.length) collect(e.children, path, out);
  }
  return out;
}

/** Whitelisting validation; a bad body becomes a 400 with messages and codes per field. */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    transformOptions: { enableImplicitConversion: false },
    // The DTO instance stays on each error so fieldProblems() can read the decorators' limits; values stay out.
    validationError: { target: true, value: false },
    exceptionFactory: (errors) => new ValidationFailed(collect(errors)),
  });
}
