import { Pipe, PipeTransform } from '@angular/core';

import { type MessageKey, type MessageParams, t } from './ja';

/** `{{ 'login.title' | t }}`: the portal is Japanese only, so the pipe is pure. */
@Pipe({ name: 't' })
export class TranslatePipe implements PipeTransform {
  transform(key: MessageKey, params?: MessageParams): string {
    return t(key, params);
  }
}
