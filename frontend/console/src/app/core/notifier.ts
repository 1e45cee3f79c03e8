import { Injectable, inject } from '@angular/core';
import { MatSnackBar } from '@angular/material/snack-bar';

import { readApiError, type ApiError } from '../api/api-error';
import { errorMessage } from '../i18n/error-text';
import { I18n, type Message, type MessageParams } from '../i18n/i18n';
import type { MessageKey } from '../i18n/ja';

/** Snackbar messages for finished actions and for errors no form field can show. */
@Injectable({ providedIn: 'root' })
export class Notifier {
  private readonly snackBar = inject(MatSnackBar);
  private readonly i18n = inject(I18n);

  success(key: MessageKey, params?: MessageParams): void {
    this.snackBar.open(this.i18n.t(key, params), this.i18n.t('common.close'), { duration: 4000 });
  }

  error(error: unknown): void {
    this.snackBar.open(this.describe(readApiError(error)), this.i18n.t('common.close'), {
      duration: 10000,
    });
  }

  /** A sentence a person can read for a failed API call, chosen by its code (never the server's English). */
  describe(error: ApiError): string {
    return this.i18n.render(errorMessage(this.i18n, error));
  }

  /** The sentence for a stable error code seen outside a failed call (an SMS's failure, a skip reason, a test result). */
  describeCode(code: string): string {
    return this.describe({ status: 409, code, params: {}, fields: {} });
  }

  /** The same as a message, for signals that re-render on a language switch. */
  message(error: unknown): Message {
    return errorMessage(this.i18n, readApiError(error));
  }
}
