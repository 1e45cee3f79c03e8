/** Global rights a permission group can grant (§1). `admin` implies every other right. */
export const GLOBAL_RIGHTS = [
  'admin',
  'customers.read',
  'customers.write',
  'mypage',
  'sms.send',
  'sms.settings',
  'history.bulk',
] as const;

export type GlobalRight = (typeof GLOBAL_RIGHTS)[number];

export const MAILBOX_RIGHTS = ['view', 'reply', 'approve', 'manage'] as const;
export type MailboxRight = (typeof MAILBOX_RIGHTS)[number];

export type MailboxRightSet = Record<MailboxRight, boolean>;

export interface MailboxRightGrant extends MailboxRightSet {
  mailboxId: number;
}
