import { Pipe, PipeTransform, inject } from '@angular/core';

import { I18n, type MessageParams } from './i18n';
import type { MessageKey } from './ja';

/**
 * `{{ 'customers.title' | t }}`. Impure so it runs on every check of its view; the language
 * signal read inside `I18n.t()` is what schedules that check when the language changes.
 */
@Pipe({ name: 't', pure: false })
export class TranslatePipe implements PipeTransform {
  private readonly i18n = inject(I18n);

  transform(key: MessageKey, params?: MessageParams): string {
    return this.i18n.t(key, params);
  }
}
