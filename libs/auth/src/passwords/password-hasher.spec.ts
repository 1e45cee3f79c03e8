import { hashPassword, verifyPassword } from './password-hasher';

describe('password hasher', () => {
  it('verifies the right password and refuses a wrong one', async () => {
    const hash = await hashPassword('正しいパスワード123');
    expect(hash.startsWith('scrypt$')).toBe(true);
    await expect(verifyPassword('正しいパスワード123', hash)).resolves.toBe(true);
    await expect(verifyPassword('正しいパスワード124', hash)).resolves.toBe(false);
  });

  it('salts every hash', async () => {
    expect(await hashPassword('same')).not.toEqual(await hashPassword('same'));
  });

  it('refuses a malformed stored hash instead of throwing', async () => {
    await expect(verifyPassword('x', 'plain-text')).resolves.toBe(false);
  });
});
