import { classifySendError, MailboxGoneError, NoSmtpAccountError, PermanentSendError } from './send-errors';

const err = (props: object, message = 'x') => Object.assign(new Error(message), props);

describe('classifySendError', () => {
  it.each([
    ['DNS failure as nodemailer wraps it', err({ code: 'EDNS' }, 'getaddrinfo ENOTFOUND smtp.example.invalid'), 'SMTP_HOST_NOT_FOUND', 'soon'],
    ['a DNS server that did not answer', err({ code: 'EDNS' }, 'getaddrinfo EAI_AGAIN smtp.example.jp'), 'SMTP_HOST_NOT_FOUND', 'later'],
    ['nothing listening', err({ code: 'ESOCKET' }, 'connect ECONNREFUSED 127.0.0.1:9'), 'SMTP_CONNECTION_REFUSED', 'later'],
    ['a refused sign-in', err({ code: 'EAUTH', responseCode: 535, command: 'AUTH PLAIN' }, 'Invalid login: 535 Authentication failed'), 'SMTP_AUTH_FAILED', 'now'],
    ['a refused recipient', Object.assign(new PermanentSendError('550 no such user'), { responseCode: 550, command: 'RCPT TO' }), 'SMTP_RECIPIENT_REFUSED', 'now'],
    ['a refused message', Object.assign(new PermanentSendError('552 too big'), { responseCode: 552, command: 'DATA' }), 'SMTP_MESSAGE_REFUSED', 'now'],
    ['a greylisting answer', err({ responseCode: 451, command: 'DATA' }, '451 try later'), 'SMTP_TEMPORARY', 'later'],
    ['lost after the text went out', err({ code: 'ECONNECTION', command: 'DATA' }, 'Connection closed unexpectedly'), 'SMTP_INTERRUPTED', 'now'],
    ['a TLS mismatch', err({ code: 'ESOCKET' }, 'write EPROTO ssl3_get_record:wrong version number'), 'SMTP_TLS_MISMATCH', 'soon'],
    ['a timeout', err({ code: 'ETIMEDOUT' }, 'Connection timeout'), 'SMTP_TIMEOUT', 'later'],
    ['a deleted mailbox', new MailboxGoneError(), 'MAILBOX_GONE', 'now'],
    ['no SMTP account', new NoSmtpAccountError(), 'MAILBOX_CANNOT_SEND', 'now'],
    ['anything else', new Error('something odd'), 'SMTP_FAILED', 'later'],
  ])('%s → %s', (_name, e, code, giveUp) => {
    expect(classifySendError(e)).toEqual({ code, giveUp });
  });
});
