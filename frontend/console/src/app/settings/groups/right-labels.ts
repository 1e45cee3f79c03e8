import type { Right } from '../../api/groups-api';
import type { MessageKey } from '../../i18n/ja';

export const RIGHT_LABELS: Record<Right, MessageKey> = {
  admin: 'rights.admin',
  'customers.read': 'rights.customers.read',
  'customers.write': 'rights.customers.write',
  mypage: 'rights.mypage',
  'sms.send': 'rights.sms.send',
  'sms.settings': 'rights.sms.settings',
  'history.bulk': 'rights.history.bulk',
};

export const MAILBOX_RIGHTS = ['view', 'reply', 'approve', 'manage'] as const;
export type MailboxRight = (typeof MAILBOX_RIGHTS)[number];

export const MAILBOX_RIGHT_LABELS: Record<MailboxRight, MessageKey> = {
  view: 'rights.mailbox.view',
  reply: 'rights.mailbox.reply',
  approve: 'rights.mailbox.approve',
  manage: 'rights.mailbox.manage',
};

export function isKnownRight(right: string): right is Right {
  return right in RIGHT_LABELS;
}
