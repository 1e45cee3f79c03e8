import { passwordProblem } from './password-policy';

describe('password policy', () => {
  it('takes 10 to 128 characters, counted as characters, not bytes', () => {
    expect(passwordProblem('nine-char')).toMatch(/at least 10/);
    expect(passwordProblem('窓口の合言葉はひみつ')).toBeNull();
    expect(passwordProblem('k7'.repeat(64))).toBeNull();
    expect(passwordProblem('k7'.repeat(64) + 'x')).toMatch(/at most 128/);
  });

  it('refuses common passwords, also with digits or signs stuck on, and one character repeated', () => {
    expect(passwordProblem('qwertyuiop')).toMatch(/common/);
    expect(passwordProblem('Password1234')).toMatch(/common/);
    expect(passwordProblem('Password2024!')).toMatch(/common/);
    expect(passwordProblem('!!sunshine2026')).toMatch(/common/);
    expect(passwordProblem('aaaaaaaaaaaa')).toMatch(/repeated/);
    expect(passwordProblem('admin-password-123')).toBeNull();
    expect(passwordProblem('正しいパスワード123')).toBeNull();
  });

  it('refuses the account email as its password', () => {
    expect(passwordProblem('yamada.taro@example.jp', { email: 'Yamada.Taro@example.jp' })).toMatch(/email/);
    expect(passwordProblem('yamada.taro', { email: 'yamada.taro@example.jp' })).toMatch(/email/);
  });
});
