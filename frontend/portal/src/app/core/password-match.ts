import type { AbstractControl, ValidationErrors, ValidatorFn } from '@angular/forms';

/** The confirmation field must repeat the password (`mismatch` on the group). */
export function passwordsMatch(password: string, confirm: string): ValidatorFn {
  return (group: AbstractControl): ValidationErrors | null => {
    const a = group.get(password)?.value as string | undefined;
    const b = group.get(confirm)?.value as string | undefined;
    return b && a !== b ? { mismatch: true } : null;
  };
}
