import { Injectable, inject } from '@angular/core';
import { Title } from '@angular/platform-browser';
import { type RouterStateSnapshot, TitleStrategy } from '@angular/router';

import { hasKey, t } from './ja';

/** Route titles are message keys: 「ログイン | お客様マイページ」. */
@Injectable()
export class PortalTitleStrategy extends TitleStrategy {
  private readonly title = inject(Title);

  override updateTitle(snapshot: RouterStateSnapshot): void {
    const key = this.buildTitle(snapshot);
    const app = t('app.name');
    this.title.setTitle(key && hasKey(key) ? `${t(key)} | ${app}` : app);
  }
}
