import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as iconv from 'iconv-lite';
import { MailParseError, parseMessage, ParsedMessage } from './parse-message';

const FIXTURES = join(__dirname, '../../../../test/fixtures/mail');
const fixture = (name: string) => readFileSync(join(FIXTURES, name));
const parse = (name: string) => parseMessage(fixture(name));

interface Expected {
  subject: string;
  from: { address: string; name: string } | null;
  text?: string;
  textContains?: string[];
}

const decoding: [string, string, Expected][] = [
  [
    'ISO-2022-JP headers and body',
    'iso-2022-jp-plain.eml',
    {
      subject: 'お見積りのお願い',
      from: { address: 'yamada@example.jp', name: '山田 太郎' },
      text: 'いつもお世話になっております。\nＡＢＣ商事の山田です。お見積りをお願いします。',
    },
  ],
  [
    'ISO-2022-JP with the CP50220 extensions (①, ㈱, ㌔, 髙, 﨑)',
    'iso-2022-jp-ms-extensions.eml',
    {
      subject: '①㈱髙島屋様の件',
      from: { address: 'takahashi@example.jp', name: '髙橋 﨑子' },
      text: '①納品日 ②数量 ③単価\n㈱髙﨑製作所 重さ５㌔ ～ ㍻',
    },
  ],
  [
    'mail labelled CP50220, in headers and body',
    'cp50220-label.eml',
    {
      subject: '①見積書の件',
      from: { address: 'takahashi@example.jp', name: '髙橋 ㈱' },
      text: '㈱髙﨑です。①の件、承知しました。',
    },
  ],
  [
    'Shift_JIS read as CP932 (～, ①, 髙, －)',
    'shift-jis-cp932.eml',
    {
      subject: '納期①～③について',
      from: { address: 'suzuki@example.jp', name: '鈴木 一郎' },
      text: '納期は①～③の順でお願いします。\n髙木様にもよろしく。－以上－',
    },
  ],
  [
    'EUC-JP',
    'euc-jp.eml',
    {
      subject: 'EUC-JPのメールです',
      from: { address: 'sato@example.jp', name: '佐藤 花子' },
      text: '古いUNIXのメーラーから送っています。\nご確認ください。',
    },
  ],
  [
    'unlabelled ISO-2022-JP, raw in the headers too',
    'no-charset-iso-2022-jp.eml',
    {
      subject: 'ラベルのない件名',
      from: { address: 'tanaka@example.jp', name: '田中' },
      text: '文字コードの指定がないJISのメールです。',
    },
  ],
  [
    'unlabelled 8-bit Shift_JIS, raw in the headers too',
    'no-charset-shift-jis.eml',
    {
      subject: '生のシフトJIS件名です',
      from: { address: 'nakamura@example.jp', name: '中村 次郎' },
      text: '文字コードの指定がないシフトJISの本文です。①～',
    },
  ],
  [
    'encoded words split in the middle of a character (B and Q)',
    'split-encoded-words.eml',
    {
      subject: '佐藤様へのご連絡（再送）',
      from: { address: 'sato@example.jp', name: '佐藤 花子' },
      text: '本文です。',
    },
  ],
  [
    'raw 8-bit UTF-8 headers, the last byte of ① kept',
    'raw-utf8-headers.eml',
    {
      subject: '生のUTF-8件名①',
      from: { address: 'mutsumi@example.jp', name: '山田 ムツミ' },
      text: 'ヘッダーに生のUTF-8が入っています。',
    },
  ],
  [
    'multipart/alternative: the text part is the text',
    'multipart-alternative.eml',
    {
      subject: 'テキストとHTML',
      from: { address: 'kobayashi@example.jp', name: '小林 恵' },
      text: 'テキスト版の本文です。',
    },
  ],
  [
    'HTML-only: the text is a rendering of the sanitised HTML',
    'html-only-script.eml',
    {
      subject: 'HTML only',
      from: { address: 'shop@example.com', name: 'Web Shop' },
      textContains: ['ご注文ありがとうございます。', '注文を確認 [https://shop.example.com/order/1]', '商品'],
    },
  ],
  [
    'HTML inside multipart/related without a text part also gets a text rendering',
    'inline-image-cid.eml',
    {
      subject: 'Logo inline',
      from: { address: 'design@example.com', name: 'Design' },
      text: 'ロゴです：',
    },
  ],
  [
    'a missing closing boundary',
    'malformed-missing-boundary-end.eml',
    {
      subject: 'missing closing boundary',
      from: { address: 'yamada@example.jp', name: '' },
      text: '最後の区切りがありません。',
    },
  ],
  [
    'base64 with garbage in it',
    'malformed-bad-base64.eml',
    {
      subject: 'bad base64',
      from: { address: 'yamada@example.jp', name: '' },
      text: '本文はbase64です。',
    },
  ],
  [
    'broken headers: unclosed quote, invalid encoded word, a line without a colon',
    'malformed-broken-headers.eml',
    {
      subject: '壊れたヘッダーabc =?UTF-8?B?invalid!!',
      from: { address: 'broken@example.jp', name: 'Unclosed Quote' },
      text: 'ヘッダーが壊れています。',
    },
  ],
  [
    'a non-standard bounce in ISO-2022-JP',
    'bounce-japanese-isp.eml',
    {
      subject: '配信不能のお知らせ',
      from: { address: 'postmaster@isp.example.ne.jp', name: '' },
      textContains: ['以下の宛先へのメールは配信できませんでした。', '----- 元のメッセージ -----'],
    },
  ],
  [
    'a Postfix bounce, the comment as the name',
    'bounce-postfix-dsn.eml',
    {
      subject: 'Undelivered Mail Returned to Sender',
      from: { address: 'mailer-daemon@mx.madoguchi.example.jp', name: 'Mail Delivery System' },
      textContains: ['<no-such-user@example.jp>: host mx.example.jp[192.0.2.10] said: 550 5.1.1'],
    },
  ],
];

