import { parseMessageIds } from './headers';

export interface DeliveryStatusRecipient {
  /** The address the report is about, lower-cased, without its "rfc822;" type. */
  finalRecipient: string;
  originalRecipient?: string;
  /** failed, delayed, delivered, relayed or expanded (RFC 3464). */
  action?: string;
  /** Enhanced status code, e.g. 5.1.1. */
  status?: string;
  /** The remote server's words, e.g. "550 5.1.1 User unknown", without its "smtp;" type. */
  diagnosticCode?: string;
}

export interface DeliveryStatus {
  reportingMta?: string;
  recipients: DeliveryStatusRecipient[];
}

type Fields = Map<string, string>;

/** One block of "Name: value" lines, continuation lines unfolded, names lower-cased. */
function parseFieldBlock(block: string): Fields {
  const fields: Fields = new Map();
  const unfolded = block.replace(/\r?\n[ \t]+/g, ' ');
  for (const line of unfolded.split(/\r?\n/)) {
    const match = /^([A-Za-z0-9-]+)\s*:\s*(.*)$/.exec(line);
    if (match && !fields.has(match[1].toLowerCase())) fields.set(match[1].toLowerCase(), match[2].trim());
  }
  return fields;
}

/** "rfc822; a@b" → "a@b", "smtp; 550 …" → "550 …" (the type names how to read the rest). */
function withoutType(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const stripped = value.replace(/^[\w-]+\s*;\s*/, '').trim();
  return stripped || undefined;
}

function addressOf(value: string | undefined): string | undefined {
  const stripped = withoutType(value);
  return stripped?.replace(/^<|>$/g, '').trim().toLowerCase() || undefined;
}

/** The fields of a message/delivery-status part (RFC 3464): one per-message block, then one block per recipient. */
export function parseDeliveryStatus(text: string): DeliveryStatus {
  const blocks = text
    .split(/\r?\n[ \t]*\r?\n/)
    .map(parseFieldBlock)
    .filter((f) => f.size > 0);
  const perMessage = blocks.find((f) => !f.has('final-recipient') && !f.has('original-recipient'));
  const recipients = blocks
    .filter((f) => f.has('final-recipient') || f.has('original-recipient'))
    .map((f) => ({
      finalRecipient: addressOf(f.get('final-recipient') ?? f.get('original-recipient')) ?? '',
      originalRecipient: addressOf(f.get('original-recipient')),
      action: f.get('action')?.toLowerCase().split(/\s/)[0],
      status: /\d\.\d{1,3}\.\d{1,3}/.exec(f.get('status') ?? '')?.[0],
      diagnosticCode: withoutType(f.get('diagnostic-code')),
    }));
  return { reportingMta: withoutType(perMessage?.get('reporting-mta')), recipients };
}

/** The machine-readable part of an ARF abuse or fraud report (RFC 5965, message/feedback-report). */
export interface FeedbackReport {
  /** abuse, fraud, virus, not-spam, auth-failure, other … lower-cased. */
  feedbackType: string;
  userAgent?: string;
  /** The envelope sender and recipients of the reported message, lower-cased. */
  originalMailFrom?: string;
  originalRcptTo: string[];
  arrivalDate?: string;
  reportingMta?: string;
  sourceIp?: string;
  reportedDomain?: string;
}

/** The fields of a message/feedback-report part; Original-Rcpt-To may come once per recipient. */
export function parseFeedbackReport(text: string): FeedbackReport {
  const unfolded = text.replace(/\r?\n[ \t]+/g, ' ');
  const all = (name: string) =>
    [...unfolded.matchAll(new RegExp(`^${name}[ \\t]*:[ \\t]*(.*)$`, 'gim'))]
      .map((m) => m[1].trim())
      .filter(Boolean);
  const one = (name: string) => all(name)[0];
  return {
    feedbackType: (one('feedback-type') ?? 'other').toLowerCase().split(/\s/)[0],
    userAgent: one('user-agent'),
    originalMailFrom: addressOf(one('original-mail-from')),
    originalRcptTo: all('original-rcpt-to')
      .map((v) => addressOf(v) ?? '')
      .filter(Boolean),
    arrivalDate: one('arrival-date') ?? one('received-date'),
    reportingMta: withoutType(one('reporting-mta')),
    sourceIp: one('source-ip'),
    reportedDomain: one('reported-domain')?.toLowerCase(),
  };
}

/** The Message-ID in a block of (original) message headers, e.g. a text/rfc822-headers part. */
export function messageIdInHeaderBlock(text: string): string | null {
  const headerBlock = text.split(/\r?\n\r?\n/)[0] ?? '';
  const match = /^message-id[ \t]*:[ \t]*((?:.*)(?:\r?\n[ \t]+.*)*)/im.exec(headerBlock);
  return match ? (parseMessageIds(match[1].replace(/\r?\n[ \t]+/g, ' '))[0] ?? null) : null;
}
