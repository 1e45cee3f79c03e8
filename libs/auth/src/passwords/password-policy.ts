import { fieldError, ValidationFailed } from '@madoguchi/core';
import { dictionary } from '@zxcvbn-ts/language-common';

export const PASSWORD_MIN_LENGTH = 10;
export const PASSWORD_MAX_LENGTH = 128;

/** The ~49,000 most common passwords of the zxcvbn-ts project's list, lower-cased, loaded on first use. */
let common: Set<string> | undefined;
function commonPasswords(): Set<string> {
  common ??= new Set(dictionary['passwords-common'].map((p) => p.toLowerCase()));
  return common;
}

/**
 * The one password rule for staff (and, later, customer accounts): 10 to 128 characters, not a
 * common password, not the common word with digits or signs stuck on ("Password2024!"), not one
 * character repeated, not the account's own email. Returns what is wrong, in words, or null.
 */
export function passwordProblem(password: string, context: { email?: string } = {}): string | null {
  return passwordCheck(password, context)?.message ?? null;
}

/** The same rule as a field code (PASSWORD_TOO_SHORT {min}, PASSWORD_COMMON, …) and its words. */
function passwordCheck(password: string, context: { email?: string }): { code: string; message: string; params?: { min?: number; max?: number } } | null {
  const length = [...password.normalize('NFKC')].length;
  if (length < PASSWORD_MIN_LENGTH) return { code: 'PASSWORD_TOO_SHORT', message: `must be at least ${PASSWORD_MIN_LENGTH} characters`, params: { min: PASSWORD_MIN_LENGTH } };
  if (length > PASSWORD_MAX_LENGTH) return { code: 'PASSWORD_TOO_LONG', message: `must be at most ${PASSWORD_MAX_LENGTH} characters`, params: { max: PASSWORD_MAX_LENGTH } };
  const lower = password.normalize('NFKC').toLowerCase();
  const stem = lower.replace(/[\p{N}\p{P}\p{S}\s]+$/u, '').replace(/^[\p{N}\p{P}\p{S}\s]+/u, '');
  const list = commonPasswords();
  if (list.has(lower) || (stem.length >= 4 && list.has(stem))) return { code: 'PASSWORD_COMMON', message: 'is too common: choose one that is not on lists of common passwords' };
  if (new Set(lower).size === 1) return { code: 'PASSWORD_REPEATED', message: 'must not be one character repeated' };
  const email = context.email?.trim().toLowerCase();
  if (email && (lower === email || lower === email.split('@')[0])) return { code: 'PASSWORD_IS_EMAIL', message: 'must not be your email address' };
  return null;
}

/** Throws a 400 naming the field when the password breaks the rule. */
export function assertAcceptablePassword(password: string, field = 'password', context: { email?: string } = {}): void {
  const problem = passwordCheck(password, context);
  if (problem) throw new ValidationFailed({ [field]: [fieldError(problem.code, `${field} ${problem.message}`, problem.params)] });
}
