import { httpFailure, jsonOf, providerFetch, SmsProvider, SmsProviderError, SmsSendRequest, SmsSendResult } from './sms-provider';

export interface GatewaySettings {
  baseUrl: string;
  token: string;
  sender: string;
}

const NAME = 'The SMS gateway';

/**
 * A Japanese REST SMS gateway of the kind SMSLINK, Karaden and media-sms offer (docs/sms.md
 * describes the API we speak): a token in `Authorization: Bearer`, JSON bodies, an
 * `Idempotency-Key` header that makes a repeated send answer the first message, reservations
 * (`reserved_at`), cancel and status by id, and a lookup by idempotency key.
 */
export class GatewayProvider implements SmsProvider {
  readonly kind = 'gateway' as const;

  constructor(private readonly s: GatewaySettings) {}

  private url(path: string): string {
    return `${this.s.baseUrl.replace(/\/+$/, '')}${path}`;
  }

  private headers(extra: Record<string, string> = {}): Record<string, string> {
    return { Authorization: `Bearer ${this.s.token}`, Accept: 'application/json', ...extra };
  }

  private async fail(res: Response): Promise<never> {
    const body = await jsonOf(res);
    const err = (body?.error ?? {}) as { code?: unknown; message?: unknown };
    const reason = typeof err.message === 'string' ? err.message.slice(0, 300) : res.statusText;
    const code = typeof err.code === 'string' ? err.code : '';
    if (code === 'invalid_number' || code === 'invalid_to') throw new SmsProviderError('SMS_INVALID_NUMBER', 'now', `${NAME} refused the number: ${reason}`, res.status);
    if (code === 'unauthorized' || code === 'invalid_token') throw new SmsProviderError('SMS_AUTH_FAILED', 'soon', `${NAME} refused the token: ${reason}`, res.status);
    throw httpFailure(NAME, res.status, reason);
  }

  async verify(): Promise<void> {
    const res = await providerFetch(this.url('/v1/account'), { headers: this.headers() }, { name: NAME, ambiguous: false });
    if (!res.ok) await this.fail(res);
    await res.body?.cancel().catch(() => undefined);
  }

  async send(req: SmsSendRequest): Promise<SmsSendResult> {
    const body = JSON.stringify({
      to: `0${req.to.replace(/^\+81/, '')}`,
      body: req.body,
      sender: this.s.sender,
      ...(req.reserveAt ? { reserved_at: req.reserveAt.toISOString() } : {}),
    });
    // The gateway answers a repeated Idempotency-Key with the first message, so a timeout is retried, not given up.
    const res = await providerFetch(this.url('/v1/messages'), { method: 'POST', headers: this.headers({ 'Content-Type': 'application/json', 'Idempotency-Key': req.idempotencyKey }), body }, { name: NAME, ambiguous: 'later' });
    if (!res.ok) await this.fail(res);
    const json = await jsonOf(res);
    const id = json?.id;
    if (typeof id !== 'string' && typeof id !== 'number') throw new SmsProviderError('SMS_PROVIDER_ANSWER', 'later', `${NAME} answered ${res.status} without a message id`);
    return { providerMessageId: String(id), status: typeof json?.status === 'string' ? json.status : 'accepted' };
  }

  async find(req: SmsSendRequest): Promise<string | null> {
    const res = await providerFetch(this.url(`/v1/messages?idempotency_key=${encodeURIComponent(req.idempotencyKey)}`), { headers: this.headers() }, { name: NAME, ambiguous: false });
    if (!res.ok) await this.fail(res);
    const items = (await jsonOf(res))?.items;
    const first = Array.isArray(items) ? (items[0] as { id?: unknown } | undefined) : undefined;
    return first?.id !== undefined && first.id !== null ? String(first.id) : null;
  }

  async cancel(providerMessageId: string): Promise<void> {
    const res = await providerFetch(this.url(`/v1/messages/${encodeURIComponent(providerMessageId)}/cancel`), { method: 'POST', headers: this.headers() }, { name: NAME, ambiguous: false });
    if (!res.ok) await this.fail(res);
    await res.body?.cancel().catch(() => undefined);
  }

  async status(providerMessageId: string): Promise<string> {
    const res = await providerFetch(this.url(`/v1/messages/${encodeURIComponent(providerMessageId)}`), { headers: this.headers() }, { name: NAME, ambiguous: false });
    if (!res.ok) await this.fail(res);
    const s = (await jsonOf(res))?.status;
    return typeof s === 'string' ? s : 'unknown';
  }
}
