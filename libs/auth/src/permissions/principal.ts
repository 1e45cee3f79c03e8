import { Actor } from '@madoguchi/core';
import { GlobalRight, MailboxRight, MailboxRightSet } from './rights';

/** The signed-in staff member of one request, with every right resolved from their groups. */
export class Principal {
  constructor(
    readonly userId: number,
    readonly email: string,
    readonly name: string,
    readonly branch: string | null,
    readonly rights: ReadonlySet<GlobalRight>,
    readonly mailboxRights: ReadonlyMap<number, MailboxRightSet>,
    readonly groups: { id: number; name: string }[],
    readonly via: 'session' | 'token',
  ) {}

  get isAdmin(): boolean {
    return this.rights.has('admin');
  }

  has(right: GlobalRight): boolean {
    return this.isAdmin || this.rights.has(right);
  }

  /** Admins may do everything on every mailbox; others need the right from one of their groups. */
  can(mailboxId: number, right: MailboxRight): boolean {
    return this.isAdmin || this.mailboxRights.get(mailboxId)?.[right] === true;
  }

  /** Mailboxes this user may see; null means all of them (admin). */
  visibleMailboxIds(): number[] | null {
    if (this.isAdmin) return null;
    return [...this.mailboxRights.entries()].filter(([, r]) => r.view).map(([id]) => id);
  }

  get actor(): Actor {
    return { userId: this.userId, label: this.email };
  }
}
