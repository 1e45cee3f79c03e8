import { FormArray, FormGroup, type AbstractControl } from '@angular/forms';

import type { ApiError } from '../api/api-error';
import type { I18n, Message } from '../i18n/i18n';
import type { MessageKey } from '../i18n/ja';

/**
 * The message under a form field: server messages first (they come from a 400 on save), then
 * the client-side validators. `patternKey` names what a `pattern` validator expects.
 */
export function validationMessage(
  control: AbstractControl,
  i18n: I18n,
  patternKey: MessageKey = 'validation.pattern',
): string {
  const errors = control.errors;
  if (!errors) {
    return '';
  }
  if (typeof errors['server'] === 'string') {
    return errors['server'];
  }
  if (errors['required']) {
    return i18n.t('validation.required');
  }
  if (errors['maxlength']) {
    return i18n.t('validation.maxLength', { max: errors['maxlength'].requiredLength });
  }
  if (errors['minlength']) {
    return i18n.t('validation.minLength', { min: errors['minlength'].requiredLength });
  }
  if (errors['min']) {
    return i18n.t('validation.min', { min: errors['min'].min });
  }
  if (errors['max']) {
    return i18n.t('validation.max', { max: errors['max'].max });
  }
  if (errors['email']) {
    return i18n.t('validation.email');
  }
  if (errors['pattern']) {
    return i18n.t(patternKey);
  }
  return i18n.t('validation.invalid');
}

/**
 * Shows a 400's `fields` under the matching controls (dotted paths reach nested controls) and
 * returns the messages that match no control, for the caller to show elsewhere.
 */
export function applyServerErrors(form: FormGroup, error: ApiError): string[] {
  const unmatched: string[] = [];
  for (const [field, messages] of Object.entries(error.fields)) {
    const control = form.get(field);
    if (control && messages.length > 0) {
      control.setErrors({ ...control.errors, server: messages.join(' ') });
      control.markAsTouched();
    } else {
      unmatched.push(...messages);
    }
  }
  return unmatched;
}

/**
 * Drops the errors a previous save got from the server, so the form can be sent again: the server
 * decides anew (the value may have been fine and the problem elsewhere, e.g. a duplicate since removed).
 */
export function clearServerErrors(control: AbstractControl): void {
  if (control instanceof FormGroup || control instanceof FormArray) {
    for (const child of Object.values(control.controls)) {
      clearServerErrors(child);
    }
  }
  if (control.hasError('server')) {
    control.updateValueAndValidity();
  }
}

/**
 * Puts a 400's field messages under their fields and says what to show above the buttons: the
 * messages no field took, the server's message when it named no field, or a pointer to the fields.
 */
export function showServerErrors(form: FormGroup, error: ApiError): Message {
  const unmatched = applyServerErrors(form, error);
  if (unmatched.length > 0) {
    return { text: unmatched.join('\n') };
  }
  if (Object.keys(error.fields).length === 0 && error.message) {
    return { text: error.message };
  }
  return { key: 'validation.fixErrors' };
}
