import { checkGatewaySignature, gatewaySignature } from './gateway-signature';

describe('checkGatewaySignature', () => {
  const key = 'gateway-token';
  const body = Buffer.from(JSON.stringify({ id: 'in-1', from: '09012345678', body: '停止' }));
  const now = new Date('2026-12-04T03:00:00Z');
  const ts = String(now.getTime() / 1000);

  it('accepts the signature of the raw body and timestamp, keyed by the token', () => {
    expect(checkGatewaySignature(key, { timestamp: ts, signature: gatewaySignature(key, ts, body) }, body, now)).toBe('ok');
  });

  it.each([
    ['another key', () => gatewaySignature('other', ts, body), ts, body, 'invalid'],
    ['a changed body', () => gatewaySignature(key, ts, body), ts, Buffer.from(body.toString().replace('停止', 'hello')), 'invalid'],
    ['a changed timestamp', () => gatewaySignature(key, ts, body), String(Number(ts) + 1), body, 'invalid'],
    ['an old request replayed', () => gatewaySignature(key, String(Number(ts) - 301), body), String(Number(ts) - 301), body, 'expired'],
    ['no signature', () => '', ts, body, 'missing'],
    ['a timestamp that is no number', () => gatewaySignature(key, 'abc', body), 'abc', body, 'invalid'],
  ])('refuses %s', (_, signature, timestamp, raw, result) => {
    expect(checkGatewaySignature(key, { timestamp, signature: signature() }, raw, now)).toBe(result);
  });
});
