import { en } from '../../i18n/en';
import type { Message } from '../../i18n/i18n';
import { ja, type MessageKey } from '../../i18n/ja';
import type { MailboxStatus } from '../../api/mailboxes-api';
import { INTAKE_STATE_LABELS, intakeCardState, intakeErrorMessage, verdictMessage } from './intake-labels';

/** I18n.render without Angular's injector. */
function render(lang: 'ja' | 'en', m: Message | null): string | null {
  if (m === null) {
    return null;
  }
  const dictionary: Record<MessageKey, string> = lang === 'ja' ? ja : en;
  if (!('key' in m)) {
    throw new Error('expected a keyed message');
  }
  return dictionary[m.key].replace(/\{(\w+)\}/g, (match, name: string) =>
    m.params && name in m.params ? String(m.params[name]) : match,
  );
}

const failing: Pick<
  MailboxStatus,
  'state' | 'consecutiveFailures' | 'lastErrorCode' | 'lastError' | 'endpoint'
> = {
  state: 'failing',
  consecutiveFailures: 2,
  lastErrorCode: 'IMAP_HOST_NOT_FOUND',
  lastError: 'Host not found: imap.example.invalid',
  endpoint: { host: 'imap.example.invalid', port: 993 },
};

describe('intake status in words', () => {
  it('says 受信エラー, not 受信中, while the polls fail', () => {
    expect(intakeCardState(true, failing)).toBe('failing');
    expect(ja[INTAKE_STATE_LABELS[intakeCardState(true, failing)]]).toBe('受信エラー');
    expect(en[INTAKE_STATE_LABELS[intakeCardState(true, failing)]]).toBe('Receive error');
    // A failure count without the state (a status from before states) is still a failure.
    expect(intakeCardState(true, { state: 'receiving', consecutiveFailures: 1 })).toBe('failing');
  });

  it('says receiving, paused or not configured otherwise', () => {
    expect(intakeCardState(true, { state: 'receiving', consecutiveFailures: 0 })).toBe('receiving');
    expect(intakeCardState(true, undefined)).toBe('receiving');
    expect(intakeCardState(false, failing)).toBe('paused');
    expect(intakeCardState(true, { state: 'not_configured', consecutiveFailures: 0 })).toBe('notConfigured');
  });

  it('words the error by its code with the host, never the server sentence', () => {
    expect(render('ja', intakeErrorMessage(failing))).toBe(
      'サーバーが見つかりません（imap.example.invalid）',
    );
    expect(render('en', intakeErrorMessage(failing))).toBe('Server not found (imap.example.invalid)');
    expect(render('ja', intakeErrorMessage({ ...failing, lastErrorCode: 'IMAP_AUTH_FAILED' }))).toBe(
      'サインインが拒否されました（ユーザー名かパスワードが違います）',
    );
    expect(render('ja', intakeErrorMessage({ ...failing, lastErrorCode: 'SECRET_UNREADABLE' }))).toBe(
      '保存されたパスワードを復号できません。パスワードを入力し直してください',
    );
    expect(
      render('ja', intakeErrorMessage({ ...failing, lastErrorCode: 'IMAP_CONNECTION_REFUSED' })),
    ).toContain('imap.example.invalid:993');
  });

  it('has no error text without an error, and a generic one for an error without a code', () => {
    expect(intakeErrorMessage({ lastErrorCode: null, lastError: null, endpoint: null })).toBeNull();
    expect(
      render('ja', intakeErrorMessage({ lastErrorCode: null, lastError: 'Something', endpoint: null })),
    ).toBe('メールを取得できませんでした');
  });

  it('words connection test verdicts by code, with what was tested', () => {
    const at = { host: 'mail.example.jp', port: 143, folder: '受信' };
    expect(render('ja', verdictMessage({ verdict: 'auth_failed' }, 'imap', at))).toBe(
      'サインインが拒否されました（ユーザー名かパスワードが違います）',
    );
    expect(render('ja', verdictMessage({ verdict: 'folder_missing' }, 'imap', at))).toBe(
      'サインインできましたが、フォルダ「受信」がありません',
    );
    expect(render('ja', verdictMessage({ verdict: 'tls_mismatch' }, 'smtp', at))).toContain('465');
    expect(render('en', verdictMessage({ verdict: 'not_smtp' }, 'smtp', at))).toBe(
      'mail.example.jp:143 answered, but it is not an SMTP server',
    );
    expect(render('ja', verdictMessage({ verdict: 'closed' }, 'imap', at))).toContain('IMAPサーバーではない');
  });
});
