import { ChangeDetectionStrategy, Component, computed, inject, input, output, signal } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MatIconModule } from '@angular/material/icon';
import { MatMenuModule } from '@angular/material/menu';

import type { Folder } from '../api/automation-api';
import { I18n } from '../i18n/i18n';
import { TranslatePipe } from '../i18n/translate-pipe';
import { folderTree, registerFolderIcons } from './folders';
import { TicketMover } from './ticket-mover';

/** 「フォルダへ移動」: a menu of the mailbox's folders (and its top level) for some tickets. */
@Component({
  selector: 'mg-move-to-folder-menu',
  imports: [MatButtonModule, MatIconModule, MatMenuModule, TranslatePipe],
  template: `
    <button
      mat-stroked-button
      type="button"
      [matMenuTriggerFor]="menu"
      [disabled]="disabled() || moving() || ticketIds().length === 0"
      data-testid="move-to-folder"
    >
      <mat-icon svgIcon="move-to-folder" />
      {{ 'folders.moveTo' | t }}
    </button>
    <mat-menu #menu="matMenu">
      <button
        mat-menu-item
        type="button"
        [disabled]="currentFolderId() === null"
        (click)="moveTo(null)"
        data-testid="move-to-root"
      >
        <mat-icon svgIcon="inbox" />
        {{ 'folders.topLevel' | t }}
      </button>
      @for (node of nodes(); track node.folder.id) {
        <button
          mat-menu-item
          type="button"
          [disabled]="currentFolderId() === node.folder.id"
          [style.padding-left.px]="16 + node.depth * 16"
          (click)="moveTo(node.folder)"
          data-testid="move-to-folder-item"
          [attr.data-folder-id]="node.folder.id"
          [attr.data-folder-name]="node.folder.name"
        >
          <mat-icon svgIcon="folder" />
          {{ node.folder.name }}
        </button>
      }
    </mat-menu>
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class MoveToFolderMenu {
  private readonly mover = inject(TicketMover);
  private readonly i18n = inject(I18n);

  readonly folders = input.required<readonly Folder[]>();
  readonly ticketIds = input.required<readonly number[]>();
  /** The folder all the tickets are in, when they share one (undefined: mixed or unknown). */
  readonly currentFolderId = input<number | null | undefined>(undefined);
  readonly disabled = input(false);
  /** After a successful move, with the target (null: the top level). */
  readonly moved = output<number | null>();

  protected readonly nodes = computed(() => folderTree(this.folders()));
  protected readonly moving = signal(false);

  constructor() {
    registerFolderIcons();
  }

  protected moveTo(folder: Folder | null): void {
    this.moving.set(true);
    this.mover.move(this.ticketIds(), folder, this.i18n.t('folders.topLevel')).subscribe({
      next: () => {
        this.moving.set(false);
        this.moved.emit(folder?.id ?? null);
      },
      error: () => this.moving.set(false),
    });
  }
}
