import type { AbstractControl, ValidationErrors, ValidatorFn } from '@angular/forms';

/** The server takes at most this many addresses per field. */
export const MAX_ADDRESSES = 50;

// Bare addresses only (what the server accepts): no display names, no spaces, a dot in the domain.
const ADDRESS = /^[^\s@<>(),;:"[\]]+@[^\s@<>(),;:"[\]]+\.[^\s@<>(),;:"[\]]+$/;

/** `a@example.jp, b@example.jp` → the addresses; commas, semicolons, 、 and spaces all separate. */
export function splitAddresses(value: string): string[] {
  return value
    .split(/[,;、，；\s]+/)
    .map((part) => part.trim())
    .filter((part) => part !== '');
}

/** Errors: `addressList: {address}` naming the first bad one, `addressCount: {max}` for too many. */
export const addressListValidator: ValidatorFn = (
  control: AbstractControl<string>,
): ValidationErrors | null => {
  const addresses = splitAddresses(control.value ?? '');
  const bad = addresses.find((address) => !ADDRESS.test(address));
  if (bad !== undefined) {
    return { addressList: { address: bad } };
  }
  return addresses.length > MAX_ADDRESSES ? { addressCount: { max: MAX_ADDRESSES } } : null;
};

/** `required` that does not let a field of only spaces or line breaks through. */
export const notBlankValidator: ValidatorFn = (control: AbstractControl<string>): ValidationErrors | null =>
  (control.value ?? '').trim() === '' ? { required: true } : null;
