import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { classifyMessage, Classification } from './classify';
import { parseMessage } from './parse-message';

const FIXTURES = join(__dirname, '../../../../test/fixtures/mail');
const OWN = ['Support@Madoguchi.example.jp'];
const classify = async (name: string, own = OWN) =>
  classifyMessage(await parseMessage(readFileSync(join(FIXTURES, name))), own);

const cases: [string, string, Classification['kind'], string[]][] = [
  ['a customer inquiry is normal', 'iso-2022-jp-plain.eml', 'normal', []],
  ['a person writing 不在 in the subject is normal', 'human-absence-subject.eml', 'normal', []],
  ['a customer reply in a thread is normal', 'reply-chain-3.eml', 'normal', []],
  [
    'an Outlook out-of-office (X-Auto-Response-Suppress, no Auto-Submitted) is an auto-reply',
    'outlook-out-of-office.eml',
    'auto_reply',
    ['X-Auto-Response-Suppress: All', 'subject "自動応答: お見積りのご案内 [#IQ000123]"'],
  ],
  [
    'a vacation reply with Auto-Submitted: auto-replied is an auto-reply',
    'vacation-auto-replied.eml',
    'auto_reply',
    ['Auto-Submitted: auto-replied', 'Precedence: bulk', 'subject "不在通知 Re: お問い合わせ"'],
  ],
  [
    'a mailing-list message is kept from opening tickets',
    'mailing-list.eml',
    'auto_reply',
    ['Precedence: list', 'List-Id: Members <members.lists.example.com>'],
  ],
  [
    'our own reply coming back is a loop',
    'reply-chain-2.eml',
    'loop',
    ['sent from our own address support@madoguchi.example.jp'],
  ],
  ['X-Loop naming our mailbox is a loop', 'x-loop.eml', 'loop', ['X-Loop: support@madoguchi.example.jp']],
  [
    'a Postfix DSN is a bounce',
    'bounce-postfix-dsn.eml',
    'bounce',
    ['multipart/report; report-type=delivery-status'],
  ],
  [
    'a Gmail DSN is a bounce',
    'bounce-gmail.eml',
    'bounce',
    ['multipart/report; report-type=delivery-status'],
  ],
  [
    'a qmail failure notice is a bounce',
    'bounce-qmail.eml',
    'bounce',
    ['from mailer-daemon@mail.example.net', 'empty Return-Path', 'subject "failure notice"'],
  ],
  [
    'a Japanese ISP notice (配信不能) is a bounce',
    'bounce-japanese-isp.eml',
    'bounce',
    ['from postmaster@isp.example.ne.jp', 'empty Return-Path', 'subject "配信不能のお知らせ"'],
  ],
];

