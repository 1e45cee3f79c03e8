// parseMessage skips the MIME inspection for mail it cannot change: the result must be the same
// either way, for every fixture and for mislabelled 7-bit mail that only decoding reveals.
import * as Encoding from 'encoding-japanese';
import * as iconv from 'iconv-lite';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { benchMessage } from '../../../../bench/ingest/messages';
import { rawMail } from '../../../../test/support/mail-builder';
import { mayNeedInspection, parseMessage } from './parse-message';

const FIXTURES = join(__dirname, '../../../../test/fixtures/mail');
const jis = (s: string) => Buffer.from(Encoding.convert(Encoding.stringToCode(s), { to: 'JIS', from: 'UNICODE' }));
const mail = (head: string[], body: string) => Buffer.from(`${head.join('\r\n')}\r\n\r\n${body}\r\n`, 'latin1');
const b64 = (bytes: Buffer) => bytes.toString('base64').replace(/.{76}/g, '$&\r\n');
const textPart = (label: string, encoding: string, body: string) => mail(['From: a@example.jp', 'Subject: x', 'MIME-Version: 1.0', `Content-Type: text/plain; charset=${label}`, `Content-Transfer-Encoding: ${encoding}`], body);

const mislabelled: [string, Buffer][] = [
  ['Shift_JIS in base64 labelled ISO-2022-JP', textPart('ISO-2022-JP', 'base64', b64(iconv.encode('シフトJISの本文です①', 'cp932')))],
  ['Shift_JIS in base64 labelled UTF-8', textPart('UTF-8', 'base64', b64(iconv.encode('シフトJISの本文です', 'cp932')))],
  ['EUC-JP in base64 without a label', mail(['From: a@example.jp', 'Subject: x', 'MIME-Version: 1.0', 'Content-Transfer-Encoding: base64'], b64(iconv.encode('EUCの本文です。よろしくお願いします。', 'eucjp')))],
  ['ISO-2022-JP labelled us-ascii', textPart('us-ascii', '7bit', jis('JISの本文です').toString('latin1'))],
  ['ISO-2022-JP labelled CP50220', textPart('CP50220', '7bit', jis('①㈱の本文').toString('latin1'))],
  ['UTF-8 in quoted-printable labelled us-ascii', textPart('us-ascii', 'quoted-printable', Buffer.from('ユーティーエフ', 'utf8').toString('hex').replace(/../g, (h) => `=${h.toUpperCase()}`))],
  ['UTF-8 with an emoji in base64 labelled Shift_JIS', textPart('Shift_JIS', 'base64', b64(Buffer.from('ありがとうございます🙏', 'utf8')))],
  ['EUC-JP in base64 labelled ANSI_X3.4-1968', textPart('ANSI_X3.4-1968', 'base64', b64(iconv.encode('EUCの本文です。よろしくお願いします。', 'eucjp')))],
];

describe('parseMessage without the MIME inspection', () => {
  const fixtures = readdirSync(FIXTURES).filter((f) => f.endsWith('.eml'));
  const cases: [string, Buffer][] = [
    ...fixtures.map((f): [string, Buffer] => [f, readFileSync(join(FIXTURES, f))]),
    ...mislabelled,
    ...Array.from({ length: 10 }, (_, i): [string, Buffer] => [`bench message ${i}`, benchMessage(i, 'info@example.jp')]),
    ['plain UTF-8', rawMail({ from: 'a@example.jp', fromName: '山田 花子', to: 'b@example.jp', subject: '見積', body: '本文です①' })],
  ];

  it.each(cases)('reads %s exactly as with it', async (_, raw) => {
    const auto = await parseMessage(raw).catch((e: Error) => e.message);
    const always = await parseMessage(raw, { inspect: 'always' }).catch((e: Error) => e.message);
    expect(auto).toEqual(always);
  });

  it('reads mislabelled mail right (the inspection ran after all)', async () => {
    const texts = await Promise.all(mislabelled.map(async ([, raw]) => (await parseMessage(raw)).text.trim()));
    expect(texts).toEqual(['シフトJISの本文です①', 'シフトJISの本文です', 'EUCの本文です。よろしくお願いします。', 'JISの本文です', '①㈱の本文', 'ユーティーエフ', 'ありがとうございます🙏', 'EUCの本文です。よろしくお願いします。']);
  });

  it('skips it for everyday mail and keeps it for reports, forwards, 8-bit mail and JIS in base64', () => {
    for (let i = 0; i < 10; i++) expect(mayNeedInspection(benchMessage(i, 'info@example.jp'))).toBe(false);
    expect(mayNeedInspection(readFileSync(join(FIXTURES, 'iso-2022-jp-plain.eml')))).toBe(false);
    // Base64 labelled Shift_JIS: right here, but a wrong label of that kind decodes to plausible text.
    expect(mayNeedInspection(readFileSync(join(FIXTURES, 'shift-jis-cp932.eml')))).toBe(true);
    for (const f of ['bounce-postfix-dsn.eml', 'forwarded-rfc822.eml', 'no-charset-shift-jis.eml', 'raw-utf8-headers.eml', 'cp50220-label.eml']) {
      expect([f, mayNeedInspection(readFileSync(join(FIXTURES, f)))]).toEqual([f, true]);
    }
    expect(mayNeedInspection(mislabelled[0][1])).toBe(true);
  });
});
