import { DeliveryStatusRecipient, FeedbackReport } from './delivery-status';
import { parseMessageIds } from './headers';
import { ParsedMessage } from './parse-message';

export type MessageKind = 'normal' | 'auto_reply' | 'bounce' | 'abuse_report' | 'loop';

export interface BounceDetails {
  /** Message-ID of the message that bounced, or that an abuse report is about (ours, if it was one of our replies). */
  originalMessageId: string | null;
  failedRecipients: string[];
  /** Of the first failed (or delayed) recipient. */
  status?: string;
  diagnostic?: string;
  /** Every recipient of every delivery-status part, with its action and status. */
  recipients: DeliveryStatusRecipient[];
  /** For an abuse report: its machine-readable part. */
  feedback?: FeedbackReport;
}

export interface Classification {
  kind: MessageKind;
  reasons: string[];
  /** For a bounce and an abuse report. */
  bounce?: BounceDetails;
}

const BOUNCE_SENDER =
  /^(?:mailer-daemon|mailerdaemon|mail-daemon|postmaster|mail delivery (?:system|subsystem))$/i;
const BOUNCE_SUBJECT =
  /undeliver|returned mail|return(?:ed)? to sender|delivery status notification \((?:failure|delay)\)|delivery (?:status notification|failure|has failed)|mail delivery failed|failure notice|non[- ]?delivery|could not be delivered|配信不能|配送不能|配信エラー|配信失敗|配送エラー|宛先不明|送信できませんでした|届きませんでした|配信に失敗|エラーメール/i;
