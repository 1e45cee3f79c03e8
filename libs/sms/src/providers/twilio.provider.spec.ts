import { createHmac } from 'node:crypto';
import { twilioSignatureValid } from './twilio.provider';

/** Twilio's documented scheme, computed here only to make a genuine signature to test against. */
function sign(token: string, url: string, params: Record<string, string>): string {
  const data = url + Object.keys(params).sort().map((k) => k + params[k]).join('');
  return createHmac('sha1', token).update(Buffer.from(data, 'utf-8')).digest('base64');
}

describe('twilioSignatureValid', () => {
  const token = 'test-auth-token';
  const url = 'https://madoguchi.example.jp/api/sms/webhooks/twilio/inbound';
  const params = { From: '+819012345678', To: '+815012345678', Body: '停止', MessageSid: 'SM123' };

  it('accepts a request signed with the auth token for exactly this URL', () => {
    expect(twilioSignatureValid(token, sign(token, url, params), url, params)).toBe(true);
  });

  it.each([
    ['another token', () => sign('other-token', url, params), url, params],
    ['another URL', () => sign(token, 'https://evil.example/api/sms/webhooks/twilio/inbound', params), url, params],
    ['a changed body', () => sign(token, url, params), url, { ...params, Body: 'hello' }],
    ['no signature', () => undefined, url, params],
  ])('refuses a forged webhook (%s)', (_, signature, u, p) => {
    expect(twilioSignatureValid(token, signature() as string | undefined, u, p)).toBe(false);
  });
});
