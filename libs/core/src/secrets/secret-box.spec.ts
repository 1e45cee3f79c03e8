import { randomBytes } from 'node:crypto';
import { SecretBox } from './secret-box.service';

describe('SecretBox', () => {
  const box = new SecretBox({ secretKey: randomBytes(32) });

  it('round-trips a secret, with a fresh IV each time', () => {
    const a = box.seal('パスワード p@ss');
    expect(box.open(a)).toBe('パスワード p@ss');
    expect(box.seal('パスワード p@ss')).not.toBe(a);
    expect(a).not.toContain('p@ss');
  });

  it('refuses tampered data and a different key with a clear message', () => {
    const sealed = box.seal('secret');
    const parts = sealed.split(':');
    parts[3] = Buffer.from('other').toString('base64');
    expect(() => box.open(parts.join(':'))).toThrow(/SECRET_KEY/);
    expect(() => new SecretBox({ secretKey: randomBytes(32) }).open(sealed)).toThrow(/SECRET_KEY/);
    expect(() => box.open('plain')).toThrow(/not a sealed secret/);
  });
});