describe('parseMessage decodes subject, sender and text', () => {
  it.each(decoding)('%s', async (_behaviour, file, expected) => {
    const message = await parse(file);
    expect(message.subject).toBe(expected.subject);
    expect(message.from).toEqual(expected.from);
    if (expected.text !== undefined) expect(message.text).toBe(expected.text);
    for (const part of expected.textContains ?? []) expect(message.text).toContain(part);
  });
});

describe('parseMessage repairs only what mailparser gets wrong', () => {
  it.each([
    ['iso-2022-jp-plain.eml'],
    ['iso-2022-jp-ms-extensions.eml'],
    ['shift-jis-cp932.eml'],
    ['euc-jp.eml'],
    ['multipart-alternative.eml'],
    ['bounce-postfix-dsn.eml'],
  ])('leaves %s as it is', async (file) => {
    expect((await parse(file)).notes).toEqual([]);
  });

  it.each([
    ['cp50220-label.eml', 'charset CP50220 → iso-2022-jp'],
    ['no-charset-iso-2022-jp.eml', 'charset (none) → iso-2022-jp'],
    ['no-charset-shift-jis.eml', 'charset (none) → shift_jis'],
    ['attachments-japanese-names.eml', 'filename → 図面.dwg'],
  ])('repairs %s (%s)', async (file, repair) => {
    expect((await parse(file)).notes.join('\n')).toContain(repair);
  });

  it('relabels Shift_JIS sent as ISO-2022-JP, and reads an HTML part by its <meta> charset', async () => {
    const body = iconv.encode('文字コードの表示が間違っているメールです。', 'cp932');
    const labelledJis = await parseMessage(
      Buffer.concat([
        Buffer.from(
          'From: a@example.jp\r\nSubject: x\r\nContent-Type: text/plain; charset=ISO-2022-JP\r\n\r\n',
        ),
        body,
      ]),
    );
    expect(labelledJis.text).toBe('文字コードの表示が間違っているメールです。');
    const html = Buffer.concat([
      Buffer.from(
        'From: a@example.jp\r\nSubject: x\r\nContent-Type: text/html\r\n\r\n<html><head><meta http-equiv="Content-Type" content="text/html; charset=EUC-JP"></head><body><p>',
      ),
      iconv.encode('メタで指定された文字コード', 'eucjp'),
      Buffer.from('</p></body></html>'),
    ]);
    const meta = await parseMessage(html);
    expect(meta.html).toBe('<p>メタで指定された文字コード</p>');
    expect(meta.text).toBe('メタで指定された文字コード');
  });

  it('keeps Latin-1 headers and bodies Latin-1 (raw 8-bit headers read in the body charset)', async () => {
    const raw = Buffer.from(
      'From: =?ISO-8859-1?Q?J=F6rg_M=FCller?= <joerg@example.de>\r\nSubject: Grüße aus Köln\r\nContent-Type: text/plain; charset=iso-8859-1\r\n\r\nViele Grüße',
      'latin1',
    );
    const message = await parseMessage(raw);
    expect(message.subject).toBe('Grüße aus Köln');
    expect(message.from).toEqual({ address: 'joerg@example.de', name: 'Jörg Müller' });
    expect(message.text).toBe('Viele Grüße');
    expect(message.notes).toEqual([]);
  });

  it('keeps white space that is inside an encoded word', async () => {
    const message = await parseMessage(
      Buffer.from('From: a@example.de\r\nSubject: =?iso-8859-1?Q?CI_Daten_f=FCr_PublicView_?=\r\n\r\nx'),
    );
    expect(message.subject).toBe('CI Daten für PublicView ');
  });
});

