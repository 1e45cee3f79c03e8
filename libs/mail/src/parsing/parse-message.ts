import { isAscii } from 'node:buffer';
import { createHash } from 'node:crypto';
import libmime from 'libmime';
import { Attachment, ParsedMail, simpleParser, SimpleParserOptions } from 'mailparser';
import { DeliveryStatus, FeedbackReport } from './delivery-status';
import {
  Address,
  decodeTextHeader,
  firstHeader,
  headerValues,
  parseAddressList,
  parseDateHeader,
  parseMessageIds,
  RawHeaderLine,
} from './headers';
import { inspectMime, MimeInspection } from './inspect-mime';
import { htmlNestsDeeperThan, htmlToPlainText, sanitizeEmailHtml } from './sanitize-html';

export interface ParsedAttachment {
  /** Decoded; a safe fallback ("attachment-1.pdf") when the part names none. */
  filename: string;
  contentType: string;
  size: number;
  content: Buffer;
  /** Without angle brackets. */
  contentId: string | null;
  /** Shown inside the HTML body through a `cid:` reference, not listed as a file. */
  inline: boolean;
  /** sha256, hex. */
  checksum: string;
  /** For an attached message (message/rfc822, a forwarded mail): what it says; else null. */
  message: ForwardedMessage | null;
}

/** An attached message as the reader sees it: its own subject, sender, date and text. */
export interface ForwardedMessage {
  subject: string;
  from: Address | null;
  date: Date | null;
  messageId: string | null;
  /** Its plain text (a rendering of its HTML when it has only HTML), at most FORWARDED_TEXT_LIMIT characters. */
  text: string;
}

export const FORWARDED_TEXT_LIMIT = 100_000;

export interface MessageHeaders {
  autoSubmitted?: string;
  precedence?: string;
  xAutoResponseSuppress?: string;
  xAutoreply?: string;
  xAutorespond?: string;
  xLoop: string[];
  listId?: string;
  /** As written, e.g. "<>" for a bounce. */
  returnPath?: string;
  /** Exim's list of the recipients a bounce is about, lower-cased. */
  xFailedRecipients?: string[];
  /** The top-level media type, lower-cased, e.g. "multipart/report". */
  contentType: string;
}

export interface ParsedMessage {
  /** Without angle brackets, trimmed. */
  messageId: string | null;
  inReplyTo: string[];
  references: string[];
  from: Address | null;
  replyTo: Address[];
  to: Address[];
  cc: Address[];
  subject: string;
  date: Date | null;
  /** The plain text; a rendering of the HTML when the message has only HTML. */
  text: string;
  /** Sanitised for display (see sanitizeEmailHtml); null when the message has no HTML. */
  html: string | null;
  attachments: ParsedAttachment[];
  headers: MessageHeaders;
  isReport: boolean;
  /** report-type of a multipart/report, lower-cased (delivery-status, disposition-notification …). */
  reportType?: string;
  /** The message/delivery-status parts, parsed (bounces and delay notices): every recipient of each. */
  deliveryStatus: DeliveryStatus | null;
  /** The message/feedback-report part of an ARF report (abuse, fraud …), parsed. */
  feedbackReport: FeedbackReport | null;
  /** Message-IDs of the messages attached to this one (message/rfc822, text/rfc822-headers). */
  attachedMessageIds: string[];
  /** What parsing had to repair or leave out, one line each (for logs). */
  notes: string[];
}

export type MailParseErrorCode = 'EMPTY' | 'NOT_A_MESSAGE' | 'MALFORMED_MIME' | 'PARSE_TIMEOUT';

export class MailParseError extends Error {
  constructor(
    readonly code: MailParseErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'MailParseError';
  }
}

export interface ParseOptions {
  /** Give up (MailParseError PARSE_TIMEOUT) after this long; default 30 s. */
  timeoutMs?: number;
  /**
   * 'auto' (the default) skips the MIME inspection for mail it cannot change (see
   * mayNeedInspection); 'always' inspects every message (tests compare the two).
   */
  inspect?: 'auto' | 'always';
}

const DEFAULT_TIMEOUT_MS = 30_000;

const PARSER_OPTIONS: SimpleParserOptions = {
  // Only what intake uses: no link detection in text, no text-to-HTML, cid: links left alone
  // (the console rewrites them), delivery-status parts kept as parts for bounce handling.
  skipTextLinks: true,
  skipTextToHtml: true,
  skipImageLinks: true,
  keepCidLinks: true,
  keepDeliveryStatus: true,
  checksumAlgo: 'sha256',
  // mailparser renders HTML as text only for an HTML-only message root, not for HTML inside
  // multipart/related or an alternative without a text part; textOf renders them all alike.
  skipHtmlToText: true,
};

