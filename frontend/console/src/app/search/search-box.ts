import { ChangeDetectionStrategy, Component, inject } from '@angular/core';
import { FormControl, ReactiveFormsModule } from '@angular/forms';
import { MatIconModule } from '@angular/material/icon';
import { Router } from '@angular/router';

import { TranslatePipe } from '../i18n/translate-pipe';

/**
 * The toolbar's search, on every page: Enter opens 検索 over every mailbox and state. `/` comes
 * here unless the page shown has a search of its own (the inbox's filter), which it then means.
 */
@Component({
  selector: 'mg-search-box',
  imports: [ReactiveFormsModule, MatIconModule, TranslatePipe],
  template: `
    <form class="box" role="search" (submit)="submit($event)" novalidate>
      <mat-icon svgIcon="search" aria-hidden="true" />
      <input
        type="search"
        [formControl]="query"
        [attr.aria-label]="'search.box' | t"
        [placeholder]="'search.box' | t"
        enterkeyhint="search"
        data-testid="global-search"
        data-shortcut="search"
      />
    </form>
  `,
  styles: `
    :host {
      display: block;
      min-width: 0;
    }
    .box {
      display: flex;
      align-items: center;
      gap: 6px;
      height: 40px;
      padding: 0 12px;
      border-radius: 20px;
      background: var(--mat-sys-surface-container-high);
      color: var(--mat-sys-on-surface-variant);
    }
    .box:focus-within {
      outline: 3px solid var(--mat-sys-primary);
      outline-offset: 0;
    }
    input {
      flex: 1 1 auto;
      min-width: 0;
      border: 0;
      outline: none;
      background: transparent;
      color: var(--mat-sys-on-surface);
      font: var(--mat-sys-body-large);
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class SearchBox {
  private readonly router = inject(Router);
  protected readonly query = new FormControl('', { nonNullable: true });

  protected submit(event: Event): void {
    // A form without a form group: Angular does not stop the browser's own submit (a page load).
    event.preventDefault();
    const q = this.query.value.trim();
    void this.router.navigate(['/search'], { queryParams: q ? { q } : {} });
    this.query.setValue('');
  }
}
