import { CdkDrag, CdkDropList, DragDropModule } from '@angular/cdk/drag-drop';
import { ChangeDetectionStrategy, Component, computed, inject, input, output } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MatDialog } from '@angular/material/dialog';
import { MatIconModule } from '@angular/material/icon';
import { MatMenuModule } from '@angular/material/menu';

import type { Folder, InboxPlace } from '../api/automation-api';
import { Notifier } from '../core/notifier';
import { I18n } from '../i18n/i18n';
import { TranslatePipe } from '../i18n/translate-pipe';
import { DeleteFolderDialog, type DeleteFolderDialogData } from './delete-folder-dialog';
import { FolderDialog, type FolderDialogData } from './folder-dialog';
import { folderTree, registerFolderIcons } from './folders';
import { TicketMover } from './ticket-mover';

/** What a dragged ticket row carries: the tickets to move (the selection, or just that row). */
export type DraggedTickets = readonly number[];

/**
 * The folders of a mailbox beside its ticket list: 受信箱 (everything but spam), the user folders
 * as a tree with their ticket counts, and 迷惑メール. With the manage right it creates, renames,
 * moves and deletes folders; a ticket row dropped on a folder moves there.
 */
@Component({
  selector: 'mg-folder-tree',
  imports: [DragDropModule, MatButtonModule, MatIconModule, MatMenuModule, TranslatePipe],
  templateUrl: './folder-tree.html',
  styleUrl: './folder-tree.scss',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class FolderTree {
  private readonly dialog = inject(MatDialog);
  private readonly notifier = inject(Notifier);
  private readonly mover = inject(TicketMover);
  private readonly i18n = inject(I18n);

  readonly mailboxId = input.required<number>();
  readonly folders = input.required<readonly Folder[]>();
  /** The place shown beside the tree; null where the tree only manages folders (settings). */
  readonly selected = input<InboxPlace | null>(null);
  /** Spam tickets of the mailbox; null while unknown or where spam is not shown. */
  readonly spamCount = input<number | null>(null);
  readonly canManage = input(false);

  readonly placeSelected = output<InboxPlace>();
  /** Folders or tickets changed: the owner re-reads what it shows. */
  readonly changed = output<void>();

  protected readonly nodes = computed(() => folderTree(this.folders()));
  protected readonly selectable = computed(() => this.selected() !== null);

  constructor() {
    registerFolderIcons();
  }

  protected isSelected(place: InboxPlace): boolean {
    const selected = this.selected();
    if (!selected || selected.kind !== place.kind) {
      return false;
    }
    return selected.kind !== 'folder' || (place.kind === 'folder' && place.folderId === selected.folderId);
  }

  protected select(place: InboxPlace): void {
    if (this.selectable()) {
      this.placeSelected.emit(place);
    }
  }

  protected createFolder(parent?: Folder): void {
    this.openFolderDialog(
      { mailboxId: this.mailboxId(), folders: this.folders(), parentId: parent?.id ?? null },
      (saved) => this.notifier.success('folders.created', { name: saved.name }),
    );
  }

  protected editFolder(folder: Folder): void {
    this.openFolderDialog({ mailboxId: this.mailboxId(), folders: this.folders(), folder }, () =>
      this.notifier.success('folders.saved'),
    );
  }

  protected deleteFolder(folder: Folder): void {
    this.dialog
      .open<DeleteFolderDialog, DeleteFolderDialogData, boolean>(DeleteFolderDialog, {
        data: { mailboxId: this.mailboxId(), folder, folders: this.folders() },
        width: '480px',
        maxWidth: '95vw',
      })
      .afterClosed()
      .subscribe((deleted) => {
        if (deleted) {
          this.notifier.success('folders.deleted', { name: folder.name });
          if (this.isSelected({ kind: 'folder', folderId: folder.id })) {
            this.placeSelected.emit({ kind: 'all' });
          }
          this.changed.emit();
        }
      });
  }

  /** A ticket row (or the selected rows) dropped on a folder, or on 受信箱 for the top level. */
  protected dropped(
    event: { item: CdkDrag<unknown>; container: unknown; previousContainer: unknown },
    folderId: number | null,
  ): void {
    const ticketIds = event.item.data;
    if (event.container === event.previousContainer || !isTicketIds(ticketIds) || ticketIds.length === 0) {
      return;
    }
    const folder = this.folders().find((f) => f.id === folderId) ?? null;
    this.mover.move(ticketIds, folder, this.i18n.t('folders.topLevel')).subscribe({
      next: () => this.changed.emit(),
      error: () => undefined,
    });
  }

  /** Only ticket rows are let in (the tree's own lists hold no items). */
  protected readonly acceptsTickets = (drag: CdkDrag<unknown>, _drop: CdkDropList<unknown>): boolean =>
    isTicketIds(drag.data);

  private openFolderDialog(data: FolderDialogData, done: (saved: Folder) => void): void {
    this.dialog
      .open<FolderDialog, FolderDialogData, Folder>(FolderDialog, { data, width: '440px', maxWidth: '95vw' })
      .afterClosed()
      .subscribe((saved) => {
        if (saved) {
          done(saved);
          this.changed.emit();
        }
      });
  }
}

function isTicketIds(data: unknown): data is DraggedTickets {
  return Array.isArray(data) && data.every((id) => typeof id === 'number');
}