// How auto-replies begin their subject ("自動応答: …" from Japanese Outlook, "【自動返信】…",
// "不在通知 …"). Anchored, and 不在 only in these forms: "不在時の再配達" is a customer question.
const AUTO_REPLY_SUBJECT =
  /^\s*[[【(（]?\s*(?:自動返信|自動応答|自動送信|不在(?:通知|連絡|のお知らせ|[:：])|auto[- ]?reply|auto[- ]?response|automatic reply|out of (?:the )?office|automatische antwort|abwesen|réponse automatique|respuesta automática|vacation)/i;
const SUPPRESS_AUTO_REPLIES = /\b(?:all|autoreply|oof)\b/i;

/**
 * Loop protection and bounce detection (§4): which messages must never open a ticket, send
 * journal mail or trigger an auto-reply. Checked in this order, the first kind that applies
 * wins, and its signals are listed in reasons:
 * loop (our own mail coming back) › abuse_report (an ARF report, RFC 5965, about a message
 * of ours; handled like a bounce) › bounce (with the bounced message's id) › auto_reply › normal.
 */
export function classifyMessage(msg: ParsedMessage, ownAddresses: string[]): Classification {
  const own = new Set(ownAddresses.map((a) => a.trim().toLowerCase()).filter(Boolean));
  const loop = loopReasons(msg, own);
  if (loop.length) return { kind: 'loop', reasons: loop };
  const abuse = abuseReportReasons(msg);
  if (abuse.length)
    return {
      kind: 'abuse_report',
      reasons: abuse,
      bounce: { ...bounceDetails(msg), feedback: msg.feedbackReport ?? undefined },
    };
  const bounce = bounceReasons(msg);
  if (bounce.length) return { kind: 'bounce', reasons: bounce, bounce: bounceDetails(msg) };
  const auto = autoReplyReasons(msg);
  if (auto.length) return { kind: 'auto_reply', reasons: auto };
  return { kind: 'normal', reasons: [] };
}

function loopReasons(msg: ParsedMessage, own: Set<string>): string[] {
  const reasons: string[] = [];
  const from = msg.from?.address ?? '';
  if (from && own.has(from)) reasons.push(`sent from our own address ${from}`);
  const named = msg.headers.xLoop.find((value) => [...own].some((address) => value.includes(address)));
  if (named) reasons.push(`X-Loop: ${named}`);
  return reasons;
}

/** An ARF report: report-type=feedback-report, or its message/feedback-report part. */
function abuseReportReasons(msg: ParsedMessage): string[] {
  const reasons: string[] = [];
  if (msg.isReport && msg.reportType === 'feedback-report')
    reasons.push('multipart/report; report-type=feedback-report');
  if (msg.feedbackReport)
    reasons.push(`message/feedback-report part (Feedback-Type: ${msg.feedbackReport.feedbackType})`);
  return reasons;
}

function isBounceSender(msg: ParsedMessage): boolean {
  const from = msg.from;
  if (!from) return false;
  const local = from.address.split('@')[0];
  return BOUNCE_SENDER.test(local) || BOUNCE_SENDER.test(from.name.trim());
}

/** A report that every recipient got the message (asked for with NOTIFY=SUCCESS): no bounce. */
function isSuccessReport(msg: ParsedMessage): boolean {
  const recipients = msg.deliveryStatus?.recipients ?? [];
  return (
    recipients.length > 0 &&
    recipients.every((r) => r.action === 'delivered' || r.action === 'relayed' || r.action === 'expanded')
  );
}

function bounceReasons(msg: ParsedMessage): string[] {
  if (isSuccessReport(msg)) return [];
  if (msg.isReport && msg.reportType === 'delivery-status')
    return ['multipart/report; report-type=delivery-status'];
  if (msg.deliveryStatus) return ['message/delivery-status part'];
  // Non-standard bounces (qmail, old Exim and Sendmail, some Japanese ISPs): plain text from the
  // mailer daemon. A bounce-like subject alone could be a person writing about a bounce.
  const signals: string[] = [];
  if (isBounceSender(msg)) signals.push(`from ${msg.from?.address || msg.from?.name}`);
  if (msg.headers.returnPath !== undefined && /^<\s*>$/.test(msg.headers.returnPath.trim()))
    signals.push('empty Return-Path');
  if (msg.headers.xFailedRecipients?.length) signals.push('X-Failed-Recipients');
  const subject = BOUNCE_SUBJECT.test(msg.subject);
  if (msg.headers.xFailedRecipients?.length || (signals.length && subject))
    return [...signals, `subject "${msg.subject}"`];
  return [];
}

function bounceDetails(msg: ParsedMessage): BounceDetails {
  const failed =
    msg.deliveryStatus?.recipients.filter(
      (r) => !r.action || r.action === 'failed' || r.action === 'delayed',
    ) ?? [];
  const first = failed[0];
  const failedRecipients = [
    ...new Set([
      ...failed.map((r) => r.finalRecipient).filter(Boolean),
      ...(msg.headers.xFailedRecipients ?? []),
      ...(failed.length ? [] : recipientsInBounceText(msg.text)),
    ]),
  ];
  return {
    originalMessageId: msg.attachedMessageIds[0] ?? messageIdInBounceText(msg.text, msg.messageId),
    failedRecipients,
    status: first?.status,
    diagnostic: first?.diagnosticCode,
    recipients: msg.deliveryStatus?.recipients ?? [],
  };
}

/**
 * Non-standard bounces quote the original message in their text ("--- Below this line is a copy
 * of the message."); its Message-ID header line is the one to find. The bounce's own id is
 * never the answer.
 */
function messageIdInBounceText(text: string, ownId: string | null): string | null {
  for (const match of text.matchAll(/^[ \t>]*message-id[ \t]*:[ \t]*(.*(?:\r?\n[ \t]+.*)?)$/gim)) {
    const id = parseMessageIds(match[1])[0];
    if (id && id !== ownId) return id;
  }
  return null;
}

/** qmail writes "<a@b>:" at the start of a line for each recipient, Postfix and Exim indent the address. */
function recipientsInBounceText(text: string): string[] {
  const head =
    text.split(
      /^.*(?:below this line is a copy|original message|this is a copy of the message|元のメッセージ).*$/im,
    )[0] ?? text;
  return [...head.matchAll(/^[ \t]*<([^<>\s@]+@[^<>\s]+)>:?/gm)].map((m) => m[1].toLowerCase());
}

/**
 * Auto-Submitted (RFC 3834), Precedence, X-Autoreply/X-Autorespond, List-Id and read receipts
 * decide alone. X-Auto-Response-Suppress does not: Exchange distribution lists put it on mail
 * people write (helpdesks that trusted it alone lost such mail), but Outlook's own out-of-office
 * replies carry it instead of Auto-Submitted, so with an auto-reply subject it decides. A null
 * Return-Path (also used by some form mailers) counts the same way.
 */
function autoReplyReasons(msg: ParsedMessage): string[] {
  const h = msg.headers;
  const reasons: string[] = [];
  const autoSubmitted = h.autoSubmitted
    ?.trim()
    .toLowerCase()
    .split(/[\s;(]/)[0];
  if (autoSubmitted && autoSubmitted !== 'no') reasons.push(`Auto-Submitted: ${autoSubmitted}`);
  const precedence = h.precedence?.trim().toLowerCase();
  if (precedence && /^(?:bulk|junk|list|auto_reply)$/.test(precedence))
    reasons.push(`Precedence: ${precedence}`);
  if (h.xAutoreply !== undefined && !/^\s*no\s*$/i.test(h.xAutoreply)) reasons.push('X-Autoreply');
  if (h.xAutorespond !== undefined && !/^\s*no\s*$/i.test(h.xAutorespond)) reasons.push('X-Autorespond');
  if (h.listId) reasons.push(`List-Id: ${h.listId}`);
  if (msg.isReport && msg.reportType === 'disposition-notification')
    reasons.push('read receipt (disposition-notification)');
  if (isSuccessReport(msg)) reasons.push('delivery report: delivered');
  const weak: string[] = [];
  if (h.xAutoResponseSuppress && SUPPRESS_AUTO_REPLIES.test(h.xAutoResponseSuppress))
    weak.push(`X-Auto-Response-Suppress: ${h.xAutoResponseSuppress}`);
  if (h.returnPath !== undefined && /^<\s*>$/.test(h.returnPath.trim())) weak.push('empty Return-Path');
  const subject = AUTO_REPLY_SUBJECT.test(msg.subject);
  if (!reasons.length && !(weak.length && subject)) return [];
  return [...reasons, ...weak, ...(subject ? [`subject "${msg.subject}"`] : [])];
}
