import { finished } from 'node:stream/promises';
import { Splitter } from '@zone-eu/mailsplit';
import type { MimeNode, SplitterChunk } from '@zone-eu/mailsplit';
import libmime from 'libmime';
import {
  decodesCleanly,
  decodeUtf7,
  detectJapaneseCharset,
  hasEightBit,
  hasIso2022JpEscapes,
  isAsciiLabel,
  isKnownCharset,
  isUtf7Label,
  isUtf8Label,
  isValidUtf8,
  japaneseCharsetOf,
  normalizeLabel,
} from './charset';
import {
  DeliveryStatus,
  FeedbackReport,
  messageIdInHeaderBlock,
  parseDeliveryStatus,
  parseFeedbackReport,
} from './delivery-status';
import { decodeEncodedWords, decodeRawHeaderText, normalizeCharsetLabels, parseMessageIds } from './headers';

/**
 * What a walk over the MIME tree learns before mailparser runs: repairs mailparser needs
 * (charset labels, filenames), and the report parts a bounce is read from.
 */
export interface MimeInspection {
  /** The message to hand to mailparser: the input itself, or a copy with repaired part headers. */
  raw: Buffer;
  /** What was repaired, one line per change (for logs and tests). */
  repairs: string[];
  /** The charset the first body text part is in, a hint for raw 8-bit top-level headers. */
  bodyCharset: string | null;
  /** Every message/delivery-status part, parsed, their recipients in one list. */
  deliveryStatus: DeliveryStatus | null;
  /** The message/feedback-report part of an ARF report (RFC 5965), parsed. */
  feedbackReport: FeedbackReport | null;
  /** Message-IDs of attached messages (message/rfc822, text/rfc822-headers), in order. */
  attachedMessageIds: string[];
}

const MESSAGE_TYPES = new Set(['message/rfc822', 'message/global']);
const HEADERS_TYPES = new Set(['text/rfc822-headers', 'message/rfc822-headers', 'message/global-headers']);
const DELIVERY_STATUS_TYPES = new Set(['message/delivery-status', 'message/global-delivery-status']);
const FEEDBACK_REPORT_TYPE = 'message/feedback-report';

