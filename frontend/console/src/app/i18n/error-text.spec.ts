// Angular's http package declares injectables that need the JIT compiler outside an Angular build.
import '@angular/compiler';
import { HttpErrorResponse } from '@angular/common/http';

import { readApiError } from '../api/api-error';
import { en } from './en';
import { errorMessage, fieldErrorMessage, namedFieldErrorMessage, type Translator } from './error-text';
import type { Message } from './i18n';
import { ja, type MessageKey } from './ja';

/** The dictionaries as I18n uses them, without Angular's injector. */
function translator(lang: 'ja' | 'en'): Translator & { text(m: Message): string } {
  const dictionary: Record<MessageKey, string> = lang === 'ja' ? ja : en;
  const self = {
    lang: (() => lang) as Translator['lang'],
    has: (key: string): key is MessageKey => Object.hasOwn(ja, key),
    t: (key: MessageKey, params?: Readonly<Record<string, string | number>>) =>
      dictionary[key].replace(/\{(\w+)\}/g, (match, name: string) =>
        params && name in params ? String(params[name]) : match,
      ),
    render: (m: Message): string =>
      'key' in m ? self.t(m.key, m.params) : 'lines' in m ? m.lines.map(self.render).join('\n') : m.text,
    text: (m: Message) => self.render(m),
  };
  return self;
}

function response(status: number, body: unknown): HttpErrorResponse {
  return new HttpErrorResponse({ status, error: body });
}

describe('server errors in the console: text by code, never the server sentence', () => {
  const i18n = translator('ja');

  it('reads code, params and field codes, and keeps the English message out', () => {
    const error = readApiError(
      response(409, {
        statusCode: 409,
        error: 'GROUP_EXISTS',
        message: 'A group named 営業 already exists',
        params: { name: '営業' },
      }),
    );
    expect(error).toEqual({ status: 409, code: 'GROUP_EXISTS', params: { name: '営業' }, fields: {} });
    expect(JSON.stringify(error)).not.toContain('already exists');
    expect(i18n.text(errorMessage(i18n, error))).toBe('「営業」という名前のグループはすでにあります');
    expect(translator('en').text(errorMessage(translator('en'), error))).toBe(
      'A group named “営業” already exists',
    );
  });

  it('words a missing right by its scope and puts the right in words', () => {
    const mailbox = readApiError(
      response(403, {
        error: 'RIGHT_REQUIRED',
        message: 'You need the manage right on this mailbox',
        params: { right: 'manage', scope: 'mailbox' },
      }),
    );
    expect(i18n.text(errorMessage(i18n, mailbox))).toBe(
      'この操作には、このメールBOXの「設定」権限が必要です',
    );
    const global = readApiError(
      response(403, {
        error: 'RIGHT_REQUIRED',
        message: 'x',
        params: { right: 'customers.read', scope: 'global' },
      }),
    );
    expect(i18n.text(errorMessage(i18n, global))).toBe('この操作には「顧客閲覧」の権限が必要です');
  });

  it('falls back by status for a code it has no text for, never to the message', () => {
    const unknown = (status: number) =>
      i18n.text(
        errorMessage(
          i18n,
          readApiError(response(status, { error: 'SOMETHING_NEW', message: 'Some English sentence' })),
        ),
      );
    expect(unknown(409)).toBe(ja['errors.conflict']);
    expect(unknown(400)).toBe(ja['errors.unexpected']);
    expect(unknown(403)).toBe(ja['errors.forbidden']);
    expect(unknown(500)).toBe(ja['errors.server']);
    expect(
      i18n.text(
        errorMessage(
          i18n,
          readApiError(response(404, { error: 'FOLDER_NOT_FOUND', message: 'folder 3 does not exist' })),
        ),
      ),
    ).toBe(ja['errors.notFound']);
    expect(i18n.text(errorMessage(i18n, readApiError(new Error('offline'))))).toBe(ja['errors.network']);
  });

  it('words field problems by field and code, with params; bare English field messages become INVALID', () => {
    const error = readApiError(
      response(400, {
        error: 'VALIDATION_FAILED',
        message: 'Validation failed',
        fields: {
          name: ['name must be shorter than or equal to 100 characters'],
          slug: ['slug "a" is already used'],
          note: ['odd'],
        },
        fieldCodes: { name: [{ code: 'MAX_LENGTH', params: { max: 100 } }], slug: [{ code: 'TAKEN' }] },
      }),
    );
    expect(error.fields).toEqual({
      name: [{ code: 'MAX_LENGTH', params: { max: 100 } }],
      slug: [{ code: 'TAKEN' }],
      note: [{ code: 'INVALID' }],
    });
    expect(i18n.text(fieldErrorMessage(i18n, 'name', error.fields['name'][0]))).toBe(
      '100文字以内で入力してください',
    );
    expect(i18n.text(fieldErrorMessage(i18n, 'slug', error.fields['slug'][0]))).toBe(
      'このURLはほかのフォームで使われています',
    );
    expect(i18n.text(fieldErrorMessage(i18n, 'folder.name', { code: 'TAKEN' }))).toBe(
      'この名前はすでに使われています',
    );
    expect(i18n.text(fieldErrorMessage(i18n, 'x', { code: 'TAKEN' }))).toBe('すでに使われています');
    expect(i18n.text(fieldErrorMessage(i18n, 'note', error.fields['note'][0]))).toBe(
      '入力内容が正しくありません',
    );
    expect(i18n.text(namedFieldErrorMessage(i18n, 'steps.0.groupIds', { code: 'UNKNOWN_ID' }))).toBe(
      'グループ: 存在しないグループが指定されています',
    );
  });

  it('has an English text for every Japanese error and field text', () => {
    const keys = Object.keys(ja).filter(
      (k) => k.startsWith('error.') || k.startsWith('fieldError.'),
    ) as MessageKey[];
    expect(keys.length).toBeGreaterThan(80);
    for (const key of keys) {
      expect(en[key]).toBeTruthy();
    }
  });
});
