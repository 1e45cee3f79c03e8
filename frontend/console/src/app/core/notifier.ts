import { Injectable, inject } from '@angular/core';
import { MatSnackBar } from '@angular/material/snack-bar';

import { readApiError, type ApiError } from '../api/api-error';
import { I18n, type MessageParams } from '../i18n/i18n';
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

  /** A sentence a person can read for a failed API call. */
  describe(error: ApiError): string {
    switch (true) {
      case error.status === 0:
        return this.i18n.t('errors.network');
      case error.status === 403:
        return this.i18n.t('errors.forbidden');
      case error.status === 404:
        return this.i18n.t('errors.notFound');
      case error.status >= 500:
        return this.i18n.t('errors.server');
      default:
        return error.message ?? this.i18n.t('errors.unexpected');
    }
  }
}
