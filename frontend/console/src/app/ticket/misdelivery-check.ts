/**
 * 誤送信防止 (the mis-send check Re:lation users know): before a reply or a new mail goes out,
 * the writer confirms when a recipient is outside the customer's domain, when files are
 * attached, or when Cc/Bcc differ from what the composer proposed. Pure, so the reply composer
 * and the new-mail dialog decide alike.
 */
export type MisdeliveryReason = 'outsideDomain' | 'attachments' | 'ccBccChanged';

export interface MisdeliveryInput {
  /** The customer's (or the ticket contact's) address; its domain is "inside". Empty: no domain to compare with. */
  customerAddress: string | null | undefined;
  to: readonly string[];
  cc: readonly string[];
  bcc: readonly string[];
  /** What the composer filled in on its own (before the writer touched it). */
  proposed: { cc: readonly string[]; bcc: readonly string[] };
  attachmentNames: readonly string[];
}

export interface CheckedRecipient {
  field: 'to' | 'cc' | 'bcc';
  address: string;
  outside: boolean;
}

export interface MisdeliveryCheck {
  /** Empty: nothing to confirm, send at once. */
  reasons: MisdeliveryReason[];
  customerDomain: string | null;
  recipients: CheckedRecipient[];
  attachmentNames: string[];
}

/** The part after the last `@`, lower case; null for something that is no address. */
export function domainOf(address: string | null | undefined): string | null {
  const a = (address ?? '').trim().toLowerCase();
  const at = a.lastIndexOf('@');
  if (at <= 0 || at === a.length - 1) return null;
  return a.slice(at + 1).replace(/\.$/, '');
}

const norm = (list: readonly string[]) => [...new Set(list.map((a) => a.trim().toLowerCase()).filter(Boolean))].sort();
const sameSet = (a: readonly string[], b: readonly string[]) => {
  const x = norm(a);
  const y = norm(b);
  return x.length === y.length && x.every((v, i) => v === y[i]);
};

/**
 * Free-mail domains (gmail.com, …) count like any other: a customer on gmail.com makes every
 * other gmail.com address "inside" and a company address "outside", as in Re:lation.
 */
export function checkMisdelivery(input: MisdeliveryInput): MisdeliveryCheck {
  const customerDomain = domainOf(input.customerAddress);
  const recipients: CheckedRecipient[] = [];
  for (const field of ['to', 'cc', 'bcc'] as const) {
    for (const raw of input[field]) {
      const address = raw.trim();
      if (!address) continue;
      const domain = domainOf(address);
      recipients.push({ field, address, outside: customerDomain !== null && domain !== customerDomain });
    }
  }
  const reasons: MisdeliveryReason[] = [];
  if (recipients.some((r) => r.outside)) reasons.push('outsideDomain');
  if (input.attachmentNames.length > 0) reasons.push('attachments');
  if (!sameSet(input.cc, input.proposed.cc) || !sameSet(input.bcc, input.proposed.bcc)) reasons.push('ccBccChanged');
  return { reasons, customerDomain, recipients, attachmentNames: [...input.attachmentNames] };
}
