import { provideHttpClient, withFetch, withInterceptors, withXsrfConfiguration } from '@angular/common/http';
import { type ApplicationConfig, provideBrowserGlobalErrorListeners } from '@angular/core';
import {
  MAT_FORM_FIELD_DEFAULT_OPTIONS,
  type MatFormFieldDefaultOptions,
} from '@angular/material/form-field';
import { TitleStrategy, provideRouter, withComponentInputBinding } from '@angular/router';

import { routes } from './app.routes';
import { unauthorizedInterceptor } from './core/unauthorized-interceptor';
import { PortalTitleStrategy } from './i18n/portal-title-strategy';

export const appConfig: ApplicationConfig = {
  providers: [
    provideBrowserGlobalErrorListeners(),
    provideRouter(routes, withComponentInputBinding()),
    provideHttpClient(
      withFetch(),
      withInterceptors([unauthorizedInterceptor]),
      // The portal's own CSRF cookie (never the console's XSRF-TOKEN), echoed on every unsafe request.
      withXsrfConfiguration({ cookieName: 'PORTAL-XSRF-TOKEN', headerName: 'X-XSRF-TOKEN' }),
    ),
    { provide: TitleStrategy, useClass: PortalTitleStrategy },
    {
      provide: MAT_FORM_FIELD_DEFAULT_OPTIONS,
      // Fixed subscripts: a message appearing on blur must not move the button being tapped.
      useValue: { appearance: 'outline', subscriptSizing: 'fixed' } satisfies MatFormFieldDefaultOptions,
    },
  ],
};
