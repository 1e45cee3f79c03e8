import { ChangeDetectionStrategy, Component, inject, signal } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MatCheckboxModule } from '@angular/material/checkbox';
import { MAT_DIALOG_DATA, MatDialogModule } from '@angular/material/dialog';

import type { MessageKey } from '../i18n/ja';
import { TranslatePipe } from '../i18n/translate-pipe';
import type { MisdeliveryCheck, MisdeliveryReason } from './misdelivery-check';

export interface MisdeliveryDialogData {
  check: MisdeliveryCheck;
  /** The button says 承認を申請する instead of 送信する. */
  approval: boolean;
}

/**
 * 誤送信防止: the reasons, every recipient (those outside the customer's domain marked) and the
 * attachments; the writer ticks that they checked and sends (closes with true) or goes back.
 */
@Component({
  selector: 'mg-misdelivery-dialog',
  imports: [MatButtonModule, MatCheckboxModule, MatDialogModule, TranslatePipe],
  template: `
    <h2 mat-dialog-title>{{ 'misdelivery.title' | t }}</h2>
    <mat-dialog-content data-testid="misdelivery-dialog">
      <p>{{ 'misdelivery.intro' | t }}</p>
      <ul class="reasons" data-testid="misdelivery-reasons">
        @for (reason of data.check.reasons; track reason) {
          <li [attr.data-reason]="reason">{{ reasonKey(reason) | t: { domain: data.check.customerDomain ?? '' } }}</li>
        }
      </ul>
      <h3>{{ 'misdelivery.recipients' | t }}</h3>
      <ul class="recipients" data-testid="misdelivery-recipients">
        @for (r of data.check.recipients; track r.field + r.address) {
          <li [class.outside]="r.outside" [attr.data-outside]="r.outside" data-testid="misdelivery-recipient">
            <span class="field">{{ fieldLabel(r.field) | t }}</span>
            <span class="address">{{ r.address }}</span>
            @if (r.outside) {
              <strong class="badge">{{ 'misdelivery.outside' | t }}</strong>
            }
          </li>
        }
      </ul>
      @if (data.check.attachmentNames.length) {
        <h3>{{ 'misdelivery.attachments' | t }}</h3>
        <ul data-testid="misdelivery-attachments">
          @for (name of data.check.attachmentNames; track $index) {
            <li>{{ name }}</li>
          }
        </ul>
      }
      <mat-checkbox [checked]="confirmed()" (change)="confirmed.set($event.checked)" data-testid="misdelivery-confirm">
        {{ 'misdelivery.confirm' | t }}
      </mat-checkbox>
    </mat-dialog-content>
    <mat-dialog-actions align="end">
      <button mat-stroked-button type="button" [mat-dialog-close]="false" cdkFocusInitial data-testid="misdelivery-back">
        {{ 'misdelivery.back' | t }}
      </button>
      <button mat-flat-button type="button" [disabled]="!confirmed()" [mat-dialog-close]="true" data-testid="misdelivery-send">
        {{ (data.approval ? 'misdelivery.submit' : 'misdelivery.send') | t }}
      </button>
    </mat-dialog-actions>
  `,
  styles: `
    .reasons li { font-weight: 500; }
    .recipients { list-style: none; padding: 0; }
    .recipients li { display: flex; gap: 8px; align-items: baseline; padding: 2px 4px; overflow-wrap: anywhere; }
    .recipients .field { min-width: 3em; color: var(--mat-sys-on-surface-variant); }
    .recipients li.outside { background: var(--mat-sys-error-container, #fde7e9); color: var(--mat-sys-on-error-container, #410002); border-radius: 4px; }
    .badge { margin-left: auto; font-size: 12px; }
    h3 { margin: 12px 0 4px; font-size: 14px; }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class MisdeliveryDialog {
  protected readonly data = inject<MisdeliveryDialogData>(MAT_DIALOG_DATA);
  protected readonly confirmed = signal(false);

  protected reasonKey(reason: MisdeliveryReason): MessageKey {
    return `misdelivery.reason.${reason}`;
  }

  protected fieldLabel(field: 'to' | 'cc' | 'bcc'): MessageKey {
    return `reply.${field}`;
  }
}
