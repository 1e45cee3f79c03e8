import { provideHttpClient, withFetch, withInterceptors, withXsrfConfiguration } from '@angular/common/http';
import {
  type ApplicationConfig,
  provideAppInitializer,
  provideBrowserGlobalErrorListeners,
} from '@angular/core';
import {
  MAT_FORM_FIELD_DEFAULT_OPTIONS,
  type MatFormFieldDefaultOptions,
} from '@angular/material/form-field';
import { MatPaginatorIntl } from '@angular/material/paginator';
import { TitleStrategy, provideRouter, withComponentInputBinding } from '@angular/router';

import { routes } from './app.routes';
import { registerIcons } from './core/icons';
import { unauthorizedInterceptor } from './core/unauthorized-interceptor';
import { guardUnsaved } from './core/unsaved-changes';
import { LocalizedPaginatorIntl } from './i18n/localized-paginator-intl';
import { TranslatedTitleStrategy } from './i18n/translated-title-strategy';

export const appConfig: ApplicationConfig = {
  providers: [
    provideBrowserGlobalErrorListeners(),
    provideRouter(guardUnsaved(routes), withComponentInputBinding()),
    provideHttpClient(
      withFetch(),
      withInterceptors([unauthorizedInterceptor]),
      // The server sets XSRF-TOKEN at login and demands the header on every non-GET request.
      withXsrfConfiguration({ cookieName: 'XSRF-TOKEN', headerName: 'X-XSRF-TOKEN' }),
    ),
    provideAppInitializer(registerIcons),
    { provide: TitleStrategy, useClass: TranslatedTitleStrategy },
    { provide: MatPaginatorIntl, useClass: LocalizedPaginatorIntl },
    {
      provide: MAT_FORM_FIELD_DEFAULT_OPTIONS,
      // Fixed subscripts: a validation message appearing on blur must not move the button being clicked.
      useValue: { appearance: 'outline', subscriptSizing: 'fixed' } satisfies MatFormFieldDefaultOptions,
    },
  ],
};
