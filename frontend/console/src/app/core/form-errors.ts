import type { WritableSignal } from '@angular/core';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import { FormArray, FormGroup, type AbstractControl } from '@angular/forms';

import { readApiError, type ApiError } from '../api/api-error';
import { errorMessage, fieldErrorMessage, namedFieldErrorMessage } from '../i18n/error-text';
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
 * Shows a 400's field problems under the matching controls (dotted paths reach nested controls),
 * worded by field and code (never the server's sentence), and returns the problems that match no
 * control, each named by its field, for the caller to show elsewhere.
 */
export function applyServerErrors(form: FormGroup, error: ApiError, i18n: I18n): Message[] {
  const unmatched: Message[] = [];
  for (const [field, problems] of Object.entries(error.fields)) {
    const control = form.get(field);
    if (control && problems.length > 0) {
      const text = problems.map((p) => i18n.render(fieldErrorMessage(i18n, field, p))).join(' ');
      control.setErrors({ ...control.errors, server: text });
      control.markAsTouched();
    } else {
      unmatched.push(...problems.map((p) => namedFieldErrorMessage(i18n, field, p)));
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
 * Puts a 400's field problems under their fields and says what to show above the buttons: the
 * problems no field took, the error's own text (by code) when it named no field, or a pointer to
 * the fields.
 */
export function showServerErrors(form: FormGroup, error: ApiError, i18n: I18n): Message {
  const unmatched = applyServerErrors(form, error, i18n);
  if (unmatched.length > 0) {
    return unmatched.length === 1 ? unmatched[0] : { lines: unmatched };
  }
  if (Object.keys(error.fields).length === 0) {
    return errorMessage(i18n, error);
  }
  return { key: 'validation.fixErrors' };
}

/**
 * The one save/error handler of forms (settings dialogs and editors): a 400 or 409 puts its field
 * problems under the fields and returns the summary for above the buttons; any other failure
 * returns the error's text by code (or by status). `paths` renames the server's field paths to
 * the form's (`steps.0.groupIds` → the form array's path) before they are matched.
 */
export function saveErrorMessage(
  form: FormGroup,
  error: unknown,
  i18n: I18n,
  paths?: (error: ApiError) => ApiError,
): Message {
  const apiError = readApiError(error);
  if (apiError.status === 400 || apiError.status === 409 || apiError.status === 422) {
    return showServerErrors(form, paths ? paths(apiError) : apiError, i18n);
  }
  return errorMessage(i18n, apiError);
}

/** Banners that only say "fix the marked fields": they go as soon as the fields are fixed. */
const FIX_FIELDS_BANNERS: readonly string[] = ['validation.fixErrors', 'composer.signatureOnly'];

/**
 * A form's 「入力内容を確認してください」 banner stays only while a field is wrong: once the form is
 * valid again it is dropped, not left standing until the next save. Call it where `inject()`
 * works (a field initialiser), since it unsubscribes when the component goes.
 */
export function dropBannerWhenFixed(form: AbstractControl, banner: WritableSignal<Message | null>): void {
  form.statusChanges.pipe(takeUntilDestroyed()).subscribe((status) => {
    const shown = banner();
    if (status === 'VALID' && shown && 'key' in shown && FIX_FIELDS_BANNERS.includes(shown.key)) banner.set(null);
  });
}