// html-to-text on a huge HTML body costs seconds of CPU; past this the text is the tags stripped.
const MAX_HTML_TO_RENDER = 2 * 1024 * 1024;
const MAX_HTML_NESTING = 1000;

/**
 * Parses a raw message into what intake needs: Japanese decoded, HTML sanitised, bounce report
 * parts read. Throws MailParseError for input that is not a message or cannot be read in time.
 */
export async function parseMessage(raw: Buffer, opts: ParseOptions = {}): Promise<ParsedMessage> {
  const input = normalizeFraming(raw);
  if (!input.length) throw new MailParseError('EMPTY', 'The message is empty');
  return withTimeout(parseInput(input, opts.inspect ?? 'auto', true), opts.timeoutMs ?? DEFAULT_TIMEOUT_MS);
}

async function parseInput(
  input: Buffer,
  inspect: 'auto' | 'always',
  readAttachedMessages: boolean,
): Promise<ParsedMessage> {
  let message: ParsedMessage | null = null;
  if (inspect === 'auto' && !mayNeedInspection(input)) {
    // Most mail: parsed once, and the result shows whether a label was wrong after all.
    const parsed = await runMailparser(input);
    if (!looksMisdecoded(parsed))
      message = toParsedMessage(parsed, headerLinesOf(parsed), uninspected(input));
  }
  if (!message) {
    const inspection = await inspectOrPassThrough(input);
    const parsed = await runMailparser(inspection.raw);
    message = toParsedMessage(parsed, headerLinesOf(parsed), inspection);
  }
  if (readAttachedMessages) await readAttachedMessagesOf(message, inspect);
  return message;
}

const ATTACHED_MESSAGE_TYPES = new Set(['message/rfc822', 'message/global']);

/**
 * Attached messages (forwards, the returned mail of a bounce) are parsed like any other mail, so
 * that the console can show each as its own block. One level deep: a forward inside a forward
 * stays a file.
 */
async function readAttachedMessagesOf(message: ParsedMessage, inspect: 'auto' | 'always'): Promise<void> {
  for (const attachment of message.attachments) {
    if (!ATTACHED_MESSAGE_TYPES.has(attachment.contentType)) continue;
    const content = normalizeFraming(attachment.content);
    if (!content.length) continue;
    try {
      const inner = await parseInput(content, inspect, false);
      attachment.message = {
        subject: inner.subject,
        from: inner.from,
        date: inner.date,
        messageId: inner.messageId,
        text: inner.text.slice(0, FORWARDED_TEXT_LIMIT),
      };
    } catch {
      // Not readable as a message: it stays a file.
    }
  }
}

async function runMailparser(raw: Buffer): Promise<ParsedMail> {
  try {
    return await simpleParser(raw, PARSER_OPTIONS);
  } catch (e) {
    throw new MailParseError(
      'MALFORMED_MIME',
      `The message could not be parsed: ${(e as Error)?.message ?? String(e)}`,
      { cause: e },
    );
  }
}

function headerLinesOf(parsed: ParsedMail): readonly RawHeaderLine[] {
  const lines: readonly RawHeaderLine[] = parsed.headerLines ?? [];
  if (!lines.some((l) => /^[\x21-\x39\x3b-\x7e]+$/.test(l.key)))
    throw new MailParseError('NOT_A_MESSAGE', 'The input has no message header');
  return lines;
}

// What the inspection is for (see inspectMime): report parts, attached messages, CP5022x and
// ISO-2022-JP-* labels; and ISO-2022-JP labels on base64 or quoted-printable text, whose bytes
// only decoding shows (Shift_JIS sent as "ISO-2022-JP" comes out of mailparser as noise, not as
// U+FFFD).
const INSPECTION_TOPICS =
  /rfc822|delivery-status|feedback-report|multipart\/report|message\/global|cp5022|iso-?2022-?jp-/i;
const JIS_LABEL = /charset\s*=\s*"?\s*(?:iso-?2022-?jp|jis|csiso2022jp)/i;
const ENCODED_BODY = /content-transfer-encoding\s*:\s*"?\s*(?:base64|quoted-printable)/i;

/**
 * Whether the MIME inspection could change how this message reads. Not for mail with any 8-bit
 * byte (its charset has to be worked out) or anything in INSPECTION_TOPICS; for 7-bit mail whose
 * encoded text turns out mislabelled, looksMisdecoded catches it after parsing.
 */