describe('classifyMessage', () => {
  it.each(cases)('%s', async (_behaviour, file, kind, reasons) => {
    const result = await classify(file);
    expect(result.kind).toBe(kind);
    expect(result.reasons).toEqual(reasons);
  });

  it('finds the bounced message, recipient, status and diagnostic of a Postfix DSN', async () => {
    expect((await classify('bounce-postfix-dsn.eml')).bounce).toMatchObject({
      originalMessageId: 'IQ000123.20261120.7f3a@madoguchi.example.jp',
      failedRecipients: ['no-such-user@example.jp'],
      status: '5.1.1',
      diagnostic: '550 5.1.1 <no-such-user@example.jp>: Recipient address rejected: User unknown',
    });
  });

  it('finds the bounced message of a Gmail DSN in its text/rfc822-headers part', async () => {
    expect((await classify('bounce-gmail.eml')).bounce).toMatchObject({
      originalMessageId: 'IQ000124.20261116.c0de@madoguchi.example.jp',
      failedRecipients: ['gone@example.com'],
      status: '5.1.1',
      diagnostic: '550-5.1.1 The email account that you tried to reach does not exist.',
    });
  });

  it('finds the bounced message quoted in the text of non-standard bounces', async () => {
    expect((await classify('bounce-qmail.eml')).bounce).toMatchObject({
      originalMessageId: 'IQ000125.20261116.beef@madoguchi.example.jp',
      failedRecipients: ['nobody@example.net'],
      status: undefined,
      diagnostic: undefined,
    });
    expect((await classify('bounce-japanese-isp.eml')).bounce).toMatchObject({
      originalMessageId: 'IQ000126.20261116.f00d@madoguchi.example.jp',
      failedRecipients: ['taikai@example.ne.jp'],
      status: undefined,
      diagnostic: undefined,
    });
  });

  it('does not call our own mail a loop when the mailbox has other addresses', async () => {
    expect((await classify('reply-chain-2.eml', ['info@madoguchi.example.jp'])).kind).toBe('normal');
  });

  it('needs more than a bounce-like subject: a person may write "Undelivered Mail"', async () => {
    const message = await parseMessage(
      Buffer.from(
        'From: yamada@example.jp\r\nSubject: Undelivered Mail Returned to Sender\r\n\r\nI got this, what does it mean?',
      ),
    );
    expect(classifyMessage(message, OWN).kind).toBe('normal');
  });

  it("takes Exim's X-Failed-Recipients as a bounce", async () => {
    const message = await parseMessage(
      Buffer.from(
        'From: Mail Delivery System <Mailer-Daemon@mx.example.com>\r\nX-Failed-Recipients: gone@example.com\r\nSubject: Mail delivery failed: returning message to sender\r\n\r\n------ This is a copy of the message, including all the headers. ------\r\nMessage-Id: <IQ000127.x@madoguchi.example.jp>\r\n',
      ),
    );
    expect(classifyMessage(message, OWN)).toMatchObject({
      kind: 'bounce',
      bounce: {
        originalMessageId: 'IQ000127.x@madoguchi.example.jp',
        failedRecipients: ['gone@example.com'],
      },
    });
  });

  it('does not take X-Auto-Response-Suppress alone for an auto-reply (Exchange lists add it to mail people write)', async () => {
    const viaList = await parseMessage(
      Buffer.from(
        'From: yamada@example.jp\r\nX-Auto-Response-Suppress: All\r\nSubject: 不在時の再配達について\r\n\r\n教えてください。',
      ),
    );
    expect(classifyMessage(viaList, OWN)).toEqual({ kind: 'normal', reasons: [] });
  });

  it('does not take a DSN the customer forwarded inline for a bounce of ours', async () => {
    const dsn =
      'Content-Type: multipart/report; report-type=delivery-status; boundary=r\r\n\r\n--r\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; x\r\n\r\nFinal-Recipient: rfc822; a@example.com\r\nAction: failed\r\nStatus: 5.1.1\r\n--r--\r\n';
    const raw = `From: yamada@example.jp\r\nSubject: Fwd: エラーが届きました\r\nContent-Type: multipart/mixed; boundary=m\r\n\r\n--m\r\nContent-Type: text/plain; charset=UTF-8\r\n\r\nこれは何ですか。\r\n--m\r\nContent-Type: message/rfc822\r\nContent-Disposition: inline\r\n\r\nFrom: MAILER-DAEMON@example.com\r\nSubject: Undelivered Mail\r\n${dsn}\r\n--m--\r\n`;
    const message = await parseMessage(Buffer.from(raw));
    expect(message.deliveryStatus).toBeNull();
    expect(classifyMessage(message, OWN).kind).toBe('normal');
  });

  it('takes a success DSN (NOTIFY=SUCCESS) for an automatic message, not a bounce', async () => {
    const raw =
      'From: MAILER-DAEMON@mx.example.jp\r\nSubject: Successful Mail Delivery Report\r\nContent-Type: multipart/report; report-type=delivery-status; boundary=r\r\n\r\n--r\r\nContent-Type: text/plain\r\n\r\ndelivered\r\n--r\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx.example.jp\r\n\r\nFinal-Recipient: rfc822; yamada@example.jp\r\nAction: delivered\r\nStatus: 2.0.0\r\n--r--\r\n';
    expect(classifyMessage(await parseMessage(Buffer.from(raw)), OWN)).toEqual({
      kind: 'auto_reply',
      reasons: ['delivery report: delivered'],
    });
  });

  it('treats Auto-Submitted: no as a person writing', async () => {
    const message = await parseMessage(
      Buffer.from(
        'From: yamada@example.jp\r\nAuto-Submitted: no\r\nSubject: 自動返信について\r\n\r\n自動返信の設定を教えてください。',
      ),
    );
    expect(classifyMessage(message, OWN).kind).toBe('normal');
  });

  it('takes a read receipt (disposition-notification report) as an auto-reply', async () => {
    const message = await parseMessage(
      Buffer.from(
        'From: yamada@example.jp\r\nSubject: Read: x\r\nContent-Type: multipart/report; report-type=disposition-notification; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nread\r\n--b\r\nContent-Type: message/disposition-notification\r\n\r\nDisposition: manual-action/MDN-sent-manually; displayed\r\n--b--\r\n',
      ),
    );
    expect(classifyMessage(message, OWN)).toEqual({
      kind: 'auto_reply',
      reasons: ['read receipt (disposition-notification)'],
    });
  });
});

describe('classifyMessage on multipart/report beyond DSNs', () => {
  it('reads every message/delivery-status part of a report, each recipient with its status', async () => {
    const result = await classify('bounce-multiple-status-parts.eml');
    expect(result.kind).toBe('bounce');
    expect(result.bounce?.recipients.map((r) => [r.finalRecipient, r.action, r.status])).toEqual([
      ['gone@example.net', 'failed', '5.1.1'],
      ['slow@example.net', 'delayed', '4.4.1'],
      ['full@example.org', 'failed', '5.2.2'],
    ]);
    expect(result.bounce?.failedRecipients).toEqual([
      'gone@example.net',
      'slow@example.net',
      'full@example.org',
    ]);
    expect(result.bounce?.originalMessageId).toBe('IQ000127.20261117.aa11@madoguchi.example.jp');
  });

  it('recognises an ARF abuse report (RFC 5965): not an inquiry, tied to the reported mail of ours', async () => {
    const result = await classify('arf-abuse-report.eml');
    expect(result.kind).toBe('abuse_report');
    expect(result.reasons).toEqual([
      'multipart/report; report-type=feedback-report',
      'message/feedback-report part (Feedback-Type: abuse)',
    ]);
    expect(result.bounce?.originalMessageId).toBe('IQ000128.20261117.bb22@madoguchi.example.jp');
    expect(result.bounce?.feedback).toEqual({
      feedbackType: 'abuse',
      userAgent: 'ExampleFBL/1.0',
      originalMailFrom: 'support@madoguchi.example.jp',
      originalRcptTo: ['someone@example.com', 'other@example.com'],
      arrivalDate: 'Tue, 17 Nov 2026 12:00:00 +0900',
      reportingMta: 'fbl.example.com',
      sourceIp: '192.0.2.1',
      reportedDomain: 'madoguchi.example.jp',
    });
  });
});
