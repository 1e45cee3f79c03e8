import { ChangeDetectionStrategy, Component, computed, inject, signal, viewChild } from '@angular/core';
import { rxResource } from '@angular/core/rxjs-interop';
import { FormGroupDirective, NonNullableFormBuilder, ReactiveFormsModule, Validators } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatDialog } from '@angular/material/dialog';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatIconModule } from '@angular/material/icon';
import { MatInputModule } from '@angular/material/input';
import { MatSelectModule } from '@angular/material/select';
import { filter, switchMap } from 'rxjs';

import { readApiError } from '../../api/api-error';
import { TokensApi, type ApiToken, type CreatedToken } from '../../api/tokens-api';
import { confirmAction } from '../../core/confirm-dialog';
import { applyServerErrors, clearServerErrors, validationMessage } from '../../core/form-errors';
import { Notifier } from '../../core/notifier';
import { DateTimePipe } from '../../i18n/date-time-pipe';
import { I18n } from '../../i18n/i18n';
import { TranslatePipe } from '../../i18n/translate-pipe';
import { SettingsCell, SettingsTable, type SettingsColumn } from '../../shared/settings-table';
import { TokenCreatedDialog } from './token-created-dialog';

/** API tokens of all users; new ones are issued to the signed-in user. */
@Component({
  selector: 'mg-token-list',
  imports: [
    ReactiveFormsModule,
    MatButtonModule,
    MatFormFieldModule,
    MatIconModule,
    MatInputModule,
    MatSelectModule,
    SettingsCell,
    SettingsTable,
    DateTimePipe,
    TranslatePipe,
  ],
  templateUrl: './token-list.html',
  styleUrl: './token-list.scss',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class TokenList {
  private readonly tokensApi = inject(TokensApi);
  private readonly dialog = inject(MatDialog);
  private readonly notifier = inject(Notifier);
  protected readonly i18n = inject(I18n);

  protected readonly columns: readonly SettingsColumn[] = [
    { key: 'name', header: 'settings.token.name' },
    { key: 'user', header: 'settings.token.user' },
    { key: 'prefix', header: 'settings.token.prefix', cellClass: 'nowrap' },
    { key: 'createdAt', header: 'common.createdAt', cellClass: 'nowrap' },
    { key: 'lastUsedAt', header: 'settings.token.lastUsedAt', cellClass: 'nowrap' },
    { key: 'expiresAt', header: 'settings.token.expiresAt', cellClass: 'nowrap', testId: 'token-expires' },
    { key: 'actions', cellClass: 'nowrap' },
  ];
  protected readonly rowAttributes = (token: ApiToken) => ({ 'data-token-id': token.id });
  /** Days a new token lasts; 90 is the server's default, null never expires. */
  protected readonly validities: readonly (number | null)[] = [30, 90, 365, null];
  protected readonly tokens = rxResource({ stream: () => this.tokensApi.list() });
  protected readonly rows = computed(() => (this.tokens.hasValue() ? this.tokens.value() : []));
  protected readonly loadError = computed(() => {
    const error = this.tokens.error();
    return error ? this.notifier.describe(readApiError(error)) : null;
  });

  protected readonly form = inject(NonNullableFormBuilder).group({
    name: ['', [Validators.required, Validators.maxLength(100)]],
    expiresInDays: [90 as number | null],
  });
  protected readonly creating = signal(false);
  private readonly formDirective = viewChild.required(FormGroupDirective);

  protected nameError(): string {
    return validationMessage(this.form.controls.name, this.i18n);
  }

  protected createToken(): void {
    clearServerErrors(this.form);
    if (this.form.invalid) {
      this.form.markAllAsTouched();
      return;
    }
    this.creating.set(true);
    const { name, expiresInDays } = this.form.getRawValue();
    this.tokensApi.create(name.trim(), expiresInDays).subscribe({
      next: (created) => {
        this.creating.set(false);
        // Resetting through the directive also clears its `submitted` flag, so no "required" shows.
        this.formDirective().resetForm();
        this.tokens.reload();
        this.dialog.open<TokenCreatedDialog, CreatedToken>(TokenCreatedDialog, {
          data: created,
          width: '600px',
          maxWidth: '95vw',
          disableClose: true,
        });
      },
      error: (error: unknown) => {
        this.creating.set(false);
        const apiError = readApiError(error);
        const fieldsShown =
          apiError.status === 400 &&
          Object.keys(apiError.fields).length > 0 &&
          applyServerErrors(this.form, apiError, this.i18n).length === 0;
        if (fieldsShown) {
          return;
        }
        this.notifier.error(error);
      },
    });
  }

  protected revokeToken(token: ApiToken): void {
    confirmAction(this.dialog, {
      title: 'settings.revokeTokenTitle',
      message: 'settings.revokeTokenConfirm',
      params: { name: token.name },
      confirm: 'settings.revoke',
    })
      .pipe(
        filter(Boolean),
        switchMap(() => this.tokensApi.revoke(token.id)),
      )
      .subscribe({
        next: () => {
          this.notifier.success('settings.tokenRevoked');
          this.tokens.reload();
        },
        error: (error: unknown) => this.notifier.error(error),
      });
  }
}