describe('parseMessage reads ids, addresses and dates', () => {
  it('gives Message-ID, In-Reply-To and References without angle brackets', async () => {
    const third = await parse('reply-chain-3.eml');
    expect(third.messageId).toBe('chain-3@example.jp');
    expect(third.inReplyTo).toEqual(['IQ000200.20261117.1@madoguchi.example.jp']);
    expect(third.references).toEqual(['chain-1@example.jp', 'IQ000200.20261117.1@madoguchi.example.jp']);
    expect(third.subject).toBe('RE: Re: 配送について [#IQ000200]');
    const second = await parse('reply-chain-2.eml');
    expect(second.inReplyTo).toEqual(['chain-1@example.jp']);
    expect(second.references).toEqual(['chain-1@example.jp']);
    expect((await parse('reply-chain-1.eml')).references).toEqual([]);
  });

  it('lower-cases addresses and keeps quoted names with commas whole', async () => {
    const message = await parse('multipart-alternative.eml');
    expect(message.cc).toEqual([
      { address: 'ken.ito@example.jp', name: 'Ito, Ken' },
      { address: 'sales@example.jp', name: '' },
    ]);
    expect(message.replyTo).toEqual([{ address: 'reply@example.jp', name: '' }]);
    expect(message.to).toEqual([{ address: 'support@madoguchi.example.jp', name: '' }]);
  });

  it('reads the Date header, a bare "JST" included, and gives null for an unreadable one', async () => {
    expect((await parse('iso-2022-jp-plain.eml')).date?.toISOString()).toBe('2026-11-16T01:15:00.000Z');
    const jst = await parseMessage(
      Buffer.from('From: a@example.jp\r\nDate: Mon, 16 Nov 2026 10:15:00 JST\r\nSubject: x\r\n\r\nx'),
    );
    expect(jst.date?.toISOString()).toBe('2026-11-16T01:15:00.000Z');
    const broken = await parse('malformed-broken-headers.eml');
    expect(broken.date).toBeNull();
    expect(broken.messageId).toBe('no-brackets@example.jp');
  });

  it('gives null for a missing From and Message-ID', async () => {
    const message = await parseMessage(Buffer.from('Subject: nobody\r\n\r\nx'));
    expect(message.from).toBeNull();
    expect(message.messageId).toBeNull();
    expect(message.subject).toBe('nobody');
  });
});

