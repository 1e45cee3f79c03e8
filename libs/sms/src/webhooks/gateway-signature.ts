import { createHmac, timingSafeEqual } from 'node:crypto';

/** The gateway's webhook headers (docs/sms.md): when it signed, and the signature. */
export const GATEWAY_TIMESTAMP_HEADER = 'x-sms-timestamp';
export const GATEWAY_SIGNATURE_HEADER = 'x-sms-signature';

/** How far a webhook's timestamp may be from our clock: older ones are replays (or a clock to fix). */
export const GATEWAY_TOLERANCE_SECONDS = 300;

/** `sha256=` + hex HMAC-SHA256 over `<timestamp>.<raw body>`, keyed by the gateway token. */
export function gatewaySignature(key: string, timestamp: string, rawBody: Buffer | string): string {
  return `sha256=${createHmac('sha256', key).update(`${timestamp}.`).update(rawBody).digest('hex')}`;
}

export type GatewaySignatureCheck = 'ok' | 'missing' | 'invalid' | 'expired';

/**
 * A gateway webhook checked against the raw bytes it came with: the signature must be ours
 * (compared in constant time) and the timestamp within the tolerance of `now`. The timestamp is
 * inside the signature, so it cannot be changed to replay an old request.
 */
export function checkGatewaySignature(key: string, headers: { timestamp?: string; signature?: string }, rawBody: Buffer, now: Date): GatewaySignatureCheck {
  const { timestamp, signature } = headers;
  if (!key || !timestamp || !signature) return 'missing';
  if (!/^\d{1,12}$/.test(timestamp)) return 'invalid';
  const expected = Buffer.from(gatewaySignature(key, timestamp, rawBody));
  const given = Buffer.from(signature.trim());
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return 'invalid';
  if (Math.abs(now.getTime() / 1000 - Number(timestamp)) > GATEWAY_TOLERANCE_SECONDS) return 'expired';
  return 'ok';
}