export async function inspectMime(raw: Buffer): Promise<MimeInspection> {
  const chunks = await splitMime(raw);
  const bodies = leafBodies(chunks);
  const repairs: string[] = [];
  let bodyCharset: string | null = null;
  let deliveryStatus: DeliveryStatus | null = null;
  let feedbackReport: FeedbackReport | null = null;
  const attachedMessageIds: string[] = [];
  const leaves: MimeNode[] = [];

  for (const node of chunks) {
    if (node.type !== 'node') continue;
    if (isEmbeddedMessageRoot(node))
      attachedMessageIds.push(...parseMessageIds(headerOf(node, 'message-id')).slice(0, 1));
    const disposition = attachmentDisposition(node);
    if (disposition) repairs.push(disposition);
    const chunksOfBody = bodies.get(node);
    if (!chunksOfBody) continue;
    const body = chunksOfBody.map((c) => c.value);
    leaves.push(node);
    const contentType = contentTypeOf(node);
    if (isBodyText(node) && isUtf7Label(node.charset || '') && node.headers) {
      // mailparser refuses UTF-7 (see isUtf7Label): the part goes on as UTF-8 in base64.
      const label = node.charset;
      const text = decodeUtf7(decodeTransferEncoding(node, body));
      replaceBody(
        chunksOfBody,
        Buffer.from(
          Buffer.from(text, 'utf8')
            .toString('base64')
            .replace(/.{76}(?=.)/g, '$&\r\n'),
        ),
      );
      node.headers.update('Content-Transfer-Encoding', 'base64');
      node.encoding = 'base64';
      node.setCharset('utf-8');
      repairs.push(`part ${leaves.length} (${contentType}): charset ${label} → utf-8`);
      bodyCharset ??= 'utf-8';
    } else if (isBodyText(node)) {
      const charset = charsetForText(decodeTransferEncoding(node, body), node.charset || '', contentType);
      if (charset) {
        repairs.push(
          `part ${leaves.length} (${contentType}): charset ${node.charset || '(none)'} → ${charset}`,
        );
        node.setCharset(charset);
      }
      bodyCharset ??= charset ?? (node.charset || null);
    } else if (DELIVERY_STATUS_TYPES.has(contentType) && !isInsideEmbeddedMessage(node)) {
      // A report inside a forwarded message is the customer's, not one about our mail. A report
      // may carry several parts (one per reporting MTA): every recipient of each counts.
      const status = parseDeliveryStatus(decodeTransferEncoding(node, body).toString('utf8'));
      if (!deliveryStatus) deliveryStatus = status;
      else deliveryStatus.recipients.push(...status.recipients);
    } else if (contentType === FEEDBACK_REPORT_TYPE && !isInsideEmbeddedMessage(node)) {
      feedbackReport ??= parseFeedbackReport(decodeTransferEncoding(node, body).toString('utf8'));
    } else if (MESSAGE_TYPES.has(contentType) || HEADERS_TYPES.has(contentType)) {
      const id = messageIdInHeaderBlock(decodeTransferEncoding(node, body).toString('latin1'));
      if (id) attachedMessageIds.push(id);
    }
  }
  // After the walk, so that the body charset is known as a hint for raw 8-bit names.
  for (const [index, node] of leaves.entries()) {
    const fixed = repairFilenameParams(node, bodyCharset);
    if (fixed) repairs.push(`part ${index + 1}: filename → ${fixed}`);
  }
  return {
    raw: repairs.length ? joinMime(chunks) : raw,
    repairs,
    bodyCharset,
    deliveryStatus,
    feedbackReport,
    attachedMessageIds: [...new Set(attachedMessageIds)],
  };
}

/**
 * Parts mailparser would fold into the body that are attachments: a text part that carries a
 * file name (Apple Mail and phones send attached .txt files as `inline; filename=…`), and a
 * message/rfc822 part marked inline (a forwarded mail, which is its own message, not body text).
 * The root is left alone: a message that is one named text part still has a body.
 */
function attachmentDisposition(node: MimeNode): string | null {
  if (!node.parentNode || node.multipart || node.disposition === 'attachment' || !node.headers) return null;
  const type = contentTypeOf(node);
  const parentType = (node.parentNode.contentType || '').toLowerCase();
  // A named alternative or related part is still the body's rendering, and the root of an
  // attached message is that message's body.
  const namedText =
    (type === 'text/plain' || type === 'text/html') &&
    !!node.filename &&
    !/^multipart\/(?:alternative|related)$/.test(parentType) &&
    !MESSAGE_TYPES.has(parentType);
  if (!namedText && !(type === 'message/rfc822' && node.disposition === 'inline')) return null;
  const line = node.headers.getList().find((l) => l.key === 'content-disposition')?.line;
  const params = line
    ? line
        .replace(/^[^:]*:/, '')
        .replace(/\r?\n[ \t]+/g, ' ')
        .replace(/^\s*[^;]*/, '')
    : '';
  // A Buffer, so that raw 8-bit name bytes go back as they came (a string would be UTF-8 encoded).
  node.headers.update('Content-Disposition', Buffer.from(`attachment${params}`, 'latin1'));
  node.disposition = 'attachment';
  return `${type} part${node.filename ? ` "${node.filename}"` : ''}: disposition ${line ? 'inline' : '(none)'} → attachment`;
}

/** The decoded body of a leaf instead of its bytes (a leaf's body may come in several chunks). */
function replaceBody(chunks: BodyChunk[], body: Buffer): void {
  chunks.forEach((c, i) => (c.value = i ? Buffer.alloc(0) : body));
}