describe('parseMessage returns attachments', () => {
  const summary = (m: ParsedMessage) =>
    m.attachments.map((a) => ({
      filename: a.filename,
      contentType: a.contentType,
      size: a.size,
      inline: a.inline,
      contentId: a.contentId,
    }));

  it('decodes Japanese names: RFC 2231 in ISO-2022-JP and UTF-8 (continued), encoded words, raw Shift_JIS; names the nameless', async () => {
    const message = await parse('attachments-japanese-names.eml');
    expect(summary(message)).toEqual([
      { filename: '見積書①.pdf', contentType: 'application/pdf', size: 77, inline: false, contentId: null },
      {
        filename: '請求書_2026年11月分.xlsx',
        contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
        size: 29,
        inline: false,
        contentId: null,
      },
      { filename: '議事録.txt', contentType: 'text/plain', size: 19, inline: false, contentId: null },
      { filename: '図面.dwg', contentType: 'application/acad', size: 8, inline: false, contentId: null },
      {
        filename: 'attachment-5.bin',
        contentType: 'application/octet-stream',
        size: 3,
        inline: false,
        contentId: null,
      },
    ]);
    expect(message.text).toBe('資料を添付します。');
    expect(message.attachments[0].content.subarray(0, 8).toString('latin1')).toBe('%PDF-1.4');
    expect(message.attachments[0].checksum).toMatch(/^[0-9a-f]{64}$/);
  });

  it('marks an image inline only when the HTML shows it through cid:', async () => {
    const message = await parse('inline-image-cid.eml');
    expect(summary(message)).toEqual([
      {
        filename: 'logo.png',
        contentType: 'image/png',
        size: 70,
        inline: true,
        contentId: 'logo.png@01DA0001',
      },
      {
        filename: 'unused.png',
        contentType: 'image/png',
        size: 70,
        inline: false,
        contentId: 'unused@01DA0001',
      },
    ]);
    expect(message.html).toBe('<p>ロゴです：<img src="cid:logo.png@01DA0001" alt="logo" /></p>');
  });

  it('keeps a forwarded message as an .eml attachment and records its Message-ID', async () => {
    const message = await parse('forwarded-rfc822.eml');
    expect(summary(message)).toEqual([
      { filename: 'original.eml', contentType: 'message/rfc822', size: 189, inline: false, contentId: null },
    ]);
    expect(message.text).toBe('転送します。');
    expect(message.attachedMessageIds).toEqual(['orig.42@example.com']);
  });

  it('returns what it can of a truncated or badly encoded attachment', async () => {
    expect(summary(await parse('malformed-missing-boundary-end.eml'))).toEqual([
      { filename: 'cut.pdf', contentType: 'application/pdf', size: 9, inline: false, contentId: null },
    ]);
    expect((await parse('malformed-bad-base64.eml')).attachments.map((a) => a.filename)).toEqual([
      'broken.jpg',
    ]);
  });

  it('strips directories from attachment names', async () => {
    const raw =
      'From: a@example.jp\r\nSubject: x\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nx\r\n--b\r\nContent-Type: application/octet-stream\r\nContent-Disposition: attachment; filename="../../etc/passwd"\r\n\r\nroot\r\n--b--\r\n';
    expect((await parseMessage(Buffer.from(raw))).attachments[0].filename).toBe('passwd');
  });
});

describe('parseMessage sanitises HTML for display', () => {
  it('drops scripts, event handlers, javascript: links, forms, frames and the <head>, and holds back remote images', async () => {
    const html = (await parse('html-only-script.eml')).html ?? '';
    expect(html).toContain('<p style="color:red">ご注文ありがとうございます。</p>');
    expect(html).toContain(
      '<a href="https://shop.example.com/order/1" target="_blank" rel="noopener noreferrer">注文を確認</a>',
    );
    // Remote images are held back until an agent asks for them (sanitize-html.ts, REMOTE_SRC).
    expect(html).toContain(
      '<img data-remote-src="http://tracker.example.com/pixel.gif" /><img alt="logo" data-remote-src="https://shop.example.com/logo.png" />',
    );
    expect(html).toContain('<table border="1"><tr><td>商品</td><td>数量</td></tr></table>');
    for (const banned of [
      '<script',
      'alert(',
      'onclick',
      'onload',
      'javascript:',
      '<form',
      '<input',
      '<iframe',
      ' src="http',
      'Page title',
      'position',
      'background',
    ]) {
      expect(html).not.toContain(banned);
    }
  });

  it('gives null html for a text-only message', async () => {
    expect((await parse('iso-2022-jp-plain.eml')).html).toBeNull();
  });
});

describe('parseMessage reads report parts', () => {
  it('parses message/delivery-status and the Message-ID of the returned message', async () => {
    const message = await parse('bounce-postfix-dsn.eml');
    expect(message.isReport).toBe(true);
    expect(message.reportType).toBe('delivery-status');
    expect(message.deliveryStatus).toEqual({
      reportingMta: 'mx.madoguchi.example.jp',
      recipients: [
        {
          finalRecipient: 'no-such-user@example.jp',
          originalRecipient: 'no-such-user@example.jp',
          action: 'failed',
          status: '5.1.1',
          diagnosticCode: '550 5.1.1 <no-such-user@example.jp>: Recipient address rejected: User unknown',
        },
      ],
    });
    expect(message.attachedMessageIds).toEqual(['IQ000123.20261120.7f3a@madoguchi.example.jp']);
    expect(message.headers.returnPath).toBe('<>');
    expect(message.headers.contentType).toBe('multipart/report');
  });

  it('reads the Message-ID of a text/rfc822-headers part, folded onto the next line', async () => {
    expect((await parse('bounce-gmail.eml')).attachedMessageIds).toEqual([
      'IQ000124.20261116.c0de@madoguchi.example.jp',
    ]);
  });
});

