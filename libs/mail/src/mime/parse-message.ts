import { createHash } from 'node:crypto';
import { AddressObject, simpleParser } from 'mailparser';
import addressparser from 'nodemailer/lib/addressparser';
import { decodeBytes, decodeEncodedWords, detectCharset, isValidUtf8 } from './charset';
import { sanitizeEmailHtml } from './sanitize-html';

export interface Address {
  address: string;
  name: string;
}

export interface ParsedAttachment {
  filename: string;
  contentType: string;
  size: number;
  content: Buffer;
  contentId: string | null;
  inline: boolean;
  checksum: string;
}

export interface DeliveryStatus {
  originalMessageId: string | null;
  failedRecipients: string[];
  status?: string;
  diagnostic?: string;
}

export interface ParsedMessage {
  messageId: string | null;
  inReplyTo: string[];
  references: string[];
  from: Address | null;
  replyTo: Address[];
  to: Address[];
  cc: Address[];
  subject: string;
  date: Date | null;
  text: string;
  /** Sanitised for display. */
  html: string | null;
  attachments: ParsedAttachment[];
  headers: {
    autoSubmitted?: string;
    precedence?: string;
    xAutoResponseSuppress?: string;
    xAutoreply?: string;
    xLoop: string[];
    listId?: string;
    returnPath?: string;
    contentType: string;
  };
  isReport: boolean;
  reportType?: string;
  deliveryStatus: DeliveryStatus | null;
}

export class MailParseError extends Error {
  constructor(
    readonly code: 'MALFORMED_MIME' | 'PARSE_TIMEOUT' | 'EMPTY',
    message: string,
  ) {
    super(message);
    this.name = 'MailParseError';
  }
}

const PARSE_TIMEOUT_MS = 30_000;
const ids = (v: string | string[] | undefined): string[] =>
  (Array.isArray(v) ? v : v ? v.split(/\s+/) : [])
    .flatMap((x) => x.match(/<[^<>\s]+>/g) ?? [x])
    .map((x) => x.replace(/^<|>$/g, '').trim())
    .filter(Boolean);

/** Splits the raw message into its header block and body. */
function splitHead(raw: Buffer): { head: Buffer; sep: Buffer; body: Buffer } {
  const crlf = raw.indexOf('\r\n\r\n');
  const lf = raw.indexOf('\n\n');
  if (crlf >= 0 && (lf < 0 || crlf <= lf)) return { head: raw.subarray(0, crlf), sep: raw.subarray(crlf, crlf + 4), body: raw.subarray(crlf + 4) };
  if (lf >= 0) return { head: raw.subarray(0, lf), sep: raw.subarray(lf, lf + 2), body: raw.subarray(lf + 2) };
  return { head: raw, sep: Buffer.alloc(0), body: Buffer.alloc(0) };
}

/**
 * Repairs what mailparser cannot: header blocks written raw in Shift_JIS, EUC-JP or
 * ISO-2022-JP (turned into UTF-8, which it reads), and a single-part body with no charset label
 * (labelled with the detected one).
 */
export function repairRaw(raw: Buffer): Buffer {
  let { head, sep, body } = splitHead(raw);
  let changed = false;
  if (head.some((b) => b >= 0x80 || b === 0x1b) && (head.includes(0x1b) || !isValidUtf8(head))) {
    const cs = detectCharset(head);
    if (cs && cs !== 'utf-8') {
      head = Buffer.from(decodeBytes(head, cs), 'utf8');
      changed = true;
    }
  }
  const headText = head.toString('utf8');
  const ctMatch = /^content-type:([^\r\n]*(?:\r?\n[ \t][^\r\n]*)*)/im.exec(headText);
  const ct = ctMatch?.[1] ?? '';
  if (!/multipart\//i.test(ct) && !/charset\s*=/i.test(ct) && (!ct || /text\//i.test(ct))) {
    const cte = /^content-transfer-encoding:\s*(\S+)/im.exec(headText)?.[1]?.toLowerCase();
    if (!cte || cte === '7bit' || cte === '8bit' || cte === 'binary') {
      const cs = detectCharset(body);
      if (cs) {
        const fixed = ctMatch ? headText.replace(ctMatch[0], `Content-Type: ${ct.trim() || 'text/plain'}; charset=${cs}`) : `${headText}\r\nContent-Type: text/plain; charset=${cs}`;
        head = Buffer.from(fixed, 'utf8');
        changed = true;
      }
    }
  }
  return changed ? Buffer.concat([head, sep.length ? sep : Buffer.from('\r\n\r\n'), body]) : raw;
}

/**
 * mailparser hands header lines over as binary strings (one char per byte) when they hold raw
 * 8-bit text; such a line is decoded as UTF-8 when it is that, else as the detected charset.
 */
function fromBinary(s: string): string {
  if (!/[\x80-\xff]/.test(s) || /[^\x00-\xff]/.test(s)) return s;
  const bytes = Buffer.from(s, 'latin1');
  if (isValidUtf8(bytes)) return bytes.toString('utf8');
  const cs = detectCharset(bytes);
  return cs ? decodeBytes(bytes, cs) : s;
}

function rawHeader(lines: readonly { key: string; line: string }[], key: string): string | undefined {
  const found = lines.find((l) => l.key === key);
  return found ? fromBinary(found.line.slice(found.line.indexOf(':') + 1).replace(/\r?\n[ \t]+/g, ' ').trim()) : undefined;
}

