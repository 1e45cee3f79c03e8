import { EntityManager } from 'typeorm';

/** Items filed directly in one folder: how many are shown there, how many of those are unhandled. */
export interface FolderCount {
  count: number;
  unhandled: number;
}

/**
 * What sits in a mailbox's folders. Mailboxes own the folders, not what is filed in them: the lib
 * that files into folders (tickets) registers this with `AutomationService.countFolderContents`.
 */
export interface FolderContentsCounter {
  /** Per folder of the mailbox (absent = empty): the items its list shows, spam left out. */
  shown(m: EntityManager, mailboxId: number): Promise<Map<number, FolderCount>>;
  /** Everything filed directly in the folder, spam included: what deleting it would move. */
  held(m: EntityManager, folderId: number): Promise<number>;
}

export interface FolderDeleted {
  mailboxId: number;
  folderId: number;
  /** Where the folder's items go: another folder of the mailbox, or null for its top level. */
  moveTo: number | null;
}

/** Told, inside the transaction that deletes it, that a folder is going away. */
export type FolderDeletedListener = (event: FolderDeleted, m: EntityManager) => Promise<void>;
