import type { SmsProviderKind } from '../settings/sms-settings.entity';

/** One SMS as a provider takes it. */
export interface SmsSendRequest {
  /** E.164 (+819012345678). */
  to: string;
  body: string;
  /** The same for every attempt at one message. */
  idempotencyKey: string;
  /** Reserve it at the provider for this time (gateway reservations); absent: send now. */
  reserveAt?: Date | null;
}

export interface SmsSendResult {
  /** The provider's id of the message (Twilio's Message SID). */
  providerMessageId: string;
  /** The provider's own word for its state (`queued`, `accepted`, `reserved`, …). */
  status: string;
}

/**
 * How a provider's answer is classified (the outbox's `giveUp`): `now` when waiting cannot help
 * (an invalid number, a refusal, a send that may have gone out), `soon` when a setting is wrong
 * (sign-in refused, no such account), `later` when the provider may get over it (429, 5xx).
 */
export class SmsProviderError extends Error {
  constructor(
    readonly code: string,
    readonly giveUp: 'now' | 'soon' | 'later',
    message: string,
    readonly httpStatus: number | null = null,
  ) {
    super(message);
    this.name = 'SmsProviderError';
  }
}

/**
 * One SMS provider (house style: every outside edge behind one small class). The channel
 * adapter knows providers only through this.
 */
export interface SmsProvider {
  readonly kind: SmsProviderKind;
  /** The settings page's connection test: signs in and reads the account, sends nothing. */
  verify(): Promise<void>;
  send(req: SmsSendRequest): Promise<SmsSendResult>;
  /**
   * Whether the provider already has this message (after a crash between its answer and our
   * commit): its id, or null when it has none. `undefined`: the provider cannot tell.
   */
  find(req: SmsSendRequest & { since: Date }): Promise<string | null | undefined>;
  /** Cancels a message reserved at the provider. */
  cancel?(providerMessageId: string): Promise<void>;
  /** The provider's current word for a message's state. */
  status?(providerMessageId: string): Promise<string>;
}

/** How long one call to a provider may take. */
export const PROVIDER_TIMEOUT_MS = 15_000;

/** A fetch that turns network trouble into classified errors; `ambiguous`: whether a timeout may mean it went out. */
export async function providerFetch(url: string, init: RequestInit, o: { name: string; ambiguous: 'now' | 'later' | false; timeoutMs?: number }): Promise<Response> {
  try {
    return await fetch(url, { ...init, redirect: 'manual', signal: AbortSignal.timeout(o.timeoutMs ?? PROVIDER_TIMEOUT_MS) });
  } catch (e) {
    const err = e as Error & { cause?: { code?: string; message?: string } };
    if (err.name === 'TimeoutError' || err.name === 'AbortError') {
      if (o.ambiguous) throw new SmsProviderError('SMS_PROVIDER_TIMEOUT', o.ambiguous, `${o.name} did not answer within ${Math.round((o.timeoutMs ?? PROVIDER_TIMEOUT_MS) / 1000)} s; the message may have gone out`);
      throw new SmsProviderError('SMS_PROVIDER_TIMEOUT', 'later', `${o.name} did not answer in time`);
    }
    const code = err.cause?.code ?? '';
    if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') throw new SmsProviderError('SMS_PROVIDER_NOT_FOUND', 'soon', `${o.name}: the host of ${new URL(url).origin} was not found — check the API base URL`);
    throw new SmsProviderError('SMS_PROVIDER_UNREACHABLE', 'later', `${o.name} could not be reached at ${new URL(url).origin}${code ? ` (${code})` : ''}`);
  }
}

/** A JSON body, or null when there is none or it is not JSON (a proxy's HTML error page). */
export async function jsonOf(res: Response): Promise<Record<string, unknown> | null> {
  const text = await res.text().catch(() => '');
  try {
    const v = JSON.parse(text) as unknown;
    return v && typeof v === 'object' ? (v as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/** The classification every provider shares for status codes it does not word itself. */
export function httpFailure(name: string, status: number, reason: string): SmsProviderError {
  if (status === 401 || status === 403) return new SmsProviderError('SMS_AUTH_FAILED', 'soon', `${name} refused the credentials (${status}): ${reason}`, status);
  if (status === 429) return new SmsProviderError('SMS_RATE_LIMITED', 'later', `${name} is limiting the rate (429): ${reason}`, status);
  if (status >= 500) return new SmsProviderError('SMS_PROVIDER_UNAVAILABLE', 'later', `${name} answered ${status}: ${reason}`, status);
  if (status === 404) return new SmsProviderError('SMS_PROVIDER_SETTING', 'soon', `${name} answered 404 — check the API base URL and the account: ${reason}`, status);
  return new SmsProviderError('SMS_REJECTED', 'now', `${name} refused the message (${status}): ${reason}`, status);
}