describe('parseMessage fails with a typed error, never a hang', () => {
  it('rejects empty input', async () => {
    await expect(parseMessage(Buffer.alloc(0))).rejects.toMatchObject({
      name: 'MailParseError',
      code: 'EMPTY',
    });
    await expect(parseMessage(Buffer.from('\r\n\r\n  \n'))).rejects.toMatchObject({ code: 'EMPTY' });
  });

  it('rejects input without any header', async () => {
    await expect(
      parseMessage(Buffer.from([0x00, 0x01, 0x02, 0xff, 0xfe, 0x0a, 0x00])),
    ).rejects.toBeInstanceOf(MailParseError);
    await expect(parseMessage(Buffer.from('just some words\nand more words\n'))).rejects.toMatchObject({
      code: 'NOT_A_MESSAGE',
    });
  });

  it('gives up after the timeout', async () => {
    const big = Buffer.concat([
      Buffer.from('From: a@example.jp\r\nSubject: big\r\nContent-Type: text/plain\r\n\r\n'),
      Buffer.alloc(8 * 1024 * 1024, 'x'),
    ]);
    await expect(parseMessage(big, { timeoutMs: 1 })).rejects.toMatchObject({ code: 'PARSE_TIMEOUT' });
  });

  it('gives up on HTML nested absurdly deep instead of spending seconds on it, keeping its text', async () => {
    const html = `${'<div>'.repeat(100_000)}深すぎる${'</div>'.repeat(100_000)}`;
    const started = Date.now();
    const message = await parseMessage(
      Buffer.from(
        `From: a@example.jp\r\nSubject: deep\r\nContent-Type: text/html; charset=UTF-8\r\n\r\n${html}`,
      ),
    );
    expect(Date.now() - started).toBeLessThan(3000);
    expect(message.html).toBeNull();
    expect(message.text).toBe('深すぎる');
    expect(message.notes).toEqual(['HTML nested deeper than 1000 levels: shown as text only']);
  });

  it('reads a message with bare CR line ends', async () => {
    const message = await parseMessage(Buffer.from('From: a@example.jp\rSubject: old Mac\r\rbody'));
    expect(message.subject).toBe('old Mac');
    expect(message.text).toBe('body');
  });

  it('drops control characters from the subject and names', async () => {
    const message = await parseMessage(
      Buffer.from('From: "A\x00B" <a@example.jp>\r\nSubject: nul\x00here\r\n\r\nbody'),
    );
    expect(message.subject).toBe('nulhere');
    expect(message.from).toEqual({ address: 'a@example.jp', name: 'AB' });
  });

  it('parses a message whose file starts with blank lines', async () => {
    expect(
      (await parseMessage(Buffer.from('\r\n\r\nFrom: a@example.jp\r\nSubject: late start\r\n\r\nbody')))
        .subject,
    ).toBe('late start');
  });
});

