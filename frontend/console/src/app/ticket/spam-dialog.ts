import { ChangeDetectionStrategy, Component, inject } from '@angular/core';
import { FormsModule } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MAT_DIALOG_DATA, MatDialogModule, MatDialogRef } from '@angular/material/dialog';
import { MatRadioModule } from '@angular/material/radio';

import type { BlockKind } from '../api/merge-spam-api';
import { TranslatePipe } from '../i18n/translate-pipe';

export interface SpamDialogData {
  /** The sender's address, when the ticket has one (blocking needs it). */
  address: string;
  /** The manage right on the mailbox: only then can the sender be blocked. */
  canBlock: boolean;
}

/** What 迷惑メール was chosen with: `none`, or block the sender's address or domain. */
export type SpamChoice = { block: BlockKind | null };

/** 迷惑メール: asks whether to block the sender (アドレス / ドメイン) too; closes with the choice. */
@Component({
  selector: 'mg-spam-dialog',
  imports: [FormsModule, MatButtonModule, MatDialogModule, MatRadioModule, TranslatePipe],
  template: `
    <h2 mat-dialog-title>{{ 'spam.title' | t }}</h2>
    <mat-dialog-content>
      <p>{{ 'spam.explanation' | t }}</p>
      @if (data.canBlock && data.address) {
        <p id="spam-block-label">{{ 'spam.block' | t }}</p>
        <mat-radio-group [(ngModel)]="block" aria-labelledby="spam-block-label" class="choices">
          <mat-radio-button value="none" data-testid="spam-block-none">{{ 'spam.blockNone' | t }}</mat-radio-button>
          <mat-radio-button value="address" data-testid="spam-block-address">{{ 'spam.blockAddress' | t: { address: data.address } }}</mat-radio-button>
          <mat-radio-button value="domain" data-testid="spam-block-domain">{{ 'spam.blockDomain' | t: { domain: domain } }}</mat-radio-button>
        </mat-radio-group>
      }
    </mat-dialog-content>
    <mat-dialog-actions align="end">
      <button mat-button type="button" mat-dialog-close>{{ 'common.cancel' | t }}</button>
      <button mat-flat-button type="button" (click)="confirm()" data-testid="spam-confirm">{{ 'spam.mark' | t }}</button>
    </mat-dialog-actions>
  `,
  styles: `
    .choices {
      display: flex;
      flex-direction: column;
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class SpamDialog {
  protected readonly data = inject<SpamDialogData>(MAT_DIALOG_DATA);
  private readonly dialogRef = inject<MatDialogRef<SpamDialog, SpamChoice>>(MatDialogRef);
  protected block: 'none' | BlockKind = 'none';
  protected readonly domain = this.data.address.slice(this.data.address.lastIndexOf('@'));

  protected confirm(): void {
    this.dialogRef.close({ block: this.block === 'none' ? null : this.block });
  }
}