async function splitMime(raw: Buffer): Promise<SplitterChunk[]> {
  const chunks: SplitterChunk[] = [];
  const splitter = new Splitter();
  splitter.on('data', (chunk: SplitterChunk) => chunks.push(chunk));
  splitter.end(raw);
  await finished(splitter);
  return chunks;
}

function joinMime(chunks: SplitterChunk[]): Buffer {
  return Buffer.concat(chunks.map((c) => (c.type === 'node' ? c.getHeaders() : c.value)));
}

type BodyChunk = Exclude<SplitterChunk, MimeNode>;

/** The body chunks (still transfer-encoded) of every leaf node. */
function leafBodies(chunks: SplitterChunk[]): Map<MimeNode, BodyChunk[]> {
  const bodies = new Map<MimeNode, BodyChunk[]>();
  let current: BodyChunk[] | null = null;
  for (const chunk of chunks) {
    if (chunk.type === 'node') {
      current = chunk.multipart ? null : [];
      if (current) bodies.set(chunk, current);
    } else if (chunk.type === 'body' && current) {
      current.push(chunk);
    }
  }
  return bodies;
}

function contentTypeOf(node: MimeNode): string {
  return (node.contentType || 'text/plain').toLowerCase();
}

/** The same test mailparser applies: text/plain or text/html that is not an attachment. */
function isBodyText(node: MimeNode): boolean {
  const type = contentTypeOf(node);
  return (
    (type === 'text/plain' || type === 'text/html') && (!node.disposition || node.disposition === 'inline')
  );
}

function isEmbeddedMessageRoot(node: MimeNode): boolean {
  const parent = node.parentNode;
  return !!parent && MESSAGE_TYPES.has((parent.contentType || '').toLowerCase());
}

function isInsideEmbeddedMessage(node: MimeNode): boolean {
  for (let parent = node.parentNode; parent; parent = parent.parentNode) {
    if (MESSAGE_TYPES.has((parent.contentType || '').toLowerCase())) return true;
  }
  return false;
}

function headerOf(node: MimeNode, key: string): string {
  return node.headers ? node.headers.getFirst(key) : '';
}

function decodeTransferEncoding(node: MimeNode, body: Buffer[]): Buffer {
  const bytes = Buffer.concat(body);
  switch (node.encoding) {
    case 'base64':
      return Buffer.from(bytes.toString('latin1').replace(/[^A-Za-z0-9+/]/g, ''), 'base64');
    case 'quoted-printable':
      return decodeQuotedPrintable(bytes);
    default:
      return bytes;
  }
}