export function mayNeedInspection(raw: Buffer): boolean {
  if (!isAscii(raw)) return true;
  const text = raw.toString('latin1');
  if (INSPECTION_TOPICS.test(text) || (JIS_LABEL.test(text) && ENCODED_BODY.test(text))) return true;
  if (hasNamedTextPart(text)) return true;
  // Only labels whose decoding shows when it is wrong: any other (Shift_JIS, EUC-JP, Latin-1,
  // ANSI_X3.4-1968, which libmime reads as windows-1252 …) can turn wrong bytes into plausible text.
  for (const [, label] of text.matchAll(CHARSET_LABEL)) if (!PLAIN_LABELS.test(label)) return true;
  return false;
}

const CHARSET_LABEL = /charset\s*=\s*"?\s*([^"\s;]+)/gi;

// A Content-Type of text with a name, or an inline Content-Disposition with a file name (the
// inspection makes both attachments); the header may be folded over several lines.
const NAMED_TEXT_TYPE =
  /^content-type[ \t]*:[ \t]*"?text\/(?:plain|html)\b(?:[^\r\n]|\r?\n[ \t])*?\bname\*?[ \t]*=/im;
const INLINE_WITH_FILENAME =
  /^content-disposition[ \t]*:[ \t]*"?inline\b(?:[^\r\n]|\r?\n[ \t])*?\bfilename\*?[ \t]*=/gim;

/** A text part carrying a file name (see attachmentDisposition in inspect-mime.ts). */
function hasNamedTextPart(text: string): boolean {
  if (NAMED_TEXT_TYPE.test(text)) return true;
  for (const match of text.matchAll(INLINE_WITH_FILENAME)) {
    // The part's header block: from the blank line before the match to the one after it.
    const start = Math.max(text.lastIndexOf('\n\n', match.index), text.lastIndexOf('\n\r\n', match.index));
    const ends = [text.indexOf('\n\n', match.index), text.indexOf('\n\r\n', match.index)].filter(
      (i) => i >= 0,
    );
    const block = text.slice(start + 1, ends.length ? Math.min(...ends) : text.length);
    const type = /^content-type[ \t]*:[ \t]*"?([\w.+-]+\/[\w.+-]+)/im.exec(block)?.[1]?.toLowerCase();
    if (!type || type === 'text/plain' || type === 'text/html') return true;
  }
  return false;
}
const PLAIN_LABELS = /^(?:utf-?8|us-ascii|ascii|iso-?2022-?jp)$/i;

/**
 * U+FFFD (bytes the label did not fit), ESC (ISO-2022-JP read as ASCII), C1 controls and
 * private-use characters (what the inspection takes for a wrong label too), or a lone surrogate.
 */
const MISDECODED =
  /[\x1b\x80-\x9f\ue000-\uf8ff\ufffd]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

function looksMisdecoded(parsed: ParsedMail): boolean {
  return (
    MISDECODED.test(parsed.text ?? '') ||
    (typeof parsed.html === 'string' && MISDECODED.test(parsed.html)) ||
    parsed.attachments.some((a) => MISDECODED.test(a.filename ?? ''))
  );
}

function uninspected(raw: Buffer): MimeInspection {
  return {
    raw,
    repairs: [],
    bodyCharset: null,
    deliveryStatus: null,
    feedbackReport: null,
    attachedMessageIds: [],
  };
}

/** The inspection only adds repairs; a message it cannot walk still goes to mailparser as it is. */
async function inspectOrPassThrough(input: Buffer): Promise<MimeInspection> {
  try {
    return await inspectMime(input);
  } catch {
    return uninspected(input);
  }
}

/**
 * Files saved by some tools start with blank lines, which would make the whole message a body;
 * old Mac mailers end lines with a bare CR, which MIME parsers do not take for a line break.
 */
function normalizeFraming(raw: Buffer): Buffer {
  let start = 0;
  while (
    start < raw.length &&
    (raw[start] === 0x0d || raw[start] === 0x0a || raw[start] === 0x20 || raw[start] === 0x09)
  )
    start++;
  const trimmed = start ? raw.subarray(start) : raw;
  if (trimmed.includes(0x0a) || !trimmed.includes(0x0d)) return trimmed;
  return Buffer.from(trimmed.toString('latin1').replace(/\r/g, '\r\n'), 'latin1');
}

function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new MailParseError('PARSE_TIMEOUT', `Parsing took longer than ${ms} ms`)),
      ms,
    );
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