describe('parseMessage reads every mail right (held-out corpora)', () => {
  it('decodes raw 8-bit bytes inside and next to encoded words once, in the message charset', async () => {
    const latin1 = await parse('raw-latin1-in-encoded-words.eml');
    expect(latin1.subject).toBe('Frösche über Kröten');
    expect(latin1.from).toEqual({ address: 'joerg@example.de', name: 'Jörg Müller' });
    expect(latin1.text).toBe('Grüße aus Köln');
    expect((await parse('raw-utf8-in-encoded-word.eml')).subject).toBe('Frösche und 日本');
  });

  it('decodes a raw Latin-1 byte inside an encoded word of an attachment name once', async () => {
    const raw = Buffer.from(
      'From: a@example.de\r\nSubject: x\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain; charset=iso-8859-1\r\n\r\nGrüße\r\n--b\r\nContent-Type: application/pdf\r\nContent-Disposition: attachment; filename="=?ISO-8859-1?Q?Pr=FCfung_Köln?=.pdf"\r\n\r\n%PDF\r\n--b--\r\n',
      'latin1',
    );
    expect((await parseMessage(raw)).attachments.map((a) => a.filename)).toEqual(['Prüfung Köln.pdf']);
  });

  it('reads unlabelled raw Shift_JIS headers of kanji only (no kana to detect by)', async () => {
    const message = await parse('raw-shift-jis-kanji-headers.eml');
    expect(message.subject).toBe('見積依頼 (No.12)');
    expect(message.from).toEqual({ address: 'info@yamamoto.example.jp', name: '山本商事' });
  });

  it('keeps unlabelled raw Latin-1 headers Latin-1', async () => {
    const message = await parseMessage(
      Buffer.from('From: a@example.de\r\nSubject: Grüße aus Köln\r\n\r\nx', 'latin1'),
    );
    expect(message.subject).toBe('Grüße aus Köln');
  });

  it('decodes UTF-7 in encoded words and in text and HTML bodies, the HTML sanitised after decoding', async () => {
    const message = await parse('utf-7.eml');
    expect(message.subject).toBe('日本語のmail');
    expect(message.from).toEqual({ address: 'utf7@example.jp', name: '小林 花子' });
    expect(message.text).toBe('日本語の本文です. Café 1<2');
    expect(message.html).toBe('<p>日本語</p>');
  });

  it('lists named inline text parts as attachments, not as body text', async () => {
    const message = await parse('inline-named-text-parts.eml');
    expect(message.text).toBe('Please see the notes.');
    expect(message.attachments.map((a) => [a.filename, a.contentType, a.content.toString().trim()])).toEqual([
      ['notes.txt', 'text/plain', 'line 1 of the notes'],
      ['page.html', 'text/html', '<p>saved page</p>'],
    ]);
  });

  it('keeps named parts of a multipart/alternative as the body (they are its renderings)', async () => {
    const raw = Buffer.from(
      'From: a@example.jp\r\nSubject: x\r\nMIME-Version: 1.0\r\nContent-Type: multipart/alternative; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain; name="body.txt"\r\n\r\nplain\r\n--b\r\nContent-Type: text/html; name="body.html"\r\n\r\n<p>html</p>\r\n--b--\r\n',
    );
    const message = await parseMessage(raw);
    expect([message.text, message.html, message.attachments]).toEqual(['plain', '<p>html</p>', []]);
  });

  it('keeps an inline message/rfc822 part as an attachment with its own subject, sender, date and text', async () => {
    const message = await parse('forwarded-inline-rfc822.eml');
    expect(message.text).toBe('下記のメールを転送します。');
    expect(message.attachments).toHaveLength(1);
    expect(message.attachments[0].contentType).toBe('message/rfc822');
    expect(message.attachments[0].message).toEqual({
      subject: '納品について',
      from: { address: 'sasaki@shop.example.jp', name: '佐々木 商店' },
      date: new Date('2026-11-16T00:30:00.000Z'),
      messageId: 'nouhin.77@shop.example.jp',
      text: '納品は来週の火曜日です。',
    });
    expect(message.attachedMessageIds).toEqual(['nouhin.77@shop.example.jp']);
    // An attached .eml is read the same way.
    expect((await parse('forwarded-rfc822.eml')).attachments[0].message).toMatchObject({
      subject: 'original question',
      from: { address: 'orig@example.com', name: 'Original Sender' },
      text: 'The original body.',
    });
  });

  it('reads every message/delivery-status part and the message/feedback-report part of an ARF report', async () => {
    const dsn = await parse('bounce-multiple-status-parts.eml');
    expect(dsn.deliveryStatus?.recipients.map((r) => r.finalRecipient)).toEqual([
      'gone@example.net',
      'slow@example.net',
      'full@example.org',
    ]);
    const arf = await parse('arf-abuse-report.eml');
    expect(arf.reportType).toBe('feedback-report');
    expect(arf.feedbackReport?.feedbackType).toBe('abuse');
    expect(arf.text).toContain('This is an email abuse report');
    expect(arf.text).not.toContain('Thank you for your inquiry.');
    expect(arf.attachedMessageIds).toEqual(['IQ000128.20261117.bb22@madoguchi.example.jp']);
  });
});
