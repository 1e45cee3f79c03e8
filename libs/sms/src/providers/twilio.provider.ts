import { validateRequest } from 'twilio/lib/webhooks/webhooks';
import { httpFailure, jsonOf, providerFetch, SmsProvider, SmsProviderError, SmsSendRequest, SmsSendResult } from './sms-provider';

export const TWILIO_DEFAULT_BASE_URL = 'https://api.twilio.com';

export interface TwilioSettings {
  accountSid: string;
  authToken: string;
  from: string | null;
  messagingServiceSid: string | null;
  baseUrl: string;
  /** Where Twilio reports delivery (`{PUBLIC_URL}/api/sms/webhooks/twilio/status`); null: not asked for. */
  statusCallback: string | null;
}

const NAME = 'Twilio';

/** Twilio's error codes for a number it will not send to. */
const INVALID_NUMBER_CODES = new Set([21211, 21214, 21217, 21407, 21408, 21612, 21614, 21635]);
/** The recipient replied STOP to this sender. */
const OPTED_OUT = 21610;

/**
 * Twilio's REST Messages API over fetch (form-encoded, basic auth with the account SID and auth
 * token). Twilio has no idempotency key: the Message SID is stored as soon as Twilio answers,
 * and after a crash before that the sent messages to the number are looked up by body and time.
 */
export class TwilioProvider implements SmsProvider {
  readonly kind = 'twilio' as const;

  constructor(private readonly s: TwilioSettings) {}

  private url(path: string): string {
    return `${this.s.baseUrl.replace(/\/+$/, '')}/2010-04-01/Accounts/${encodeURIComponent(this.s.accountSid)}${path}`;
  }

  private headers(extra: Record<string, string> = {}): Record<string, string> {
    return { Authorization: `Basic ${Buffer.from(`${this.s.accountSid}:${this.s.authToken}`).toString('base64')}`, Accept: 'application/json', ...extra };
  }

  private async fail(res: Response): Promise<never> {
    const body = await jsonOf(res);
    const code = typeof body?.code === 'number' ? body.code : Number(body?.code) || null;
    const reason = `${typeof body?.message === 'string' ? body.message.slice(0, 300) : res.statusText}${code ? ` (Twilio error ${code})` : ''}`;
    if (code === 20003 || res.status === 401) throw new SmsProviderError('SMS_AUTH_FAILED', 'soon', `${NAME} refused the account SID or auth token: ${reason}`, res.status);
    if (code && INVALID_NUMBER_CODES.has(code)) throw new SmsProviderError('SMS_INVALID_NUMBER', 'now', `${NAME} refused the number: ${reason}`, res.status);
    if (code === OPTED_OUT) throw new SmsProviderError('SMS_RECIPIENT_OPTED_OUT', 'now', `${NAME}: the recipient has opted out of messages from this sender: ${reason}`, res.status);
    if (code === 20429) throw new SmsProviderError('SMS_RATE_LIMITED', 'later', `${NAME} is limiting the rate: ${reason}`, res.status);
    throw httpFailure(NAME, res.status, reason);
  }

  async verify(): Promise<void> {
    const res = await providerFetch(this.url('.json'), { headers: this.headers() }, { name: NAME, ambiguous: false });
    if (!res.ok) await this.fail(res);
    await res.body?.cancel().catch(() => undefined);
  }

  async send(req: SmsSendRequest): Promise<SmsSendResult> {
    const form = new URLSearchParams({ To: req.to, Body: req.body });
    if (this.s.messagingServiceSid) form.set('MessagingServiceSid', this.s.messagingServiceSid);
    else if (this.s.from) form.set('From', this.s.from);
    if (this.s.statusCallback) form.set('StatusCallback', this.s.statusCallback);
    // Without an idempotency key a timeout may mean it went out: not retried blindly.
    const res = await providerFetch(this.url('/Messages.json'), { method: 'POST', headers: this.headers({ 'Content-Type': 'application/x-www-form-urlencoded' }), body: form.toString() }, { name: NAME, ambiguous: 'now' });
    if (!res.ok) await this.fail(res);
    const json = await jsonOf(res);
    if (typeof json?.sid !== 'string') throw new SmsProviderError('SMS_PROVIDER_ANSWER', 'now', `${NAME} answered ${res.status} without a Message SID; the message may have gone out`);
    if (json.status === 'failed' || json.status === 'undelivered') {
      throw new SmsProviderError('SMS_REJECTED', 'now', `${NAME} took the message but marked it ${json.status}: ${String(json.error_message ?? json.error_code ?? '')}`);
    }
    return { providerMessageId: json.sid, status: typeof json.status === 'string' ? json.status : 'queued' };
  }

  /** Messages to the number sent since the day before `since`, matched by body and creation time. */
  async find(req: SmsSendRequest & { since: Date }): Promise<string | null> {
    const day = new Date(req.since.getTime() - 86_400_000).toISOString().slice(0, 10);
    const q = new URLSearchParams({ To: req.to, 'DateSent>': day, PageSize: '100' });
    const res = await providerFetch(this.url(`/Messages.json?${q.toString()}`), { headers: this.headers() }, { name: NAME, ambiguous: false });
    if (!res.ok) await this.fail(res);
    const list = (await jsonOf(res))?.messages;
    if (!Array.isArray(list)) return null;
    const earliest = req.since.getTime() - 60_000;
    for (const m of list as { sid?: unknown; body?: unknown; to?: unknown; date_created?: unknown }[]) {
      const created = typeof m.date_created === 'string' ? Date.parse(m.date_created) : NaN;
      if (typeof m.sid === 'string' && m.body === req.body && m.to === req.to && (Number.isNaN(created) || created >= earliest)) return m.sid;
    }
    return null;
  }

  async status(providerMessageId: string): Promise<string> {
    const res = await providerFetch(this.url(`/Messages/${encodeURIComponent(providerMessageId)}.json`), { headers: this.headers() }, { name: NAME, ambiguous: false });
    if (!res.ok) await this.fail(res);
    const s = (await jsonOf(res))?.status;
    return typeof s === 'string' ? s : 'unknown';
  }
}

/**
 * A Twilio webhook's X-Twilio-Signature checked with the official library, against exactly the
 * URL Twilio was given (`{PUBLIC_URL}/api/sms/webhooks/twilio/inbound` or `/status`) and the
 * posted form fields. Never hand-written: the library knows Twilio's quirks (ports, sorting).
 */
export function twilioSignatureValid(authToken: string, signature: string | undefined, url: string, params: Record<string, string>): boolean {
  if (!signature || !authToken) return false;
  try {
    return validateRequest(authToken, signature, url, params);
  } catch {
    return false;
  }
}