function decodeQuotedPrintable(bytes: Buffer): Buffer {
  const text = bytes
    .toString('latin1')
    .replace(/[ \t]+(?=\r?\n)/g, '')
    .replace(/=\r?\n/g, '')
    .replace(/=([0-9A-Fa-f]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
  return Buffer.from(text, 'latin1');
}

/** A charset named in the HTML itself (`<meta charset>` or `http-equiv`), which mailparser ignores. */
function htmlMetaCharset(bytes: Buffer): string | null {
  const head = bytes.subarray(0, 4096).toString('latin1');
  return /<meta\b[^>]*?charset\s*=\s*["']?\s*([\w.:-]+)/i.exec(head)?.[1] ?? null;
}

/**
 * The charset label a body text part needs so that mailparser decodes it right, or null when its
 * own label is right. mailparser trusts the label: without one (or with us-ascii, or a name it
 * does not know) it reads UTF-8 and turns Shift_JIS or EUC-JP into U+FFFD; CP50220 is such an
 * unknown name; and Japanese mailers send ISO-2022-JP labelled us-ascii or ISO-8859-1, and
 * Shift_JIS labelled ISO-2022-JP. Only a label that demonstrably does not fit the bytes is
 * replaced; a single-byte label (Latin-1, …) fits any bytes and is kept unless the part is
 * plainly ISO-2022-JP.
 */
export function charsetForText(bytes: Buffer, label: string, contentType: string): string | null {
  const declared = normalizeLabel(label);
  const japanese = japaneseCharsetOf(declared);
  if (!hasEightBit(bytes)) {
    if (!hasIso2022JpEscapes(bytes)) return null;
    return japanese === 'ISO-2022-JP' && /^(?:jis|iso-?2022-?jp)/.test(declared) ? null : 'iso-2022-jp';
  }
  const unlabelled = !declared || isAsciiLabel(declared) || !isKnownCharset(declared);
  if (unlabelled || isUtf8Label(declared) || japanese === 'ISO-2022-JP') {
    if (isValidUtf8(bytes)) return unlabelled || isUtf8Label(declared) ? null : 'utf-8';
    const meta = contentType === 'text/html' ? htmlMetaCharset(bytes) : null;
    if (meta && isKnownCharset(meta) && !isUtf8Label(meta) && decodesCleanly(bytes, meta))
      return meta.toLowerCase();
    const detected = detectJapaneseCharset(bytes);
    if (detected && detected !== 'UTF-8') return detected.toLowerCase();
    return unlabelled ? 'windows-1252' : null;
  }
  if (japanese === 'Shift_JIS' || japanese === 'EUC-JP') {
    if (decodesCleanly(bytes, japanese))
      return LIBMIME_JAPANESE_LABELS.test(declared) ? null : japanese.toLowerCase();
    if (isValidUtf8(bytes)) return 'utf-8';
    const detected = detectJapaneseCharset(bytes);
    return detected && detected !== japanese && detected !== 'UTF-8' ? detected.toLowerCase() : null;
  }
  return null;
}

// Labels libmime maps to the CP932 and EUC-JP decoders; other aliases (eucjp-ms, sjis-win …) are relabelled.
const LIBMIME_JAPANESE_LABELS =
  /^(?:shift[_-]jis|sjis|x-sjis|ms_kanji|csshiftjis|windows-31j|cp932|ms932|euc-jp|x-euc-jp|eucjp)$/;

/**
 * Attachment names mailparser mangles: raw Shift_JIS/EUC-JP bytes (it keeps only the bytes that
 * happen to be Latin-1 letters), raw ISO-2022-JP escapes, and CP50220 labels in encoded words or
 * RFC 2231 parameters. The name is decoded here and written back in RFC 2231 UTF-8, which
 * mailparser reads correctly. Returns the new name, or null when nothing needed repair.
 */
function repairFilenameParams(node: MimeNode, hint: string | null): string | null {
  if (!node.headers) return null;
  let repaired: string | null = null;
  for (const key of ['content-disposition', 'content-type']) {
    const line = node.headers.getList().find((l) => l.key === key)?.line;
    if (!line || !/name/i.test(line) || !needsNameRepair(line)) continue;
    const text = normalizeCharsetLabels(decodeRawHeaderText(line, hint));
    const parsed = libmime.parseHeaderValue(libmime.decodeHeader(text).value);
    const param = key === 'content-disposition' ? 'filename' : 'name';
    const name = parsed.params[param];
    if (!name) continue;
    const decoded = parsed.decodedParams.includes(param) ? name : decodeEncodedWords(name);
    parsed.params[param] = decoded;
    node.headers.update(
      key === 'content-type' ? 'Content-Type' : 'Content-Disposition',
      libmime.buildHeaderValue(parsed),
    );
    repaired = decoded;
  }
  return repaired;
}

function needsNameRepair(line: string): boolean {
  if (/\x1b/.test(line)) return true;
  if (/[\x80-\xff]/.test(line) && !isValidUtf8(Buffer.from(line, 'latin1'))) return true;
  return /(?:=\?|\*=\s*"?)(?:x-)?(?:cp5022[012]|iso-2022-jp-\w+)/i.test(line);
}
