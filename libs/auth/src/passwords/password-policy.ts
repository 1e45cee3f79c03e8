import { ValidationFailed } from '@madoguchi/core';
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
  const length = [...password.normalize('NFKC')].length;
  if (length < PASSWORD_MIN_LENGTH) return `must be at least ${PASSWORD_MIN_LENGTH} characters`;
  if (length > PASSWORD_MAX_LENGTH) return `must be at most ${PASSWORD_MAX_LENGTH} characters`;
  const lower = password.normalize('NFKC').toLowerCase();
  const stem = lower.replace(/[\p{N}\p{P}\p{S}\s]+$/u, '').replace(/^[\p{N}\p{P}\p{S}\s]+/u, '');
  const list = commonPasswords();
  if (list.has(lower) || (stem.length >= 4 && list.has(stem))) return 'is too common: choose one that is not on lists of common passwords';
  if (new Set(lower).size === 1) return 'must not be one character repeated';
  const email = context.email?.trim().toLowerCase();
  if (email && (lower === email || lower === email.split('@')[0])) return 'must not be your email address';
  return null;
}

/** Throws a 400 naming the field when the password breaks the rule. */
export function assertAcceptablePassword(password: string, field = 'password', context: { email?: string } = {}): void {
  const problem = passwordProblem(password, context);
  if (problem) throw new ValidationFailed({ [field]: [`${field} ${problem}`] });
}