function toParsedMessage(
  parsed: ParsedMail,
  lines: readonly RawHeaderLine[],
  inspection: MimeInspection,
): ParsedMessage {
  const hint = inspection.bodyCharset;
  const header = (key: string) => firstHeader(lines, key, hint);
  const addresses = (key: string) => headerValues(lines, key, hint).flatMap(parseAddressList);
  const contentType = libmime.parseHeaderValue(header('content-type') ?? '');
  const mediaType = (contentType.value || 'text/plain').toLowerCase();
  const notes = [...inspection.repairs];
  const html = displayableHtml(parsed.html, notes);
  const failedRecipients = headerValues(lines, 'x-failed-recipients')
    .flatMap((v) => v.split(/[\s,]+/))
    .filter(Boolean);
  return {
    messageId: parseMessageIds(header('message-id'))[0] ?? null,
    inReplyTo: parseMessageIds(header('in-reply-to')),
    references: parseMessageIds(headerValues(lines, 'references').join(' ')),
    from: addresses('from')[0] ?? null,
    replyTo: addresses('reply-to'),
    to: addresses('to'),
    cc: addresses('cc'),
    subject: decodeTextHeader(header('subject') ?? ''),
    date: parseDateHeader(header('date')),
    text: textOf(parsed.text, html ?? (typeof parsed.html === 'string' ? parsed.html : null)),
    html,
    attachments: parsed.attachments.map((a, i) => toAttachment(a, i, parsed.html || '')),
    headers: {
      autoSubmitted: header('auto-submitted'),
      precedence: header('precedence') ?? header('x-precedence'),
      xAutoResponseSuppress: header('x-auto-response-suppress'),
      xAutoreply: header('x-autoreply'),
      xAutorespond: header('x-autorespond'),
      xLoop: headerValues(lines, 'x-loop').map((v) => v.trim().toLowerCase()),
      listId: header('list-id'),
      returnPath: header('return-path'),
      xFailedRecipients: failedRecipients.length
        ? failedRecipients.map((a) => a.replace(/^<|>$/g, '').toLowerCase())
        : undefined,
      contentType: mediaType,
    },
    isReport: mediaType === 'multipart/report',
    reportType:
      mediaType === 'multipart/report' ? contentType.params['report-type']?.toLowerCase() : undefined,
    deliveryStatus: inspection.deliveryStatus,
    feedbackReport: inspection.feedbackReport,
    attachedMessageIds: inspection.attachedMessageIds,
    notes,
  };
}

/** The HTML, sanitised; null when there is none, or when it nests too deep to process in time. */
function displayableHtml(html: string | false | undefined, notes: string[]): string | null {
  if (typeof html !== 'string' || !html.trim()) return null;
  if (htmlNestsDeeperThan(html, MAX_HTML_NESTING)) {
    notes.push(`HTML nested deeper than ${MAX_HTML_NESTING} levels: shown as text only`);
    return null;
  }
  return sanitizeEmailHtml(html) || null;
}

/**
 * The text part, or a rendering of the HTML when there is none (or it is empty). HTML too big or
 * too deep for the renderer gets its tags stripped instead.
 */
function textOf(text: string | undefined, html: string | null): string {
  const plain = (text ?? '')
    .replace(/\r\n?/g, '\n')
    .replace(/^\s*\n/, '')
    .trimEnd();
  if (plain.trim() || !html) return plain;
  if (html.length > MAX_HTML_TO_RENDER || htmlNestsDeeperThan(html, MAX_HTML_NESTING)) return stripTags(html);
  return htmlToPlainText(html);
}

function stripTags(html: string): string {
  return html
    .replace(/<(script|style|head)\b[\s\S]*?<\/\1\s*>/gi, ' ')
    .replace(/<[^>]*>/g, ' ')
    .replace(/&nbsp;/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&')
    .replace(/[ \t]+/g, ' ')
    .replace(/\s*\n\s*/g, '\n')
    .trim();
}

function toAttachment(a: Attachment, index: number, rawHtml: string): ParsedAttachment {
  const content = a.content ?? Buffer.alloc(0);
  const contentType = (a.contentType || 'application/octet-stream').toLowerCase();
  const contentId = a.contentId ? a.contentId.trim().replace(/^<|>$/g, '').trim() || null : null;
  return {
    filename:
      safeFilename(a.filename) ?? `attachment-${index + 1}.${libmime.detectExtension(contentType) || 'bin'}`,
    contentType,
    size: content.length,
    content,
    contentId,
    inline: !!contentId && rawHtml.includes(`cid:${contentId}`),
    checksum:
      a.checksum && /^[0-9a-f]{64}$/.test(a.checksum)
        ? a.checksum
        : createHash('sha256').update(content).digest('hex'),
    message: null,
  };
}

/** The name without any path (a part named "../../x" must not climb directories) or control characters. */
function safeFilename(name: string | undefined): string | null {
  const base = (name ?? '')
    .replace(/[\x00-\x1f\x7f]/g, '')
    .split(/[\\/]/)
    .pop()!
    .trim();
  return base && base !== '.' && base !== '..' ? base : null;
}
