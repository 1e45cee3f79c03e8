import { ChangeDetectionStrategy, Component, inject } from '@angular/core';
import { MatButtonToggleModule } from '@angular/material/button-toggle';

import { I18n, type Lang } from './i18n';
import { TranslatePipe } from './translate-pipe';

/** 日本語 / English switch. Language names stay in their own language, as is customary. */
@Component({
  selector: 'mg-language-switch',
  imports: [MatButtonToggleModule, TranslatePipe],
  template: `
    <mat-button-toggle-group
      hideSingleSelectionIndicator
      [value]="i18n.lang()"
      (change)="switchTo($event.value)"
      [attr.aria-label]="'app.language' | t"
      data-testid="lang-switch"
    >
      <mat-button-toggle value="ja" data-testid="lang-ja">日本語</mat-button-toggle>
      <mat-button-toggle value="en" data-testid="lang-en">English</mat-button-toggle>
    </mat-button-toggle-group>
  `,
  styles: `
    :host {
      --mat-button-toggle-height: 32px;
      display: inline-flex;
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class LanguageSwitch {
  protected readonly i18n = inject(I18n);

  protected switchTo(lang: Lang): void {
    this.i18n.use(lang);
  }
}
