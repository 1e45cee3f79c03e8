// The first parser's tests, kept against this one: they must hold whichever implementation runs intake.
import * as Encoding from 'encoding-japanese';
import * as iconv from 'iconv-lite';
import { classifyMessage } from './classify';
import { decodeEncodedWords } from './headers';
import { MailParseError, parseMessage } from './parse-message';

const jis = (s: string) => Buffer.from(Encoding.convert(Encoding.stringToCode(s), { to: 'JIS', from: 'UNICODE' }));
const bword = (bytes: Buffer, cs: string) => `=?${cs}?B?${bytes.toString('base64')}?=`;
const mail = (head: string[], body: Buffer | string) =>
  Buffer.concat([Buffer.from(head.join('\r\n') + '\r\n\r\n', 'latin1'), Buffer.isBuffer(body) ? body : Buffer.from(body, 'utf8')]);

describe('parseMessage: Japanese mail', () => {
  it('decodes ISO-2022-JP with the CP50220 extensions (①, ㈱, 髙, ～) in headers and body', async () => {
    const m = await parseMessage(
      mail(
        [`From: ${bword(jis('髙橋 ㈱'), 'ISO-2022-JP')} <takahashi@example.jp>`, `Subject: ${bword(jis('見積①の件～'), 'ISO-2022-JP')}`, 'Content-Type: text/plain; charset=ISO-2022-JP', 'Message-ID: <a@b>'],
        jis('髙﨑様 ①②㈱ よろしくお願いします～'),
      ),
    );
    expect(m.subject).toBe('見積①の件～');
    expect(m.from).toEqual({ address: 'takahashi@example.jp', name: '髙橋 ㈱' });
    expect(m.text.trim()).toBe('髙﨑様 ①②㈱ よろしくお願いします～');
    expect(m.messageId).toBe('a@b');
  });

  it('reads Shift_JIS as CP932 (① and ～ included)', async () => {
    const m = await parseMessage(mail(['From: a@example.jp', 'Subject: sjis', 'Content-Type: text/plain; charset=Shift_JIS'], iconv.encode('あい①～髙', 'cp932')));
    expect(m.text.trim()).toBe('あい①～髙');
  });

  it('reads EUC-JP', async () => {
    const m = await parseMessage(mail(['From: a@example.jp', 'Subject: euc', 'Content-Type: text/plain; charset=EUC-JP'], iconv.encode('日本語のメール', 'eucjp')));
    expect(m.text.trim()).toBe('日本語のメール');
  });

  it('detects the charset of an unlabelled body (Shift_JIS, ISO-2022-JP)', async () => {
    const sjis = await parseMessage(mail(['From: a@example.jp', 'Subject: x'], iconv.encode('ラベルのない本文です。よろしくお願いします。', 'cp932')));
    expect(sjis.text.trim()).toBe('ラベルのない本文です。よろしくお願いします。');
    const iso = await parseMessage(mail(['From: a@example.jp', 'Subject: x'], jis('ラベルのないJIS本文')));
    expect(iso.text.trim()).toBe('ラベルのないJIS本文');
  });

  it('joins encoded-words split in the middle of a character', async () => {
    const bytes = Buffer.from('佐藤様へのご連絡', 'utf8');
    const subject = `${bword(bytes.subarray(0, 4), 'UTF-8')} ${bword(bytes.subarray(4, 11), 'UTF-8')}\r\n ${bword(bytes.subarray(11), 'UTF-8')}`;
    const m = await parseMessage(mail(['From: a@example.jp', `Subject: ${subject}`], 'x'));
    expect(m.subject).toBe('佐藤様へのご連絡');
    expect(decodeEncodedWords('=?UTF-8?Q?=E4=BD=90?= =?UTF-8?Q?=E8=97=A4?=')).toBe('佐藤');
  });

  it('reads raw 8-bit headers in UTF-8 and in Shift_JIS', async () => {
    const utf8 = await parseMessage(Buffer.concat([Buffer.from('From: '), Buffer.from('山田 <y@example.jp>\r\nSubject: 生のUTF-8件名\r\n\r\nbody', 'utf8')]));
    expect(utf8.subject).toBe('生のUTF-8件名');
    expect(utf8.from).toEqual({ address: 'y@example.jp', name: '山田' });
    const sjis = await parseMessage(Buffer.concat([Buffer.from('From: a@example.jp\r\nSubject: '), iconv.encode('シフトJISの生ヘッダ', 'cp932'), Buffer.from('\r\n\r\nbody')]));
    expect(sjis.subject).toBe('シフトJISの生ヘッダ');
  });

  it('sanitises HTML, keeps cid images, and gives a text rendering of HTML-only mail', async () => {
    const html = '<p onclick="steal()">こんにちは<script>alert(1)</script><img src="cid:logo@x"><a href="javascript:evil()">x</a><a href="https://example.jp">site</a></p>';
    const m = await parseMessage(mail(['From: a@example.jp', 'Subject: html', 'Content-Type: text/html; charset=UTF-8'], html));
    expect(m.html).toContain('こんにちは');
    expect(m.html).not.toMatch(/script|onclick|javascript/);
    expect(m.html).toContain('src="cid:logo@x"');
    expect(m.html).toContain('rel="noopener noreferrer');
    expect(m.text).toContain('こんにちは');
  });

  it('refuses an empty message with a typed error', async () => {
    await expect(parseMessage(Buffer.alloc(0))).rejects.toBeInstanceOf(MailParseError);
  });

  it('survives malformed MIME (no closing boundary, broken base64)', async () => {
    const m = await parseMessage(
      mail(['From: a@example.jp', 'Subject: broken', 'Content-Type: multipart/mixed; boundary="X"'], '--X\r\nContent-Type: text/plain\r\nContent-Transfer-Encoding: base64\r\n\r\n44GC44GE@@@\r\n--X\r\nContent-Type: application/pdf\r\n\r\nabc'),
    );
    expect(m.subject).toBe('broken');
  });
});

