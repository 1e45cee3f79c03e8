import { ClipboardModule } from '@angular/cdk/clipboard';
import { ChangeDetectionStrategy, Component, inject, signal } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MAT_DIALOG_DATA, MatDialogModule } from '@angular/material/dialog';
import { MatIconModule } from '@angular/material/icon';

import type { CreatedToken } from '../../api/tokens-api';
import { TranslatePipe } from '../../i18n/translate-pipe';

/** Shows a new token's text, the one time the server reveals it. */
@Component({
  selector: 'mg-token-created-dialog',
  imports: [ClipboardModule, MatButtonModule, MatDialogModule, MatIconModule, TranslatePipe],
  template: `
    <h2 mat-dialog-title>{{ 'settings.token.createdTitle' | t }}</h2>
    <mat-dialog-content>
      <p>{{ 'settings.token.createdMessage' | t: { name: token.name } }}</p>
      <div class="token">
        <code data-testid="token-value">{{ token.token }}</code>
        <button
          mat-stroked-button
          type="button"
          [cdkCopyToClipboard]="token.token"
          (cdkCopyToClipboardCopied)="copied.set($event)"
          data-testid="token-copy"
        >
          <mat-icon svgIcon="copy" />
          {{ 'settings.token.copy' | t }}
        </button>
      </div>
      <p class="status" role="status">
        @if (copied()) {
          {{ 'settings.token.copied' | t }}
        }
      </p>
    </mat-dialog-content>
    <mat-dialog-actions align="end">
      <button mat-flat-button mat-dialog-close data-testid="token-dialog-close">
        {{ 'common.close' | t }}
      </button>
    </mat-dialog-actions>
  `,
  styles: `
    .token {
      display: flex;
      align-items: center;
      gap: 12px;
      padding: 12px;
      border-radius: 8px;
      background: var(--mat-sys-surface-container-high);
    }
    code {
      flex: 1 1 auto;
      word-break: break-all;
      user-select: all;
    }
    .status {
      min-height: 1.5em;
      color: var(--mat-sys-primary);
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class TokenCreatedDialog {
  protected readonly token = inject<CreatedToken>(MAT_DIALOG_DATA);
  protected readonly copied = signal(false);
}
