import type { SmsMessage } from '../api/sms-api';

/** Codes a cancelled SMS carries when the server, not a person, cancelled it (consent refusals). */
const CANCELLED_BY_CODE = new Set(['SMS_OPTED_OUT', 'SMS_NO_CONSENT']);

/**
 * Why an SMS was cancelled, in the console's words: a consent refusal is described by its code,
 * a cancel by staff names who did it. The server's stored reason (English, for logs) is never shown.
 */
export function smsCancelNote(
  sms: Pick<SmsMessage, 'status' | 'errorCode' | 'cancelledBy' | 'cancelledByName'>,
  describeCode: (code: string) => string,
  cancelledBy: (name: string) => string,
): string {
  if (sms.status !== 'cancelled') return '';
  if (sms.errorCode && CANCELLED_BY_CODE.has(sms.errorCode)) return describeCode(sms.errorCode);
  if (sms.cancelledBy !== null) return cancelledBy(sms.cancelledByName ?? '—');
  return '';
}
