import { simpleParser } from 'mailparser';
import type { EmailPayload } from './email-payload';
import { EmailSender } from './email-sender.service';

const payload = (charset: EmailPayload['charset']): EmailPayload => ({
  from: { address: 'support@example.jp', name: '窓口サポート' },
  to: [{ address: 'yamada@example.co.jp', name: '山田 花子' }],
  cc: [],
  bcc: [{ address: 'archive@example.jp', name: '' }],
  subject: 'Re: [#IQ000001] 見積のお願い ①㈱',
  text: '山田様\n\nお見積りをお送りします。～\n',
  inReplyTo: 'q1@example.co.jp',
  references: ['q0@example.co.jp', 'q1@example.co.jp'],
  charset,
});

describe('EmailSender.build', () => {
  const sender = new EmailSender({ mail: { capture: false } } as never, {} as never);

  it.each(['utf-8', 'iso-2022-jp'] as const)('writes threading headers and Japanese that decodes back (%s)', async (charset) => {
    const raw = await sender.build(payload(charset), 'abc@example.jp');
    const parsed = await simpleParser(raw);
    expect(parsed.messageId).toBe('<abc@example.jp>');
    expect(parsed.inReplyTo).toBe('<q1@example.co.jp>');
    expect(parsed.references).toEqual(['<q0@example.co.jp>', '<q1@example.co.jp>']);
    expect(parsed.subject).toBe('Re: [#IQ000001] 見積のお願い ①㈱');
    expect(parsed.from?.value[0]).toMatchObject({ address: 'support@example.jp', name: '窓口サポート' });
    expect(parsed.text).toContain('お見積りをお送りします。');
    // Bcc travels in the envelope only, never in the headers.
    expect(raw.toString('latin1')).not.toMatch(/^Bcc:/im);
  });

  it('cuts ISO-2022-JP body lines over 998 octets at character boundaries, and nothing else', async () => {
    const long = Array.from({ length: 700 }, (_, i) => (i % 7 === 0 ? 'abc ' : 'あ①漢ｶ')).join('');
    const raw = await sender.build({ ...payload('iso-2022-jp'), text: `短い行\n${long}\n\n終わり` }, 'abc@example.jp');
    const body = raw.subarray(raw.indexOf('\r\n\r\n') + 4);
    const lines = body.toString('latin1').split('\r\n');
    expect(Math.max(...lines.map((l) => l.length))).toBeLessThanOrEqual(998);
    expect(lines.length).toBeGreaterThan(5);
    // Every line is complete ISO-2022-JP: back in ASCII at its end.
    for (const l of lines) if (l.includes('\x1b')) expect(l.endsWith('\x1b(B')).toBe(true);
    const parsed = await simpleParser(raw);
    const text = parsed.text!.split('\n');
    expect(text[0]).toBe('短い行');
    expect(text.slice(1, -3).join('')).toBe(long);
    expect(text.slice(-3)).toEqual(['', '終わり', '']);
  });

  it('sends ISO-2022-JP as 7-bit with the charset labelled', async () => {
    const raw = await sender.build(payload('iso-2022-jp'), 'abc@example.jp');
    const text = raw.toString('latin1');
    expect(text).toMatch(/Content-Type: text\/plain; charset=ISO-2022-JP/i);
    expect(text).toMatch(/Subject: =\?ISO-2022-JP\?B\?/);
    expect([...raw].every((b) => b < 0x80)).toBe(true);
  });

  it('falls back to UTF-8 when ISO-2022-JP cannot carry the text (emoji)', async () => {
    const raw = await sender.build({ ...payload('iso-2022-jp'), text: 'ありがとうございます🙏' }, 'abc@example.jp');
    expect(raw.toString('latin1')).not.toMatch(/charset=ISO-2022-JP/i);
    expect((await simpleParser(raw)).text).toContain('🙏');
  });

  it.each(['utf-8', 'iso-2022-jp'] as const)('carries Reply-To and attachments with Japanese file names (%s)', async (charset) => {
    const blobs = { read: async (key: string) => Buffer.from(key === 'k1' ? '見積書の中身' : '%PDF-1.4 binary \x00\x01', 'utf8') };
    const withFiles = new EmailSender({ mail: { capture: false } } as never, blobs as never);
    const raw = await withFiles.build(
      {
        ...payload(charset),
        replyTo: { address: 'eigyo@example.jp', name: '営業部' },
        attachments: [
          { filename: '見積書（改訂）.txt', contentType: 'text/plain', blobKey: 'k1' },
          { filename: "it's (1).pdf", contentType: 'application/pdf', blobKey: 'k2' },
        ],
      },
      'att@example.jp',
    );
    const parsed = await simpleParser(raw);
    expect(parsed.replyTo?.value[0]).toMatchObject({ address: 'eigyo@example.jp', name: '営業部' });
    expect(parsed.text).toContain('お見積りをお送りします。');
    expect(parsed.attachments.map((a) => a.filename)).toEqual(['見積書（改訂）.txt', "it's (1).pdf"]);
    expect(parsed.attachments[0].content.toString('utf8')).toBe('見積書の中身');
    if (charset === 'iso-2022-jp') expect([...raw].every((b) => b < 0x80)).toBe(true);
  });
});

describe('EmailSender.build with an HTML part', () => {
  const sender = new EmailSender({ mail: { capture: false } } as never, {} as never);

  it.each(['utf-8', 'iso-2022-jp'] as const)('writes multipart/alternative with both parts decoding back (%s)', async (charset) => {
    const raw = await sender.build({ ...payload(charset), html: '<p><b>山田様</b></p><p>お見積りをお送りします。①</p>' }, 'abc@example.jp');
    expect(raw.toString('latin1')).toMatch(/Content-Type: multipart\/alternative/i);
    const parsed = await simpleParser(raw);
    expect(parsed.text).toContain('お見積りをお送りします。');
    expect(parsed.html).toContain('<b>山田様</b>');
    expect(parsed.html).toContain('お見積りをお送りします。①');
  });
});
