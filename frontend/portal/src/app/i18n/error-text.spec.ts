// Angular's http package declares injectables that need the JIT compiler outside an Angular build.
import '@angular/compiler';
import { HttpErrorResponse } from '@angular/common/http';

import { readApiError } from '../api/api-error';
import { safeReturnUrl } from '../core/auth-guard';
import { errorMessage, formErrorMessages } from './error-text';
import { render } from './ja';

const failed = (status: number, body: unknown) =>
  readApiError(new HttpErrorResponse({ status, error: body }));

describe("the portal's error texts", () => {
  it('words a wrong password by its code, never with the server sentence', () => {
    const text = render(
      errorMessage(failed(401, { error: 'UNAUTHENTICATED', message: 'Wrong email or password' })),
    );
    expect(text).toBe('メールアドレスまたはパスワードが正しくありません。');
  });

  it('words every refusal of a post with its own Japanese sentence', () => {
    const codes = [
      'MYPAGE_TEXT_TOO_LONG',
      'MYPAGE_FILE_TOO_LARGE',
      'MYPAGE_NOT_AN_IMAGE',
      'MYPAGE_FILE_TYPE_REFUSED',
      'MYPAGE_FILE_EMPTY',
      'MYPAGE_POST_ONE_CONTENT',
    ];
    const texts = codes.map((error) =>
      render(errorMessage(failed(400, { error, message: 'English', params: { max: 1000 } }))),
    );
    expect(new Set(texts).size).toBe(codes.length);
    for (const text of texts) {
      expect(text).not.toMatch(/English|[A-Za-z]{6,}/);
    }
    expect(texts[0]).toBe('1000文字以内で入力してください。');
  });

  it('shows the password rule problems of a refused password, and the whole error when it has a text', () => {
    const weak = failed(400, {
      error: 'VALIDATION_FAILED',
      fieldCodes: { password: [{ code: 'PASSWORD_COMMON' }] },
    });
    expect(formErrorMessages(weak, ['password']).map(render)).toEqual([
      'よく使われるパスワードのため使えません',
    ]);
    const used = failed(400, {
      error: 'PORTAL_TOKEN_INVALID',
      fieldCodes: { token: [{ code: 'PORTAL_TOKEN_INVALID' }] },
    });
    expect(formErrorMessages(used, ['password']).map(render)).toEqual([
      'このリンクは無効か、有効期限が切れています。お手数ですが新しいリンクをお求めください。',
    ]);
  });

  it('falls back to a text by status for a code it does not know, and tells a network failure', () => {
    expect(render(errorMessage(failed(500, { error: 'SOMETHING_NEW', message: 'Boom' })))).toBe(
      'サーバーでエラーが発生しました。しばらくしてから再度お試しください。',
    );
    expect(render(errorMessage(failed(0, null)))).toBe(
      'サーバーに接続できません。通信環境をご確認ください。',
    );
  });
});

describe('the return address after sign-in', () => {
  it('follows only paths inside the portal', () => {
    expect(safeReturnUrl('/threads/3')).toBe('/threads/3');
    for (const bad of [
      '//evil.example/x',
      'https://evil.example/',
      '/\\evil.example',
      '/login?x=1',
      undefined,
      '',
    ]) {
      expect(safeReturnUrl(bad)).toBe('/threads');
    }
  });
});
