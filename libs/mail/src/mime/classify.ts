import { ParsedMessage } from './parse-message';

export type MessageKind = 'normal' | 'auto_reply' | 'bounce' | 'loop';

export interface Classification {
  kind: MessageKind;
  reasons: string[];
  bounce?: { originalMessageId: string | null; failedRecipients: string[]; status?: string; diagnostic?: string };
}

const BOUNCE_SENDER = /^(mailer-daemon|postmaster|mail-daemon|mailerdaemon)@/i;
const BOUNCE_SUBJECT = /undeliver|returned mail|returned to sender|delivery status notification|delivery failure|mail delivery failed|failure notice|配信不能|配送不能|宛先不明|送信できませんでした|配信に失敗/i;
const AUTO_SUBJECT = /自動返信|自動応答|auto[- ]?reply|automatic reply|out of (the )?office|不在|vacation|autoreply/i;

/**
 * Loop protection and bounce detection (§4): what must never open a ticket's journal mail or an
 * auto-reply. Mail from our own addresses is a loop; a bounce names the message that bounced.
 */
export function classifyMessage(msg: ParsedMessage, ownAddresses: string[]): Classification {
  const own = new Set(ownAddresses.map((a) => a.toLowerCase()));
  const h = msg.headers;
  const from = msg.from?.address ?? '';
  const reasons: string[] = [];

  if (own.has(from)) return { kind: 'loop', reasons: [`sent from our own address ${from}`] };
  if (h.xLoop.some((x) => [...own].some((a) => x.includes(a)))) return { kind: 'loop', reasons: ['X-Loop names this mailbox'] };

  const reportBounce = msg.isReport && (msg.reportType ?? '').toLowerCase() === 'delivery-status';
  const returnPathEmpty = h.returnPath !== undefined && /^<\s*>$/.test(h.returnPath);
  const looksBounce = BOUNCE_SENDER.test(from) || (returnPathEmpty && BOUNCE_SUBJECT.test(msg.subject));
  if (reportBounce || (looksBounce && BOUNCE_SUBJECT.test(msg.subject)) || (BOUNCE_SENDER.test(from) && msg.deliveryStatus?.originalMessageId)) {
    if (reportBounce) reasons.push('multipart/report; report-type=delivery-status');
    if (BOUNCE_SENDER.test(from)) reasons.push(`from ${from}`);
    if (returnPathEmpty) reasons.push('empty Return-Path');
    const ds = msg.deliveryStatus;
    return {
      kind: 'bounce',
      reasons,
      bounce: { originalMessageId: ds?.originalMessageId ?? null, failedRecipients: ds?.failedRecipients ?? [], status: ds?.status, diagnostic: ds?.diagnostic },
    };
  }

  const auto = h.autoSubmitted?.toLowerCase().trim();
  if (auto && auto !== 'no') reasons.push(`Auto-Submitted: ${auto}`);
  if (h.precedence && /^(bulk|junk|list|auto_reply)$/i.test(h.precedence.trim())) reasons.push(`Precedence: ${h.precedence.trim()}`);
  if (h.xAutoResponseSuppress && /all|autoreply|oof|dr|rn|nrn/i.test(h.xAutoResponseSuppress) && AUTO_SUBJECT.test(msg.subject)) {
    reasons.push(`X-Auto-Response-Suppress: ${h.xAutoResponseSuppress}`);
  }
  if (h.xAutoreply) reasons.push('X-Autoreply');
  if (h.listId) reasons.push(`List-Id: ${h.listId}`);
  if (returnPathEmpty) reasons.push('empty Return-Path');
  if (reasons.length) return { kind: 'auto_reply', reasons };
  return { kind: 'normal', reasons: [] };
}