describe('classifyMessage', () => {
  const base = (head: string[], body = 'x') => parseMessage(mail(['From: customer@example.jp', 'To: support@example.jp', ...head], body));

  it.each([
    [['Subject: 不在', 'Auto-Submitted: auto-replied'], 'auto_reply'],
    [['Subject: Automatic reply: 見積', 'X-Auto-Response-Suppress: All'], 'auto_reply'],
    [['Subject: news', 'Precedence: bulk'], 'auto_reply'],
    [['Subject: list', 'List-Id: <news.example.jp>'], 'auto_reply'],
    [['Subject: 不在の件で相談です'], 'normal'],
    [['Subject: hi', 'Auto-Submitted: no'], 'normal'],
  ])('%j is %s', async (head, kind) => {
    expect(classifyMessage(await base(head), ['support@example.jp']).kind).toBe(kind);
  });

  it('treats mail from our own address, or with our X-Loop, as a loop', async () => {
    const own = await parseMessage(mail(['From: support@example.jp', 'Subject: x'], 'x'));
    expect(classifyMessage(own, ['support@example.jp']).kind).toBe('loop');
    expect(classifyMessage(await base(['Subject: x', 'X-Loop: support@example.jp']), ['support@example.jp']).kind).toBe('loop');
  });

  it('recognises a qmail-style bounce and finds the bounced Message-ID in its body', async () => {
    const m = await parseMessage(
      mail(['From: MAILER-DAEMON@mx.example.jp', 'Subject: failure notice', 'Return-Path: <>'], 'Sorry, we were unable to deliver your message.\n\n--- Below this line is a copy of the message.\n\nMessage-ID: <orig-1@example.jp>\nSubject: Re: 見積\n'),
    );
    const c = classifyMessage(m, ['support@example.jp']);
    expect(c.kind).toBe('bounce');
    expect(c.bounce?.originalMessageId).toBe('orig-1@example.jp');
  });
});
