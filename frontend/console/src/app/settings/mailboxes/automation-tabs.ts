import type { MessageKey } from '../../i18n/ja';

/** The tabs of a mailbox's automation page, as `?tab=` names them. */
export const AUTOMATION_TABS = ['folders', 'labels', 'rules', 'journal', 'customer-link', 'blocked-senders'] as const;
export type AutomationTab = (typeof AUTOMATION_TABS)[number];

export const AUTOMATION_TAB_LABELS: Record<AutomationTab, MessageKey> = {
  folders: 'automation.tab.folders',
  labels: 'automation.tab.labels',
  rules: 'automation.tab.rules',
  journal: 'automation.tab.journal',
  'customer-link': 'automation.tab.customerLink',
  'blocked-senders': 'automation.tab.blockedSenders',
};
