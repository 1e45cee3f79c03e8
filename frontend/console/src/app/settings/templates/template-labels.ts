import type { TemplateKind } from '../../api/templates-api';
import type { MessageKey } from '../../i18n/ja';

export const KIND_LABELS: Record<TemplateKind, MessageKey> = {
  body: 'templates.kind.body',
  signature: 'templates.kind.signature',
  sender: 'templates.kind.sender',
};

/** Labels for the placeholders the server knows; one it adds later shows under its own name. */
export const PLACEHOLDER_LABELS: Partial<Record<string, MessageKey>> = {
  'customer.name': 'templates.placeholder.customerName',
  'customer.code': 'templates.placeholder.customerCode',
  'ticket.code': 'templates.placeholder.ticketCode',
  'ticket.subject': 'templates.placeholder.ticketSubject',
  'agent.name': 'templates.placeholder.agentName',
  'mailbox.name': 'templates.placeholder.mailboxName',
  'company.name': 'templates.placeholder.companyName',
};

/** The `mailboxId` query parameter: a mailbox id, or `shared` for the shared templates. */
export const SHARED = 'shared';

export function parseOwner(param: string | undefined): number | null | undefined {
  if (param === SHARED) {
    return null;
  }
  const id = Number(param);
  return param && Number.isInteger(id) && id > 0 ? id : undefined;
}

export function ownerParam(mailboxId: number | null): string {
  return mailboxId === null ? SHARED : String(mailboxId);
}
