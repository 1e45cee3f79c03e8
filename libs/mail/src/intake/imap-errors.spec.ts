import { SecretUnreadable } from '@madoguchi/mailboxes';
import { connectionErrorCode, IntakeErrorCode, readableConnectionError } from './imap-errors';

const error = (props: object, message = 'x') => Object.assign(new Error(message), props);

describe('connectionErrorCode: a stable code per poll failure', () => {
  it.each<[string, unknown, IntakeErrorCode]>([
    ['an unknown host', error({ code: 'ENOTFOUND' }, 'getaddrinfo ENOTFOUND imap.x.invalid'), 'IMAP_HOST_NOT_FOUND'],
    ['a DNS failure that may pass', error({ code: 'EAI_AGAIN' }), 'IMAP_HOST_NOT_FOUND'],
    ['imapflow refusing the sign-in', error({ authenticationFailed: true, responseText: 'Authentication failed.' }), 'IMAP_AUTH_FAILED'],
    ['a server saying AUTHENTICATIONFAILED', error({ response: 'A2 NO [AUTHENTICATIONFAILED] Authentication failed.' }), 'IMAP_AUTH_FAILED'],
    ['a closed port', error({ code: 'ECONNREFUSED' }), 'IMAP_CONNECTION_REFUSED'],
    ['a connect timeout', error({ code: 'CONNECT_TIMEOUT' }), 'IMAP_TIMEOUT'],
    ['a socket timeout', error({}, 'Socket timed out'), 'IMAP_TIMEOUT'],
    ['TLS spoken to a plain port', error({ code: 'ERR_SSL_WRONG_VERSION_NUMBER' }, 'wrong version number'), 'IMAP_TLS_MISMATCH'],
    ['a self-signed certificate', error({ code: 'DEPTH_ZERO_SELF_SIGNED_CERT' }, 'self-signed certificate'), 'IMAP_CERTIFICATE_UNTRUSTED'],
    ['a reset connection', error({ code: 'ECONNRESET' }), 'IMAP_CONNECTION_LOST'],
    ['imapflow without a connection', error({ code: 'NoConnection' }, 'Connection not available'), 'IMAP_CONNECTION_LOST'],
    ['a folder LIST does not know', error({ responseStatus: 'NO', mailboxMissing: true }, 'Command failed'), 'IMAP_FOLDER_MISSING'],
    ['a folder refused as NONEXISTENT', error({ serverResponseCode: 'NONEXISTENT' }, 'Command failed'), 'IMAP_FOLDER_MISSING'],
    ['a stored password that does not decrypt', new SecretUnreadable('imap'), 'SECRET_UNREADABLE'],
    ['anything else', error({}, 'Something odd'), 'IMAP_FAILED'],
    ['a thrown string', 'boom', 'IMAP_FAILED'],
    ['nothing at all', undefined, 'IMAP_FAILED'],
  ])('%s', (_what, e, code) => {
    expect(connectionErrorCode(e)).toBe(code);
  });

  it('keeps an English sentence beside the code for logs', () => {
    expect(readableConnectionError(error({ code: 'ENOTFOUND' }), 'imap.x.invalid', 993)).toBe('Host not found: imap.x.invalid');
    expect(readableConnectionError(new SecretUnreadable('imap'), 'h', 993)).toMatch(/cannot be decrypted/);
  });
});
