import { ChangeDetectionStrategy, Component, computed, inject, signal, viewChild } from '@angular/core';
import { rxResource } from '@angular/core/rxjs-interop';
import { FormGroupDirective, NonNullableFormBuilder, ReactiveFormsModule, Validators } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatDialog } from '@angular/material/dialog';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatIconModule } from '@angular/material/icon';
import { MatInputModule } from '@angular/material/input';
import { filter, switchMap } from 'rxjs';

import { readApiError } from '../../api/api-error';
import { CtiApi, type CtiToken } from '../../api/cti-api';
import type { CreatedToken } from '../../api/tokens-api';
import { confirmAction } from '../../core/confirm-dialog';
import { applyServerErrors, clearServerErrors, validationMessage } from '../../core/form-errors';
import { Notifier } from '../../core/notifier';
import { DateTimePipe } from '../../i18n/date-time-pipe';
import { I18n } from '../../i18n/i18n';
import { TranslatePipe } from '../../i18n/translate-pipe';
import { SettingsCell, SettingsTable, type SettingsColumn } from '../../shared/settings-table';
import { TokenCreatedDialog } from '../tokens/token-created-dialog';

/** CTI tokens: what the phone system posts incoming calls with (docs/cti.md); administrators only. */
@Component({
  selector: 'mg-cti-token-list',
  imports: [
    ReactiveFormsModule,
    MatButtonModule,
    MatFormFieldModule,
    MatIconModule,
    MatInputModule,
    SettingsCell,
    SettingsTable,
    DateTimePipe,
    TranslatePipe,
  ],
  template: `
    <div class="tab-page">
      <p class="intro">{{ 'cti.tokens.intro' | t }}</p>
      <form [formGroup]="form" (ngSubmit)="createToken()" class="create" novalidate>
        <mat-form-field class="name">
          <mat-label>{{ 'cti.tokens.name' | t }}</mat-label>
          <input matInput formControlName="name" required autocomplete="off" data-testid="cti-token-name" />
          <mat-hint>{{ 'cti.tokens.nameHint' | t }}</mat-hint>
          <mat-error data-testid="error-name">{{ nameError() }}</mat-error>
        </mat-form-field>
        <button mat-flat-button type="submit" [disabled]="creating()" data-testid="cti-token-create">
          <mat-icon svgIcon="add" />
          {{ 'cti.tokens.create' | t }}
        </button>
      </form>

      <mg-settings-table
        [rows]="rows()"
        [columns]="columns"
        [loading]="tokens.isLoading()"
        [error]="loadError()"
        emptyText="cti.tokens.empty"
        rowTestId="cti-token-row"
        [rowAttributes]="rowAttributes"
        [openable]="false"
      >
        <ng-template mgCell="name" let-token>{{ token.name }}</ng-template>
        <ng-template mgCell="prefix" let-token
          ><code>{{ token.prefix }}…</code></ng-template
        >
        <ng-template mgCell="createdBy" let-token>{{ token.createdBy }}</ng-template>
        <ng-template mgCell="createdAt" let-token>{{ token.createdAt | dateTime }}</ng-template>
        <ng-template mgCell="lastUsedAt" let-token>
          @if (token.lastUsedAt) {
            {{ token.lastUsedAt | dateTime }}
          } @else {
            <span class="muted">{{ 'settings.token.neverUsed' | t }}</span>
          }
        </ng-template>
        <ng-template mgCell="actions" let-token>
          <button
            mat-button
            type="button"
            class="danger"
            (click)="deleteToken(token)"
            data-testid="cti-token-delete"
          >
            {{ 'common.delete' | t }}
          </button>
        </ng-template>
      </mg-settings-table>
    </div>
  `,
  styles: `
    .intro {
      max-width: 70ch;
    }
    .create {
      display: flex;
      flex-wrap: wrap;
      align-items: flex-start;
      gap: 12px;
    }
    .create button {
      margin-top: 8px;
    }
    .name {
      width: min(360px, 100%);
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class CtiTokenList {
  private readonly ctiApi = inject(CtiApi);
  private readonly dialog = inject(MatDialog);
  private readonly notifier = inject(Notifier);
  protected readonly i18n = inject(I18n);

  protected readonly columns: readonly SettingsColumn[] = [
    { key: 'name', header: 'cti.tokens.name' },
    { key: 'prefix', header: 'settings.token.prefix', cellClass: 'nowrap' },
    { key: 'createdBy', header: 'cti.tokens.createdBy' },
    { key: 'createdAt', header: 'common.createdAt', cellClass: 'nowrap' },
    { key: 'lastUsedAt', header: 'settings.token.lastUsedAt', cellClass: 'nowrap' },
    { key: 'actions', cellClass: 'nowrap' },
  ];
  protected readonly rowAttributes = (token: CtiToken) => ({ 'data-token-id': token.id });
  protected readonly tokens = rxResource({ stream: () => this.ctiApi.tokens() });
  protected readonly rows = computed(() => (this.tokens.hasValue() ? this.tokens.value() : []));
  protected readonly loadError = computed(() => {
    const error = this.tokens.error();
    return error ? this.notifier.describe(readApiError(error)) : null;
  });

  protected readonly form = inject(NonNullableFormBuilder).group({
    name: ['', [Validators.required, Validators.maxLength(100)]],
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
    this.ctiApi.createToken(this.form.getRawValue().name.trim()).subscribe({
      next: (created) => {
        this.creating.set(false);
        this.formDirective().resetForm();
        this.tokens.reload();
        // The same one-time reveal as API tokens; a CTI token never expires (it is deleted).
        this.dialog.open<TokenCreatedDialog, CreatedToken>(TokenCreatedDialog, {
          data: { ...created, expiresAt: null },
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
        if (!fieldsShown) {
          this.notifier.error(error);
        }
      },
    });
  }

  protected deleteToken(token: CtiToken): void {
    confirmAction(this.dialog, {
      title: 'cti.tokens.deleteTitle',
      message: 'cti.tokens.deleteConfirm',
      params: { name: token.name },
      confirm: 'common.delete',
    })
      .pipe(
        filter(Boolean),
        switchMap(() => this.ctiApi.deleteToken(token.id)),
      )
      .subscribe({
        next: () => {
          this.notifier.success('cti.tokens.deleted');
          this.tokens.reload();
        },
        error: (error: unknown) => this.notifier.error(error),
      });
  }
}
