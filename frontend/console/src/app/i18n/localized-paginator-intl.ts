import { Injectable, effect, inject } from '@angular/core';
import { MatPaginatorIntl } from '@angular/material/paginator';

import { I18n } from './i18n';

/** Paginator labels in the current language, e.g. "120件中 1～50件表示". */
@Injectable()
export class LocalizedPaginatorIntl extends MatPaginatorIntl {
  private readonly i18n = inject(I18n);

  constructor() {
    super();
    effect(() => {
      const t = this.i18n.t.bind(this.i18n);
      this.itemsPerPageLabel = t('paginator.itemsPerPage');
      this.nextPageLabel = t('paginator.next');
      this.previousPageLabel = t('paginator.previous');
      this.firstPageLabel = t('paginator.first');
      this.lastPageLabel = t('paginator.last');
      this.getRangeLabel = (page, pageSize, length) => {
        if (length === 0) {
          return t('paginator.empty');
        }
        const start = page * pageSize + 1;
        const end = Math.min(length, (page + 1) * pageSize);
        return t('paginator.range', { total: length, start, end });
      };
      this.changes.next();
    });
  }
}