function addressesFrom(lines: readonly { key: string; line: string }[], key: string, fallback: AddressObject | AddressObject[] | undefined): Address[] {
  const value = rawHeader(lines, key);
  if (value !== undefined) {
    const flat = (list: ReturnType<typeof addressparser>): Address[] =>
      list.flatMap((a) => ('group' in a && a.group ? flat(a.group) : a.address ? [{ address: a.address.toLowerCase(), name: decodeEncodedWords(a.name ?? '').trim() }] : []));
    const parsed = flat(addressparser(value));
    if (parsed.length) return parsed;
  }
  const objs = Array.isArray(fallback) ? fallback : fallback ? [fallback] : [];
  return objs.flatMap((o) => o.value).filter((v) => v.address).map((v) => ({ address: v.address!.toLowerCase(), name: v.name ?? '' }));
}

function deliveryStatusOf(attachments: { contentType: string; content: Buffer }[], text: string): DeliveryStatus | null {
  const ds = attachments.find((a) => a.contentType === 'message/delivery-status');
  const original = attachments.find((a) => a.contentType === 'message/rfc822' || a.contentType === 'text/rfc822-headers' || a.contentType === 'message/rfc822-headers');
  const idIn = (s: string) => /^message-id:\s*<?([^>\s]+)>?/im.exec(s)?.[1] ?? null;
  const originalMessageId = (original && idIn(original.content.toString('utf8'))) ?? idIn(text);
  if (!ds && !original && !originalMessageId) return null;
  const dsText = ds?.content.toString('utf8') ?? '';
  const failedRecipients = [...dsText.matchAll(/^final-recipient:\s*[^;]*;\s*(\S+)/gim)].map((m) => m[1].toLowerCase());
  return {
    originalMessageId,
    failedRecipients,
    status: /^status:\s*(\S+)/im.exec(dsText)?.[1],
    diagnostic: /^diagnostic-code:\s*(.+)$/im.exec(dsText)?.[1]?.trim(),
  };
}

/** Parses a raw message into what intake needs, Japanese decoded and HTML sanitised. */
export async function parseMessage(raw: Buffer): Promise<ParsedMessage> {
  if (!raw.length) throw new MailParseError('EMPTY', 'The message is empty');
  const repaired = repairRaw(raw);
  let timer: NodeJS.Timeout | undefined;
  const parsed = await Promise.race([
    simpleParser(repaired, { skipTextLinks: true, skipImageLinks: true, skipTextToHtml: true, keepCidLinks: true }),
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new MailParseError('PARSE_TIMEOUT', `Parsing took longer than ${PARSE_TIMEOUT_MS / 1000} s`)), PARSE_TIMEOUT_MS);
    }),
  ])
    .catch((e: unknown) => {
      if (e instanceof MailParseError) throw e;
      throw new MailParseError('MALFORMED_MIME', (e as Error).message ?? String(e));
    })
    .finally(() => clearTimeout(timer));

  const lines = parsed.headerLines ?? [];
  // mailparser folds some headers into structures (List-* into `list`); the raw lines are plainer.
  const header = (k: string) => rawHeader(lines, k);
  const subjectRaw = rawHeader(lines, 'subject');
  const subject = (subjectRaw !== undefined ? decodeEncodedWords(subjectRaw) : parsed.subject ?? '').replace(/\s+/g, ' ').trim();
  const from = addressesFrom(lines, 'from', parsed.from)[0] ?? null;
  const attachments = parsed.attachments.map((a, i) => {
    const content = a.content ?? Buffer.alloc(0);
    return {
      filename: (a.filename && decodeEncodedWords(a.filename)) || `attachment-${i + 1}${a.contentType === 'message/rfc822' ? '.eml' : '.bin'}`,
      contentType: (a.contentType || 'application/octet-stream').toLowerCase(),
      size: content.length,
      content,
      contentId: a.contentId ? a.contentId.replace(/^<|>$/g, '') : a.cid ?? null,
      inline: a.contentDisposition === 'inline' && !!(a.contentId || a.cid),
      checksum: createHash('sha256').update(content).digest('hex'),
    };
  });
  const contentType = parsed.headers.get('content-type') as { value?: string; params?: Record<string, string> } | undefined;
  const html = typeof parsed.html === 'string' && parsed.html.trim() ? sanitizeEmailHtml(parsed.html) : null;
  const text = (parsed.text ?? '').replace(/\r\n/g, '\n');
  const isReport = contentType?.value === 'multipart/report';
  return {
    messageId: ids(parsed.messageId)[0] ?? null,
    inReplyTo: ids(parsed.inReplyTo),
    references: ids(parsed.references as string | string[] | undefined),
    from,
    replyTo: addressesFrom(lines, 'reply-to', parsed.replyTo),
    to: addressesFrom(lines, 'to', parsed.to),
    cc: addressesFrom(lines, 'cc', parsed.cc),
    subject,
    date: parsed.date && !Number.isNaN(parsed.date.getTime()) ? parsed.date : null,
    text,
    html,
    attachments,
    headers: {
      autoSubmitted: header('auto-submitted'),
      precedence: header('precedence'),
      xAutoResponseSuppress: header('x-auto-response-suppress'),
      xAutoreply: header('x-autoreply') ?? header('x-autorespond'),
      xLoop: lines.filter((l) => l.key === 'x-loop').map((l) => l.line.slice(l.line.indexOf(':') + 1).trim().toLowerCase()),
      listId: header('list-id'),
      returnPath: rawHeader(lines, 'return-path'),
      contentType: contentType?.value ?? 'text/plain',
    },
    isReport,
    reportType: contentType?.params?.['report-type'],
    deliveryStatus: deliveryStatusOf(attachments, text),
  };
}
